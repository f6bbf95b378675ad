#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL: a fresh cluster in a temporary directory, listening only on a
# Unix socket there, removed when the command ends (whatever its outcome). The command sees
# EDITBAY_TEST_DATABASE_URL (a superuser URL; tests create one database each).
set -euo pipefail

bin=""
if command -v pg_ctl >/dev/null 2>&1; then bin="$(dirname "$(readlink -f "$(command -v pg_ctl)")")"; fi
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
fi
[ -x "$bin/initdb" ] || { echo "PostgreSQL's initdb was not found (apt-get install postgresql)" >&2; exit 1; }

dir="$(mktemp -d /tmp/editbay-test-pg.XXXXXX)"
as_pg=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres "$dir"
  as_pg=(runuser -u postgres --)
fi

cleanup() {
  "${as_pg[@]}" "$bin/pg_ctl" stop -D "$dir/data" -m immediate >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT INT TERM

(cd "$dir" && "${as_pg[@]}" "$bin/initdb" -D "$dir/data" -U editbay --auth=trust -E UTF8 --locale=C >/dev/null)
(cd "$dir" && "${as_pg[@]}" "$bin/pg_ctl" start -D "$dir/data" -w -l "$dir/postgres.log" \
  -o "-c listen_addresses='' -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" >/dev/null)

export EDITBAY_TEST_DATABASE_URL="postgres://editbay@localhost/postgres?host=$dir"
echo "Throwaway PostgreSQL on $dir"
set +e
"$@"
status=$?
set -e
exit $status
