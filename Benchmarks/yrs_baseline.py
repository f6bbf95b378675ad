#!/usr/bin/env python3
"""yrs (through pycrdt 0.14.13) baseline for the CRDTBenchmark figures.

Usage: python3 Benchmarks/yrs_baseline.py [TRACE.json.gz]
Prints one JSON line with the same keys as `swift run -c release CRDTBenchmark`.
Text positions in the automerge-paper trace are ASCII, so pycrdt's UTF-8 byte
indices equal the trace's character positions.
"""
import gzip
import json
import sys
import time

from pycrdt import Doc, Text

DEFAULT_TRACE = "/work/shared/traces/automerge-paper.json.gz"


def peak_rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return 0.0


def main() -> int:
    path = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_TRACE
    with gzip.open(path, "rt") as f:
        trace = json.load(f)
    patches = [p for txn in trace["txns"] for p in txn["patches"]]

    doc = Doc(client_id=1)
    text = doc.get("text", type=Text)
    if trace.get("startContent"):
        text.insert(0, trace["startContent"])
    updates = []
    doc.observe(lambda event: updates.append(bytes(event.update)))
    start_updates = len(updates)

    t0 = time.perf_counter()
    for pos, delete_count, insert in patches:
        with doc.transaction():
            if delete_count:
                del text[pos:pos + delete_count]
            if insert:
                text.insert(pos, insert)
    local_apply_s = time.perf_counter() - t0
    updates = updates[start_updates:]

    t0 = time.perf_counter()
    state = doc.get_update()
    encode_ms = (time.perf_counter() - t0) * 1000

    t0 = time.perf_counter()
    fresh = Doc()
    fresh.apply_update(state)
    decoded_text = str(fresh.get("text", type=Text))
    decode_ms = (time.perf_counter() - t0) * 1000

    remote = Doc()
    t0 = time.perf_counter()
    for u in updates:
        remote.apply_update(u)
    remote_apply_s = time.perf_counter() - t0
    remote_text = str(remote.get("text", type=Text))

    ok = str(text) == trace["endContent"] and decoded_text == trace["endContent"] and remote_text == trace["endContent"]
    print(json.dumps({
        "impl": "yrs (pycrdt 0.14.13)",
        "edits": len(patches),
        "local_apply_s": round(local_apply_s, 4),
        "encode_ms": round(encode_ms, 3),
        "decode_ms": round(decode_ms, 3),
        "doc_bytes": len(state),
        "remote_apply_s": round(remote_apply_s, 4),
        "updates": len(updates),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "ok": ok,
    }))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
