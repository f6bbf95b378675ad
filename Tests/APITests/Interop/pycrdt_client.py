#!/usr/bin/env python3
"""A y-websocket client made of pycrdt (the yrs bindings for Python), driven line by line.

Used by YjsClientInteropTests.swift to prove that a real, unmodified Yjs implementation can sync with
EditBay. The protocol work is done by pycrdt's own helpers (create_sync_message, handle_sync_message,
create_update_message, create_awareness_message, Awareness); this file only moves frames between
them and a WebSocket (the `websockets` package) and answers commands.

    python3 pycrdt_client.py --url ws://127.0.0.1:PORT/api/projects/ID/sync --token TOKEN [--ack]

After the handshake (our step 1, the server's step 1 answered, the server's step 2 applied) it prints
one JSON line {"event": "ready", ...}. Then it reads one JSON command per line on stdin and prints
exactly one JSON line per command: the result, or {"error": "..."}. Commands:

    {"cmd": "set", "root": "markers", "key": "m1", "value": {...}}  nested Y.Map for an object
    {"cmd": "delete", "root": "markers", "key": "m1"}
    {"cmd": "edit", "changes": [{"root": ..., "key": ..., "value": ...}, {"root": ..., "key": ..., "delete": true}]}
                                            several changes in one transaction, so one update
    {"cmd": "hold"} / {"cmd": "release"}   buffer incoming sync and awareness frames (for truly concurrent edits)
    {"cmd": "waitFor", "has": [["markers", "m1"], ...], "equal": [[["meta", "name"], "x"], ...], "timeout": 10}
    {"cmd": "dump"}
    {"cmd": "setAwareness", "state": {...}}
    {"cmd": "waitAwareness", "path": ["cursor", "time"], "value": 42}
    {"cmd": "waitAwarenessGone", "clientID": 123}
    {"cmd": "waitAuth"}
    {"cmd": "stats"}
    {"cmd": "reconnect", "url": "ws://…/sync"}   after the server went away: connect again (the same
                                            document), redo the handshake; edits made while disconnected
                                            reach the server through the sync step 2 it asks for
    {"cmd": "close"}

With --ack the connection asks for EditBay's durable acknowledgements (message type 100 + varUint seq)
and "set" answers only once the server acknowledged the update, with {"ack": seq}.
"""

import argparse
import asyncio
import json
import sys

MISSING = []
try:
    import pycrdt
    from pycrdt import (
        Awareness,
        Decoder,
        Doc,
        Map,
        YMessageType,
        YSyncMessageType,
        create_awareness_message,
        create_sync_message,
        create_update_message,
        handle_sync_message,
        read_message,
    )
except ImportError as error:  # the Swift test turns this line into a failure message
    MISSING.append(f"pycrdt ({error})")
try:
    import websockets
    from websockets.asyncio.client import connect
except ImportError as error:
    MISSING.append(f"websockets ({error})")

ROOTS = ["meta", "tracks", "clips", "assets", "markers"]
MESSAGE_AUTH = 2
MESSAGE_QUERY_AWARENESS = 3
MESSAGE_DURABLE_ACK = 100


def emit(obj):
    sys.stdout.write(json.dumps(obj, sort_keys=True) + "\n")
    sys.stdout.flush()


def normalize(value):
    """yrs reads every number as a float; integral ones are written as integers, as Yjs prints them."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: normalize(v) for k, v in value.items()}
    if isinstance(value, list):
        return [normalize(v) for v in value]
    return value


def read_var_uint(data, offset):
    value, shift = 0, 0
    while True:
        byte = data[offset]
        offset += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, offset


def lookup(obj, path):
    for key in path:
        if not isinstance(obj, dict) or key not in obj:
            return False, None
        obj = obj[key]
    return True, obj


class Client:
    def __init__(self, ws, ack):
        self.ws = ws
        self.ack = ack
        self.doc = Doc()
        self.awareness = Awareness(self.doc)
        self.synced = asyncio.Event()
        self.changed = asyncio.Condition()
        self.held = None  # a list while holding incoming frames
        self.auth = []
        self.acks = []
        self.counts = {"sync": 0, "awareness": 0, "auth": 0, "queryAwareness": 0, "ack": 0, "unknown": 0}
        self.closed = None

    def dump(self):
        return {name: normalize(self.doc.get(name, type=Map).to_py() or {}) for name in ROOTS}

    async def notify(self):
        async with self.changed:
            self.changed.notify_all()

    async def wait_until(self, predicate, timeout, what):
        async def loop():
            async with self.changed:
                while True:
                    result = predicate()
                    if result is not None:
                        return result
                    if self.closed is not None:
                        raise RuntimeError(f"connection closed ({self.closed}) while waiting for {what}")
                    await self.changed.wait()

        try:
            return await asyncio.wait_for(loop(), timeout)
        except asyncio.TimeoutError:
            raise RuntimeError(f"timed out after {timeout}s waiting for {what}")

    async def reader(self):
        try:
            async for frame in self.ws:
                if isinstance(frame, str):
                    continue
                if self.held is not None and frame[:1] in (b"\x00", b"\x01"):
                    self.held.append(frame)  # only document and awareness changes wait; auth and acks do not
                    continue
                await self.handle(frame)
        except websockets.ConnectionClosed as closed:
            self.closed = f"code {closed.rcvd.code if closed.rcvd else 'none'}"
        else:
            rcvd = self.ws.close_code
            self.closed = f"code {rcvd}"
        await self.notify()

    async def handle(self, frame):
        message_type, offset = read_var_uint(frame, 0)
        body = frame[offset:]
        if message_type == YMessageType.SYNC:
            self.counts["sync"] += 1
            reply = handle_sync_message(body, self.doc)
            if reply is not None:
                await self.ws.send(reply)
            if body[0] == YSyncMessageType.SYNC_STEP2:
                self.synced.set()
        elif message_type == YMessageType.AWARENESS:
            self.counts["awareness"] += 1
            self.awareness.apply_awareness_update(read_message(body), "remote")
        elif message_type == MESSAGE_AUTH:
            self.counts["auth"] += 1
            decoder = Decoder(body)
            kind = decoder.read_var_uint()
            reason = decoder.read_var_string() if kind == 0 else None
            self.auth.append({"type": kind, "reason": reason})
        elif message_type == MESSAGE_QUERY_AWARENESS:
            self.counts["queryAwareness"] += 1
            everyone = list(self.awareness.states.keys())
            await self.ws.send(create_awareness_message(self.awareness.encode_awareness_update(everyone)))
        elif message_type == MESSAGE_DURABLE_ACK:
            self.counts["ack"] += 1
            seq, _ = read_var_uint(body, 0)
            self.acks.append(seq)
        else:
            self.counts["unknown"] += 1
        await self.notify()

    async def local_edit(self, change):
        """Runs `change` in one transaction and sends exactly the update it produced."""
        before = self.doc.get_state()
        with self.doc.transaction():
            change()
        update = self.doc.get_update(before)
        if self.closed is not None:
            return {"ok": True, "offline": True}  # kept in the document; sent on reconnect
        acks_before = len(self.acks)
        try:
            await self.ws.send(create_update_message(update))
        except websockets.ConnectionClosed:
            return {"ok": True, "offline": True}
        if not self.ack:
            return {"ok": True}
        try:
            seq = await self.wait_until(
                lambda: self.acks[acks_before] if len(self.acks) > acks_before else None, 10, "the durable ack"
            )
        except RuntimeError:
            if self.closed is not None:  # the server went away before acknowledging: not durable yet
                return {"ok": True, "offline": True}
            raise
        return {"ok": True, "ack": seq}

    async def command(self, request):
        cmd = request.get("cmd")
        timeout = request.get("timeout", 10)
        if cmd in ("set", "delete", "edit"):
            changes = request["changes"] if cmd == "edit" else [dict(request, delete=cmd == "delete")]

            def change():
                for item in changes:
                    root = self.doc.get(item["root"], type=Map)
                    if item.get("delete"):
                        root.pop(item["key"])
                    else:
                        value = item["value"]
                        root[item["key"]] = Map(value) if isinstance(value, dict) else value

            return await self.local_edit(change)
        if cmd == "hold":
            self.held = []
            return {"ok": True}
        if cmd == "release":
            held, self.held = self.held or [], None
            for frame in held:
                await self.handle(frame)
            return {"ok": True, "released": len(held)}
        if cmd == "waitFor":
            paths, equal = request.get("has", []), request.get("equal", [])

            def satisfied():
                doc = self.dump()
                if all(lookup(doc, path)[0] for path in paths) and all(
                    lookup(doc, path) == (True, value) for path, value in equal
                ):
                    return doc
                return None

            return {"doc": await self.wait_until(satisfied, timeout, f"{paths} and {equal} in the document")}
        if cmd == "dump":
            return {"doc": self.dump()}
        if cmd == "setAwareness":
            self.awareness.set_local_state(request["state"])
            update = self.awareness.encode_awareness_update([self.awareness.client_id])
            await self.ws.send(create_awareness_message(update))
            return {"ok": True, "clientID": self.awareness.client_id}
        if cmd == "waitAwareness":
            path, value = request["path"], request["value"]

            def find():
                for client, state in self.awareness.states.items():
                    found, got = lookup(state, path)
                    if client != self.awareness.client_id and found and normalize(got) == value:
                        return {"clientID": client, "state": normalize(state)}
                return None

            return await self.wait_until(find, timeout, f"a remote awareness state with {path} = {value!r}")
        if cmd == "waitAwarenessGone":
            client = request["clientID"]
            await self.wait_until(
                lambda: True if client not in self.awareness.states else None, timeout, f"awareness of {client} removed"
            )
            return {"ok": True, "states": {str(k): normalize(v) for k, v in self.awareness.states.items()}}
        if cmd == "waitAuth":
            return {"auth": await self.wait_until(lambda: self.auth[0] if self.auth else None, timeout, "an auth message")}
        if cmd == "reconnect":
            url = f"{request['url']}?token={self.token}" + ("&ack=1" if self.ack else "")
            self.ws = await connect(url, compression=None, proxy=None, max_size=None, open_timeout=10)
            self.closed = None
            self.synced.clear()
            self.reader_task = asyncio.create_task(self.reader())
            await self.ws.send(create_sync_message(self.doc))
            await asyncio.wait_for(self.synced.wait(), timeout)
            return {"ok": True, "doc": self.dump()}
        if cmd == "stats":
            return {"counts": self.counts, "auth": self.auth, "acks": self.acks}
        raise RuntimeError(f"unknown command {cmd!r}")


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--ack", action="store_true")
    args = parser.parse_args()
    url = f"{args.url}?token={args.token}" + ("&ack=1" if args.ack else "")
    try:
        ws = await connect(url, compression=None, proxy=None, max_size=None, open_timeout=10)
    except Exception as error:
        emit({"error": f"could not connect: {type(error).__name__}: {error}"})
        return 1
    client = Client(ws, args.ack)
    client.token = args.token
    client.reader_task = asyncio.create_task(client.reader())
    await ws.send(create_sync_message(client.doc))
    try:
        await asyncio.wait_for(client.synced.wait(), 10)
    except asyncio.TimeoutError:
        emit({"error": "no sync step 2 from the server within 10 s"})
        return 1
    emit({
        "event": "ready",
        "clientID": client.doc.client_id,
        "versions": {"pycrdt": pycrdt.__version__, "websockets": websockets.__version__},
        "doc": client.dump(),
    })

    loop = asyncio.get_running_loop()
    while True:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line:
            break
        line = line.strip()
        if not line:
            continue
        request = json.loads(line)
        if request.get("cmd") == "close":
            await client.ws.close()
            emit({"ok": True})
            break
        try:
            emit(await client.command(request))
        except Exception as error:
            emit({"error": f"{type(error).__name__}: {error}", "doc": client.dump()})
    client.reader_task.cancel()
    return 0


if __name__ == "__main__":
    if MISSING:
        emit({"error": "missing Python modules: " + ", ".join(MISSING) + "; install with: pip install pycrdt==0.14.13 websockets"})
        sys.exit(2)
    sys.exit(asyncio.run(main()))
