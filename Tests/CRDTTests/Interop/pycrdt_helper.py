#!/usr/bin/env python3
"""Interop helper for the Swift CRDT tests: drives pycrdt (yrs) documents.

Speaks line-delimited JSON on stdin/stdout (one request object per line, one
answer object per line). Bytes travel as lowercase hex. See README.md beside
this file for the command set; node_yjs_helper.cjs implements the same one.
"""
import json
import sys

try:
    import pycrdt
    from pycrdt import Array, Doc, Map, Text, XmlFragment
except ImportError as exc:  # reported to the Swift side as a clear failure
    sys.stdout.write(json.dumps({"ok": False, "error": f"pycrdt is not installed ({exc}); run: pip install pycrdt==0.14.13"}) + "\n")
    sys.stdout.flush()
    sys.exit(3)

EXPECTED_VERSION = "0.14.13"
ROOT_CLASSES = {"map": Map, "array": Array, "text": Text, "xml": XmlFragment}


def version() -> str:
    try:
        from importlib.metadata import version as v
        return v("pycrdt")
    except Exception:  # pragma: no cover
        return getattr(pycrdt, "__version__", "unknown")


def norm(value):
    """Turns a pycrdt value into the JSON convention of the vectors."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, float):
        if value == value and value not in (float("inf"), float("-inf")) and value == int(value) and abs(value) < 2**63:
            return int(value)
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, (bytes, bytearray)):
        return {"$bytes": bytes(value).hex()}
    if isinstance(value, Text):
        return str(value)
    if isinstance(value, Map):
        return {k: norm(value[k]) for k in value.keys()}
    if isinstance(value, Array):
        return [norm(value[i]) for i in range(len(value))]
    if isinstance(value, XmlFragment):
        return str(value)
    if isinstance(value, Doc):
        return {"$doc": value.guid}
    if isinstance(value, dict):
        return {k: norm(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [norm(v) for v in value]
    return str(value)


def to_py_value(v):
    """JSON op value -> pycrdt value ({"$bytes": hex} becomes bytes)."""
    if isinstance(v, dict):
        if set(v.keys()) == {"$bytes"}:
            return bytes.fromhex(v["$bytes"])
        return {k: to_py_value(x) for k, x in v.items()}
    if isinstance(v, list):
        return [to_py_value(x) for x in v]
    return v


def index_at(fraction: float, length: int) -> int:
    i = int(fraction * (length + 1))
    return max(0, min(i, length))


class Replica:
    def __init__(self, client_id):
        self.doc = Doc(client_id=client_id) if client_id is not None else Doc()
        self.updates = []
        self.doc.observe(lambda event: self.updates.append(bytes(event.update)))

    def root(self, name, kind):
        return self.doc.get(name, type=ROOT_CLASSES[kind])

    KIND_OF_OP = {"ms": "map", "md": "map", "mn": "map", "ne": "map", "ai": "array", "ad": "array", "ti": "text", "td": "text"}
    NEW_TYPE = {"map": Map, "array": Array, "text": Text}

    def run_op(self, op):
        self.run_on(self.root(op["r"], self.KIND_OF_OP[op["k"]]), op)

    def run_on(self, target, op):
        k = op["k"]
        if k == "ms":
            target[op["key"]] = to_py_value(op["v"])
        elif k == "md":
            if op["key"] in target:
                del target[op["key"]]
        elif k == "mn":
            target[op["key"]] = self.NEW_TYPE[op["t"]]()
        elif k == "ne":
            # An edit inside the nested type at key (if it is one): the op for its kind runs on it.
            child = target.get(op["key"]) if op["key"] in target else None
            for kind, cls in self.NEW_TYPE.items():
                if isinstance(child, cls):
                    self.run_on(child, op[kind])
        elif k == "ai":
            i = index_at(op["f"], len(target))
            for j, v in enumerate(op["vs"]):
                target.insert(i + j, to_py_value(v))
        elif k == "ad":
            n = len(target)
            if n:
                i = min(int(op["f"] * n), n - 1)
                del target[i:min(n, i + op["n"])]
        elif k == "ti":
            s = str(target)
            i = index_at(op["f"], len(s))
            target.insert(len(s[:i].encode("utf-8")), op["s"])  # pycrdt indexes by UTF-8 bytes
        elif k == "td":
            s = str(target)
            if s:
                i = min(int(op["f"] * len(s)), len(s) - 1)
                j = min(len(s), i + op["n"])
                start = len(s[:i].encode("utf-8"))
                end = start + len(s[i:j].encode("utf-8"))
                del target[start:end]
        else:
            raise ValueError(f"unknown op {k!r}")

    def to_json(self, roots):
        return {name: norm(self.root(name, kind)) for name, kind in roots.items()}


class Helper:
    def __init__(self):
        self.docs = {}

    def handle(self, req):
        cmd = req["cmd"]
        if cmd == "hello":
            return {"impl": "pycrdt", "version": version(), "expected": EXPECTED_VERSION}
        if cmd == "new":
            self.docs[req["doc"]] = Replica(req.get("client"))
            return {}
        if cmd == "free":
            self.docs.pop(req["doc"], None)
            return {}
        if cmd == "reset":
            self.docs.clear()
            return {}
        if cmd == "load":
            r = Replica(req.get("client"))
            r.doc.apply_update(bytes.fromhex(req["update"]))
            return {"json": r.to_json(req["roots"]), "state": r.doc.get_update().hex(), "sv": r.doc.get_state().hex()}
        if cmd == "sync_update":
            from pycrdt import create_update_message
            return {"frame": create_update_message(bytes.fromhex(req["update"])).hex()}
        r = self.docs[req["doc"]]
        # y-protocols sync through pycrdt's own codec (frames start with the message type 0).
        if cmd == "sync_step1":
            from pycrdt import create_sync_message
            return {"frame": create_sync_message(r.doc).hex()}
        if cmd == "sync_read":
            from pycrdt import handle_sync_message
            frame = bytes.fromhex(req["frame"])
            if frame[0] != 0:
                raise ValueError("not a sync frame")
            reply = handle_sync_message(frame[1:], r.doc)
            r.updates.clear()
            return {"reply": reply.hex() if reply is not None else None}
        if cmd == "edit":
            r.updates.clear()
            with r.doc.transaction():
                for op in req["ops"]:
                    r.run_op(op)
            out = [u.hex() for u in r.updates]
            r.updates.clear()
            return {"updates": out}
        if cmd == "apply":
            r.doc.apply_update(bytes.fromhex(req["update"]))
            r.updates.clear()
            return {}
        if cmd == "state":
            sv = req.get("sv")
            return {"update": (r.doc.get_update(bytes.fromhex(sv)) if sv is not None else r.doc.get_update()).hex()}
        if cmd == "sv":
            return {"sv": r.doc.get_state().hex()}
        if cmd == "json":
            return {"json": r.to_json(req["roots"])}
        raise ValueError(f"unknown command {cmd!r}")


def main():
    helper = Helper()
    out = sys.stdout
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            answer = helper.handle(json.loads(line))
            answer["ok"] = True
        except Exception as exc:  # every failure is an answer, never a dead pipe
            answer = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        out.write(json.dumps(answer, ensure_ascii=False, separators=(",", ":")) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
