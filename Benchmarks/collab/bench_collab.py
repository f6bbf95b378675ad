#!/usr/bin/env python3
"""Collaboration server load benchmark (`make bench-collab`).

Drives a running server with real Yjs clients (pycrdt documents over real WebSockets speaking the
y-websocket protocol: sync step 1/2, then updates) and prints, for each server and each load:

  - p50/p99 delivery latency (ms): an edit is a map entry whose value carries the editor id and the
    CLOCK_MONOTONIC time it was sent; every other client in the room records when it arrives;
  - deliveries per second: edits received by all the *other* clients of the room;
  - server CPU microseconds per delivered update: the server process's utime+stime (/proc/PID/stat)
    over the measured window divided by the deliveries in it (for EditBay also with its embedded
    PostgreSQL processes, which do the durable writes);
  - resident memory per idle connection: the server's VmRSS (/proc/PID/status) before and after
    opening K idle, synced WebSocket connections, divided by K.

Servers: EditBay (`editbay serve`, started here with a fresh data directory and its embedded
PostgreSQL; users, projects and memberships are made over REST) and the reference y-websocket server
(Debian's node-y-websocket, which persists nothing), run one after the other with the same loads.
One JSON line per run goes to stdout, a table to stderr at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import glob
import json
import os
import random
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

try:
    import websockets
    from websockets.asyncio.client import connect
    from pycrdt import Doc, Map, handle_sync_message
except ImportError as error:  # pragma: no cover
    sys.exit(f"bench_collab: {error}; install with: pip install pycrdt==0.14.13 websockets")

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CLK_TCK = os.sysconf("SC_CLK_TCK")
STAMP = re.compile(rb"EB:(\d+):(\d+);")


def log(*args):
    print("[bench-collab]", *args, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- y-protocols framing (lib0 varUint)

def var_uint(n: int) -> bytes:
    out = bytearray()
    while n > 0x7F:
        out.append(0x80 | (n & 0x7F))
        n >>= 7
    out.append(n)
    return bytes(out)


def read_var_uint(data: bytes, pos: int) -> tuple[int, int]:
    n = shift = 0
    while True:
        b = data[pos]
        pos += 1
        n |= (b & 0x7F) << shift
        if b < 0x80:
            return n, pos
        shift += 7


def sync_step1(state: bytes) -> bytes:
    return b"\x00\x00" + var_uint(len(state)) + state


def sync_update(update: bytes) -> bytes:
    return b"\x00\x02" + var_uint(len(update)) + update


# An empty document's state vector and update, for idle clients (no pycrdt needed to stay idle).
EMPTY_STEP1 = sync_step1(b"\x00")
EMPTY_STEP2 = b"\x00\x01" + var_uint(2) + b"\x00\x00"


# ---------------------------------------------------------------- process figures from /proc

def proc_cpu_ticks(pid: int, children: bool = False) -> int:
    """utime+stime of a process in clock ticks (+ cutime+cstime of reaped children if asked)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # fields[0] is state (field 3); utime is field 14 -> index 11
    ticks = int(fields[11]) + int(fields[12])
    if children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks


def proc_rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def child_pids(ppid: int) -> list[int]:
    pids = []
    for path in glob.glob("/proc/[0-9]*/stat"):
        try:
            with open(path) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            if int(fields[1]) == ppid:
                pids.append(int(path.split("/")[2]))
        except (OSError, IndexError, ValueError):
            pass
    return pids


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def raise_nofile() -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY:
        hard = 1 << 20
    if soft < hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        except (ValueError, OSError):
            pass
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


# ---------------------------------------------------------------- servers

class Server:
    name = "server"
    process: subprocess.Popen | None = None
    durable = False

    @property
    def pid(self) -> int:
        return self.process.pid

    def cpu_ticks(self) -> int:
        return proc_cpu_ticks(self.pid)

    def extra_cpu_ticks(self) -> dict[int, int] | None:
        """Per-process ticks of helper processes that belong to the server (EditBay: PostgreSQL)."""
        return None

    def rss_kb(self) -> int:
        return proc_rss_kb(self.pid)

    async def prepare_rooms(self, count: int, editors: int, tag: str) -> list[list[str]]:
        """URLs for `editors` editor connections in each of `count` new rooms."""
        raise NotImplementedError

    def wait_http(self, url: str, timeout: float):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited early with {self.process.returncode}; see {self.log_path}")
            try:
                urllib.request.urlopen(url, timeout=2).read()
                return
            except urllib.error.HTTPError:
                return  # any HTTP answer means it is up
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not answer on {url} within {timeout}s; see {self.log_path}")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class YWebsocketServer(Server):
    name = "y-websocket"

    def __init__(self, script: str, workdir: str):
        self.port = free_port()
        self.log_path = os.path.join(workdir, "y-websocket.log")
        env = dict(os.environ, HOST="127.0.0.1", PORT=str(self.port), NODE_PATH="/usr/share/nodejs")
        env.pop("YPERSISTENCE", None)
        env.pop("CALLBACK_URL", None)
        self.process = subprocess.Popen(["node", script], env=env, stdout=open(self.log_path, "w"),
                                        stderr=subprocess.STDOUT, start_new_session=True)
        self.wait_http(f"http://127.0.0.1:{self.port}/", 60)

    async def prepare_rooms(self, count, editors, tag):
        return [[f"ws://127.0.0.1:{self.port}/{tag}-{r}"] * editors for r in range(count)]


class EditBayServer(Server):
    name = "editbay"
    durable = True

    def __init__(self, binary: str, workdir: str):
        self.port = free_port()
        self.data_dir = os.path.join(workdir, "editbay-data")
        self.log_path = os.path.join(workdir, "editbay.log")
        self.base = f"http://127.0.0.1:{self.port}"
        self.users = 0
        env = dict(os.environ, EDITBAY_BCRYPT_COST="4", EDITBAY_LOGIN_LIMIT_PER_IP="100000000",
                   EDITBAY_LOGIN_LIMIT_PER_EMAIL="100000000", LOG_LEVEL=os.environ.get("BENCH_LOG_LEVEL", "warning"))
        env.pop("DATABASE_URL", None)
        self.process = subprocess.Popen(
            [binary, "serve", "--host", "127.0.0.1", "--port", str(self.port), "--data-dir", self.data_dir],
            env=env, stdout=open(self.log_path, "w"), stderr=subprocess.STDOUT, start_new_session=True)
        self.wait_http(f"{self.base}/health", 300)

    def postmaster_pid(self) -> int | None:
        for path in glob.glob(os.path.join(self.data_dir, "**", "postmaster.pid"), recursive=True):
            try:
                return int(open(path).readline())
            except (OSError, ValueError):
                pass
        return None

    def extra_cpu_ticks(self):
        pm = self.postmaster_pid()
        if pm is None:
            return None
        ticks = {}
        for pid in [pm] + child_pids(pm):
            try:
                ticks[pid] = proc_cpu_ticks(pid, children=(pid == pm))
            except OSError:
                pass
        return ticks

    def request(self, method: str, path: str, body: dict | None = None, token: str | None = None) -> dict:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        if token:
            req.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(req, timeout=30) as response:
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            raise RuntimeError(f"{method} {path}: {error.code} {error.read()[:300]!r}") from None

    def register(self) -> tuple[str, str]:
        self.users += 1
        email = f"bench{self.users}-{os.getpid()}@example.com"
        answer = self.request("POST", "/api/auth/register",
                              {"email": email, "password": "bench-password-123", "displayName": f"Bench {self.users}"})
        return email, answer["data"]["accessToken"]

    async def prepare_rooms(self, count, editors, tag):
        return await asyncio.to_thread(self._prepare_rooms, count, editors, tag)

    def _prepare_rooms(self, count, editors, tag):
        rooms = []
        for r in range(count):
            _, owner = self.register()
            project = self.request("POST", "/api/projects", {"name": f"{tag}-{r}"}, owner)["data"]["id"]
            urls = [f"ws://127.0.0.1:{self.port}/api/projects/{project}/sync?token={owner}"]
            for _ in range(editors - 1):
                email, token = self.register()
                self.request("POST", f"/api/projects/{project}/members", {"email": email, "role": "editor"}, owner)
                urls.append(f"ws://127.0.0.1:{self.port}/api/projects/{project}/sync?token={token}")
            rooms.append(urls)
        return rooms


# ---------------------------------------------------------------- the load

class Measure:
    """Shared bookkeeping of one load run (single event loop: no locks)."""

    def __init__(self):
        self.window = (None, None)  # monotonic ns
        self.latencies: list[int] = []
        self.deliveries = 0  # received by other clients inside the window
        self.sent_in_window = 0
        self.delivered_of_window_sends = 0  # deliveries (any time) of edits sent inside the window
        self.lags: list[int] = []  # how late the sender woke up, ns
        self.echoes = 0
        self.errors: list[str] = []

    def in_window(self, t: int) -> bool:
        start, end = self.window
        return start is not None and start <= t < end


class Editor:
    def __init__(self, eid: int, url: str, measure: Measure):
        self.eid = eid
        self.url = url
        self.measure = measure
        self.doc = Doc()
        self.map = self.doc.get("bench", type=Map)
        self.key = f"e{eid}"
        self.synced = asyncio.Event()
        self.ws = None
        self.reader = None
        self.last_values: dict[int, int] = {}

    async def open(self):
        self.ws = await connect(self.url, compression=None, ping_interval=None, max_size=None,
                                open_timeout=60, close_timeout=5)
        await self.ws.send(sync_step1(self.doc.get_state()))
        self.reader = asyncio.create_task(self.read())

    async def read(self):
        m = self.measure
        try:
            async for message in self.ws:
                now = time.monotonic_ns()
                if isinstance(message, str) or len(message) < 2 or message[0] != 0:
                    continue  # awareness, auth, acks: not part of this load
                kind = message[1]
                if kind == 0:  # the server's step 1: answer with our state
                    reply = handle_sync_message(message[1:], self.doc)
                    if reply:
                        await self.ws.send(reply)
                    continue
                length, pos = read_var_uint(message, 2)
                update = message[pos:pos + length]
                stamps = STAMP.findall(update)
                mine = all(int(e) == self.eid for e, _ in stamps) and stamps
                if not mine and update != b"\x00\x00":
                    self.doc.apply_update(update)
                if kind == 1:
                    self.synced.set()
                    continue
                for e, sent in stamps:
                    e = int(e)
                    if e == self.eid:
                        m.echoes += 1
                        continue
                    sent = int(sent)
                    self.last_values[e] = max(self.last_values.get(e, 0), sent)
                    if m.in_window(sent):
                        m.delivered_of_window_sends += 1
                    if m.in_window(now):
                        m.deliveries += 1
                        if m.in_window(sent):
                            m.latencies.append(now - sent)
        except websockets.ConnectionClosed as error:
            if not getattr(self, "closing", False):
                m.errors.append(f"editor {self.eid}: closed {error}")

    async def edit_loop(self, start_ns: int, period_ns: int, stop_ns: int):
        m = self.measure
        send = self.ws.send
        next_ns = start_ns
        while next_ns < stop_ns:
            now = time.monotonic_ns()
            if next_ns > now:
                await asyncio.sleep((next_ns - now) / 1e9)
            sent = time.monotonic_ns()
            if m.in_window(sent):
                m.lags.append(sent - next_ns)
                m.sent_in_window += 1
            state = self.doc.get_state()
            self.map[self.key] = f"EB:{self.eid}:{sent};"
            await send(sync_update(self.doc.get_update(state)))
            next_ns += period_ns

    async def close(self):
        self.closing = True
        if self.ws:
            await self.ws.close()
        if self.reader:
            await asyncio.gather(self.reader, return_exceptions=True)


def percentile(values: list[int], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = min(len(values) - 1, max(0, int(round(p / 100 * (len(values) - 1)))))
    return values[k]


async def run_load(server: Server, rooms: int, editors: int, rate: float, warmup: float, duration: float,
                   tag: str) -> dict:
    urls = await server.prepare_rooms(rooms, editors, tag)
    measure = Measure()
    clients: list[list[Editor]] = []
    eid = 0
    for room in urls:
        row = []
        for url in room:
            eid += 1
            row.append(Editor(eid, url, measure))
        clients.append(row)
    everyone = [c for row in clients for c in row]
    for c in everyone:  # one at a time: the join is not what is measured
        await c.open()
    await asyncio.wait_for(asyncio.gather(*(c.synced.wait() for c in everyone)), 60)
    await asyncio.sleep(0.5)

    period = int(1e9 / rate)
    t0 = time.monotonic_ns() + 100_000_000
    window_start = t0 + int(warmup * 1e9)
    window_end = window_start + int(duration * 1e9)
    measure.window = (window_start, window_end)  # fixed: sends and receipts are both counted by it
    tasks = []
    for i, c in enumerate(everyone):
        phase = int(period * (i / len(everyone))) + random.randrange(0, max(1, period // 50))
        tasks.append(asyncio.create_task(c.edit_loop(t0 + phase, period, window_end + period)))

    async def at(t):
        await asyncio.sleep(max(0, (t - time.monotonic_ns()) / 1e9))

    await at(window_start)
    cpu0 = server.cpu_ticks()
    extra0 = server.extra_cpu_ticks()
    me0 = os.times()
    wall0 = time.monotonic_ns()
    await at(window_end)
    cpu1 = server.cpu_ticks()
    extra1 = server.extra_cpu_ticks()
    me1 = os.times()
    wall1 = time.monotonic_ns()
    await asyncio.gather(*tasks)
    await asyncio.sleep(1.5)  # let in-flight deliveries of window sends arrive

    # Convergence: every client ends with every other editor's last value in its room.
    converged = True
    for row in clients:
        final = {f"e{c.eid}": c.map[f"e{c.eid}"] for c in row}
        for c in row:
            if dict(c.map) != final:
                converged = False
    for c in everyone:
        await c.close()

    seconds = (window_end - window_start) / 1e9
    cpu_seconds = (wall1 - wall0) / 1e9  # the CPU readings' own interval (late wake-ups on a busy machine)
    server_us = (cpu1 - cpu0) / CLK_TCK * 1e6
    extra_us = None
    if extra0 is not None and extra1 is not None:
        extra_us = sum(t - extra0.get(pid, 0) for pid, t in extra1.items()) / CLK_TCK * 1e6
    client_s = (me1.user - me0.user) + (me1.system - me0.system)
    d = measure.deliveries
    expected = measure.sent_in_window * (editors - 1)
    lat = measure.latencies
    result = {
        "server": server.name,
        "load": f"{rooms}x{editors}",
        "rooms": rooms,
        "editors_per_room": editors,
        "edits_per_s_per_editor": rate,
        "window_s": round(seconds, 3),
        "cpu_window_s": round(cpu_seconds, 3),
        "edits_sent": measure.sent_in_window,
        "deliveries": d,
        "deliveries_per_s": round(d / seconds, 1),
        "delivered_fraction": round(measure.delivered_of_window_sends / expected, 4) if expected else None,
        "p50_ms": round(percentile(lat, 50) / 1e6, 3),
        "p99_ms": round(percentile(lat, 99) / 1e6, 3),
        "max_ms": round(max(lat) / 1e6, 3) if lat else None,
        "server_cpu_us_per_delivery": round(server_us / d, 2) if d else None,
        "server_cpu_pct": round(server_us / 1e6 / cpu_seconds * 100, 1),
        "client_cpu_pct": round(client_s / cpu_seconds * 100, 1),
        "client_cpu_us_per_delivery": round(client_s * 1e6 / d, 2) if d else None,
        "send_lag_p99_ms": round(percentile(measure.lags, 99) / 1e6, 3),
        "converged": converged,
        "durable_before_delivery": server.durable,
        "loadavg": [round(x, 2) for x in os.getloadavg()],
        "niceness": os.nice(0),
        "errors": measure.errors[:5],
    }
    if extra_us is not None:
        result["postgres_cpu_us_per_delivery"] = round(extra_us / d, 2) if d else None
        result["server_plus_postgres_cpu_us_per_delivery"] = round((server_us + extra_us) / d, 2) if d else None
    return result


async def run_idle(server: Server, count: int, rooms: int, concurrency: int, per_user: int = 20) -> dict:
    """Opens `count` idle, synced connections spread over `rooms` rooms; RSS per connection."""
    rooms = max(1, min(rooms, count))
    # EditBay allows 20 connections per user and project: spread each room's connections over enough users
    per_room = -(-count // rooms) + 1  # + the warm-up connection
    users = max(1, -(-per_room // per_user))
    urls = await server.prepare_rooms(rooms, users, "idle")
    # warm the rooms (room load is not a per-connection cost)
    warm = []
    for room in urls:
        ws = await connect(room[0], compression=None, ping_interval=None, open_timeout=60)
        warm.append(ws)
    await asyncio.sleep(2)
    rss0 = server.rss_kb()
    conns = []
    failures = []
    sem = asyncio.Semaphore(concurrency)

    async def one(i):
        async with sem:
            room = urls[i % rooms]
            try:
                ws = await connect(room[(i // rooms) % len(room)], compression=None, ping_interval=None,
                                   open_timeout=120, close_timeout=2)
                await ws.send(EMPTY_STEP1)
            except Exception as error:  # noqa: BLE001
                failures.append(repr(error)[:200])
                return
            conns.append(ws)

    async def drain(ws):  # answer the server's step 1, then keep reading (pings are answered by websockets)
        try:
            async for message in ws:
                if isinstance(message, bytes) and message[:2] == b"\x00\x00":
                    await ws.send(EMPTY_STEP2)
        except websockets.ConnectionClosed:
            pass

    t0 = time.monotonic()
    await asyncio.gather(*(one(i) for i in range(count)))
    connect_s = time.monotonic() - t0
    drains = [asyncio.create_task(drain(ws)) for ws in conns]
    await asyncio.sleep(5)
    rss1 = server.rss_kb()
    open_now = sum(1 for ws in conns if ws.state is websockets.protocol.State.OPEN)
    await asyncio.gather(*(ws.close() for ws in conns + warm), return_exceptions=True)
    for task in drains:
        task.cancel()
    await asyncio.gather(*drains, return_exceptions=True)
    return {
        "server": server.name,
        "load": "idle",
        "idle_connections": open_now,
        "idle_rooms": rooms,
        "idle_users_per_room": users,
        "failed": len(failures),
        "first_failure": failures[0] if failures else None,
        "connect_s": round(connect_s, 1),
        "rss_before_mb": round(rss0 / 1024, 1),
        "rss_after_mb": round(rss1 / 1024, 1),
        "rss_kb_per_idle_connection": round((rss1 - rss0) / open_now, 2) if open_now else None,
        "rss_mb_per_10k_idle": round((rss1 - rss0) / open_now * 10000 / 1024, 1) if open_now else None,
    }


# ---------------------------------------------------------------- driver

def table(results: list[dict]) -> str:
    lines = []
    head = f"{'server':<12} {'load':<7} {'deliv/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'srv µs/del':>10} {'+pg µs/del':>10} {'srv cpu%':>8} {'cli cpu%':>8} {'lost':>6} {'conv':>5}"
    lines.append(head)
    for r in results:
        if r["load"] == "idle":
            continue
        plus = r.get("server_plus_postgres_cpu_us_per_delivery")
        lost = 1 - r["delivered_fraction"] if r["delivered_fraction"] is not None else float("nan")
        lines.append(f"{r['server']:<12} {r['load']:<7} {r['deliveries_per_s']:>8.0f} {r['p50_ms']:>7.2f} {r['p99_ms']:>7.2f} "
                     f"{r['server_cpu_us_per_delivery'] or float('nan'):>10.2f} {plus if plus is not None else '-':>10} "
                     f"{r['server_cpu_pct']:>8.1f} {r['client_cpu_pct']:>8.1f} {lost:>6.1%} {str(r['converged']):>5}")
    idle = [r for r in results if r["load"] == "idle"]
    if idle:
        lines.append("")
        lines.append(f"{'server':<12} {'idle conns':>10} {'rooms':>6} {'RSS before':>10} {'RSS after':>10} {'KB/conn':>8} {'MB/10k':>7}")
        for r in idle:
            lines.append(f"{r['server']:<12} {r['idle_connections']:>10} {r['idle_rooms']:>6} {r['rss_before_mb']:>10} "
                         f"{r['rss_after_mb']:>10} {r['rss_kb_per_idle_connection'] or float('nan'):>8} {r['rss_mb_per_10k_idle'] or float('nan'):>7}")
    return "\n".join(lines)


def ratios(results: list[dict]) -> list[dict]:
    out = []
    by = {}
    for r in results:
        if r["load"] != "idle":
            by.setdefault((r["server"], r["load"]), []).append(r)
    for (name, load), runs in by.items():
        if name != "editbay" or ("y-websocket", load) not in by:
            continue
        ref = by[("y-websocket", load)]

        def median(rows, key):
            vals = [x[key] for x in rows if x.get(key) is not None]
            return round(statistics.median(vals), 2) if vals else None
        eb = median(runs, "server_cpu_us_per_delivery")
        ebpg = median(runs, "server_plus_postgres_cpu_us_per_delivery")
        yw = median(ref, "server_cpu_us_per_delivery")
        if eb and yw:
            out.append({"ratio": True, "load": load, "editbay_us": eb, "editbay_plus_postgres_us": ebpg,
                        "y_websocket_us": yw, "editbay_over_y_websocket": round(eb / yw, 3),
                        "editbay_plus_postgres_over_y_websocket": round(ebpg / yw, 3) if ebpg else None,
                        "target": "<= 0.2"})
    return out


async def main_async(args) -> int:
    nofile = raise_nofile()
    if args.nice:
        os.nice(args.nice)  # inherited by the servers (and EditBay's PostgreSQL) started below
    idle = args.idle
    if idle and nofile < idle + 200:
        log(f"RLIMIT_NOFILE is {nofile}: idle connections cut from {idle} to {nofile - 200}")
        idle = max(0, nofile - 200)
    servers = [s.strip() for s in args.servers.split(",") if s.strip()]
    loads = [(1, args.editors)] if args.editors > 0 else []
    if args.rooms > 0:
        loads.append((args.rooms, args.room_editors))
    workdir = tempfile.mkdtemp(prefix="bench-collab-")
    os.chmod(workdir, 0o755)  # run as root, EditBay's embedded PostgreSQL runs as 'postgres' and must reach it
    results = []
    log(f"machine: {os.cpu_count()} CPUs, loadavg {os.getloadavg()}, RLIMIT_NOFILE {nofile}, niceness {os.nice(0)}, work dir {workdir}")
    try:
        for repeat in range(args.repeat):
            for name in servers:
                if name == "editbay":
                    binary = args.binary
                    if not os.path.exists(binary):
                        raise SystemExit(f"no EditBay binary at {binary}: swift build -c release --product editbay")
                    log(f"starting editbay ({binary})")
                    data = tempfile.mkdtemp(dir=workdir, prefix="editbay-")
                    os.chmod(data, 0o755)
                    server = EditBayServer(binary, data)
                elif name == "y-websocket":
                    log(f"starting y-websocket ({args.y_websocket})")
                    server = YWebsocketServer(args.y_websocket, tempfile.mkdtemp(dir=workdir, prefix="yws-"))
                else:
                    raise SystemExit(f"unknown server {name}")
                log(f"{name} pid {server.pid}")
                try:
                    for rooms, editors in loads:
                        log(f"{name}: {rooms} room(s) x {editors} editors x {args.rate}/s, warm-up {args.warmup}s, window {args.duration}s")
                        r = await run_load(server, rooms, editors, args.rate, args.warmup, args.duration,
                                           f"load{repeat}-{rooms}x{editors}")
                        r["repeat"] = repeat
                        print(json.dumps(r), flush=True)
                        results.append(r)
                    if idle and repeat == 0:
                        log(f"{name}: {idle} idle connections over {args.idle_rooms} rooms")
                        r = await run_idle(server, idle, args.idle_rooms, args.connect_concurrency, args.idle_per_user)
                        print(json.dumps(r), flush=True)
                        results.append(r)
                finally:
                    server.stop()
                await asyncio.sleep(2)
        for r in ratios(results):
            print(json.dumps(r), flush=True)
            results.append(r)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    print("", file=sys.stderr)
    print(table([r for r in results if not r.get("ratio")]), file=sys.stderr)
    for r in results:
        if r.get("ratio"):
            plus = r["editbay_plus_postgres_over_y_websocket"]
            print(f"\nCPU per delivered update, {r['load']}: EditBay {r['editbay_us']} µs (with PostgreSQL {r['editbay_plus_postgres_us']} µs) "
                  f"vs y-websocket {r['y_websocket_us']} µs -> ratio {r['editbay_over_y_websocket']} (with PostgreSQL {plus}); target <= 0.2",
                  file=sys.stderr)
    print("\nEditBay makes every update durable in PostgreSQL before delivering it; y-websocket persists nothing.",
          file=sys.stderr)
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--servers", default="editbay,y-websocket", help="comma-separated: editbay, y-websocket (default both)")
    p.add_argument("--binary", default=os.path.join(REPO, ".build", "release", "editbay"), help="EditBay release binary")
    p.add_argument("--y-websocket", default="/usr/share/nodejs/y-websocket/bin/server.js", help="y-websocket server.js")
    p.add_argument("--editors", type=int, default=20, help="editors in the one-room load, 0 to skip (default 20)")
    p.add_argument("--rooms", type=int, default=10, help="rooms in the multi-room load, 0 to skip (default 10)")
    p.add_argument("--room-editors", type=int, default=5, help="editors per room in the multi-room load (default 5)")
    p.add_argument("--rate", type=float, default=10, help="edits per second per editor (default 10)")
    p.add_argument("--warmup", type=float, default=3, help="seconds of editing before the window (default 3)")
    p.add_argument("--duration", type=float, default=20, help="measured window in seconds (default 20)")
    p.add_argument("--idle", type=int, default=10000, help="idle connections for the memory figure, 0 to skip (default 10000)")
    p.add_argument("--idle-rooms", type=int, default=100, help="rooms the idle connections are spread over (default 100)")
    p.add_argument("--idle-per-user", type=int, default=20,
                   help="idle connections per user and room (EditBay allows 20 per user and project; default 20)")
    p.add_argument("--connect-concurrency", type=int, default=64, help="idle connections being opened at once (default 64)")
    p.add_argument("--repeat", type=int, default=1, help="run the loads this many times per server, alternating (default 1)")
    p.add_argument("--nice", type=int, default=0,
                   help="change this process's niceness first (e.g. -10 as root on a shared machine); the servers inherit it")
    p.add_argument("--keep", action="store_true", help="keep the work directory (server logs, data)")
    args = p.parse_args()
    sys.exit(asyncio.run(main_async(args)))


if __name__ == "__main__":
    main()
