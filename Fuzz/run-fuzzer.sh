#!/usr/bin/env bash
# Builds the libFuzzer target for the CRDT decoders and runs it (see docs/fuzzing.md).
#   Fuzz/run-fuzzer.sh [-max_total_time=600] [other libFuzzer flags]
# Environment: FUZZ_JOBS (parallel jobs, default 1), FUZZ_NO_ASAN=1 to build without AddressSanitizer,
# FUZZ_OUT (output directory, default .build/fuzz).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${FUZZ_OUT:-$ROOT/.build/fuzz}"
CORPUS="$OUT/corpus"
mkdir -p "$OUT" "$CORPUS" "$OUT/artifacts"

SANITIZERS="fuzzer,address"
if [[ "${FUZZ_NO_ASAN:-0}" == "1" ]]; then SANITIZERS="fuzzer"; fi

mapfile -t SOURCES < <(find "$ROOT/Sources/CRDT" -name '*.swift' | sort)
echo "building $OUT/crdt-fuzzer from ${#SOURCES[@]} CRDT sources (-sanitize=$SANITIZERS)"
swiftc -sanitize="$SANITIZERS" -parse-as-library -O -g -module-name CRDTFuzz \
    -enable-upcoming-feature ExistentialAny -enable-upcoming-feature MemberImportVisibility \
    "${SOURCES[@]}" "$ROOT/Fuzz/CRDTFuzzTarget.swift" -o "$OUT/crdt-fuzzer" \
    2> >(grep -v "Cannot export local symbol" >&2)

# Seed corpus: every hex blob of the Yjs vectors, once per decoder selector.
python3 "$ROOT/Fuzz/make_corpus.py" "$ROOT/Tests/CRDTTests/Vectors" "$CORPUS"

JOBS=()
# With -jobs, libFuzzer runs workers in child processes that log to fuzz-N.log in the current directory.
if [[ "${FUZZ_JOBS:-1}" -gt 1 ]]; then JOBS=(-jobs="$FUZZ_JOBS" -workers="$FUZZ_JOBS"); fi
exec "$OUT/crdt-fuzzer" "$CORPUS" -artifact_prefix="$OUT/artifacts/" "${JOBS[@]}" "$@"
