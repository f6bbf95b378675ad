#!/usr/bin/env python3
"""A foreign Yjs client (pycrdt) editing an EditBay project as docs/timeline-schema.md describes.

  yjs_client.py IN OUT   apply the v1 update IN, make edits, write the client's changes as a v1 update to OUT

Edits: add track "py-track" (video, on top), add clip "py-clip" on it, move clip "c" to track "v2"
by changing its `track` field, and add marker "py-marker".
Exit status 3 with a message if pycrdt is not installed.
"""
import sys

try:
    from pycrdt import Doc, Map
except ImportError:
    sys.stderr.write("pycrdt is not installed: python3 -m pip install pycrdt==0.14.13\n")
    sys.exit(3)

FRAME = 29_400_000  # flicks per frame at 24 fps

doc = Doc()
with open(sys.argv[1], "rb") as f:
    doc.apply_update(f.read())
before = doc.get_state()
tracks = doc.get("tracks", type=Map)
clips = doc.get("clips", type=Map)
markers = doc.get("markers", type=Map)
top = max(t["order"] for t in tracks.values())
with doc.transaction():
    tracks["py-track"] = Map({"kind": "video", "name": "From Python", "order": top + "V", "muted": False, "hidden": False, "locked": False})
    clips["py-clip"] = Map({"track": "py-track", "asset": "vid", "start": 10 * FRAME, "duration": 24 * FRAME, "in": 2 * FRAME,
                            "speed": 1, "gain": 0.5, "opacity": 1, "name": "py"})
    clips["c"]["track"] = "v2"
    markers["py-marker"] = Map({"time": 100 * FRAME, "duration": 0, "label": "from python", "color": "green"})
with open(sys.argv[2], "wb") as f:
    f.write(doc.get_update(before))
