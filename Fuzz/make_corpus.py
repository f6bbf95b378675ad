#!/usr/bin/env python3
"""Writes the libFuzzer seed corpus: every hex blob in the vector files, prefixed with each
decoder selector byte (0-8, see Fuzz/CRDTFuzzTarget.swift)."""
import hashlib
import json
import pathlib
import sys

vectors, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)
blobs = set()


def walk(value, key=""):
    if isinstance(value, dict):
        for k, v in value.items():
            walk(v, k)
    elif isinstance(value, list):
        for v in value:
            walk(v, key)
    elif isinstance(value, str) and key.endswith("hex") and len(value) % 2 == 0:
        try:
            blobs.add(bytes.fromhex(value))
        except ValueError:
            pass


for f in sorted(vectors.glob("[0-9]*.json")):
    walk(json.loads(f.read_text()))
count = 0
for blob in blobs:
    for selector in range(9):
        data = bytes([selector]) + blob
        (out / hashlib.sha1(data).hexdigest()).write_bytes(data)
        count += 1
print(f"seed corpus: {count} files from {len(blobs)} vector blobs")
