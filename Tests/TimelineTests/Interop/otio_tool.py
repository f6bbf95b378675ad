#!/usr/bin/env python3
"""Interop helper for the Timeline tests: uses the real `opentimelineio` package.

  otio_tool.py ranges FILE            print, as JSON, what the library computes for FILE
  otio_tool.py build OUT NUM DEN      write a test timeline built with the library at rate NUM/DEN
  otio_tool.py nested OUT              write a timeline with trimmed nested compositions and print, for
                                      each inner clip, its range in the top track and its window
  otio_tool.py timecodes NUM DEN DROP FRAME...   print to_timecode of each frame (DROP: 1 or 0) and
                                      from_timecode of each result, as JSON

Exit status 3 with a message on stderr if opentimelineio is not installed.
"""
import json
import sys

try:
    import opentimelineio as otio
except ImportError:
    sys.stderr.write("opentimelineio is not installed: python3 -m pip install opentimelineio==0.18.1\n")
    sys.exit(3)


def rt(t):
    return None if t is None else {"value": t.value, "rate": t.rate}


def tr(r):
    return None if r is None else {"start": rt(r.start_time), "duration": rt(r.duration)}


def ranges(path):
    tl = otio.adapters.read_from_file(path, "otio_json")
    out = {"version": otio.__version__, "name": tl.name, "duration": rt(tl.duration()), "tracks": [],
           "markers": [{"name": m.name, "color": m.color, "range": tr(m.marked_range)} for m in tl.tracks.markers]}
    for track in tl.tracks:
        t = {"name": track.name, "kind": getattr(track, "kind", None), "schema": track.schema_name(), "children": []}
        if isinstance(track, otio.schema.Track):
            for child in track:
                c = {"schema": child.schema_name(), "name": child.name, "range_in_parent": tr(child.range_in_parent())}
                if isinstance(child, (otio.schema.Clip, otio.schema.Gap)):
                    c["trimmed_range"] = tr(child.trimmed_range())
                if isinstance(child, otio.schema.Clip):
                    c["markers"] = [{"name": m.name, "range": tr(m.marked_range)} for m in child.markers]
                    ref = child.media_reference
                    c["reference"] = ref.schema_name()
                    if isinstance(ref, otio.schema.ExternalReference):
                        c["target_url"] = ref.target_url
                    c["metadata"] = json.loads(otio.core.serialize_json_to_string(child.metadata)) if child.metadata else {}
                t["children"].append(c)
        out["tracks"].append(t)
    print(json.dumps(out, sort_keys=True))


def build(path, num, den):
    rate = num / den
    def t(frames):
        return otio.opentime.RationalTime(frames, rate)
    def r(start, dur):
        return otio.opentime.TimeRange(t(start), t(dur))

    tl = otio.schema.Timeline(name="built-%d-%d" % (num, den))
    tl.metadata["collab"] = {"revision": 3}
    v1 = otio.schema.Track(name="V1", kind=otio.schema.TrackKind.Video)
    a = otio.schema.Clip(name="a", media_reference=otio.schema.ExternalReference(
        target_url="file:///media/a.mov", available_range=r(100, 500)), source_range=r(110, 48))
    a.markers.append(otio.schema.Marker(name="note", marked_range=r(120, 0), color=otio.schema.MarkerColor.GREEN))
    v1.append(a)
    v1.append(otio.schema.Transition(name="x", transition_type="SMPTE_Dissolve", in_offset=t(5), out_offset=t(7)))
    v1.append(otio.schema.Clip(name="b", media_reference=otio.schema.ExternalReference(
        target_url="file:///media/b.mov", available_range=r(0, 300)), source_range=r(20, 60)))
    v1.append(otio.schema.Gap(source_range=r(0, 30)))
    v1.append(otio.schema.Clip(name="c", media_reference=otio.schema.MissingReference(name="c.mov"), source_range=r(0, 10)))
    v2 = otio.schema.Track(name="V2", kind=otio.schema.TrackKind.Video)
    v2.append(otio.schema.Gap(source_range=r(0, 12)))
    v2.append(otio.schema.Clip(name="title", media_reference=otio.schema.GeneratorReference(
        generator_kind="SolidColor", parameters={"color": "red"}, available_range=r(0, 1000)), source_range=r(0, 36)))
    a1 = otio.schema.Track(name="A1", kind=otio.schema.TrackKind.Audio)
    a1.append(otio.schema.Clip(name="music", media_reference=otio.schema.ExternalReference(
        target_url="file:///media/music.wav", available_range=r(0, 2000)), source_range=r(0, 140)))
    a2 = otio.schema.Track(name="A2", kind=otio.schema.TrackKind.Audio)
    a2.append(otio.schema.Gap(source_range=r(0, 24)))
    a2.append(otio.schema.Clip(name="vo", media_reference=otio.schema.ExternalReference(
        target_url="file:///media/vo.wav", available_range=r(0, 96)), source_range=r(12, 60)))
    for track in (v1, v2, a1, a2):
        tl.tracks.append(track)
    tl.tracks.markers.append(otio.schema.Marker(name="chapter", marked_range=r(50, 0), color=otio.schema.MarkerColor.BLUE))
    otio.adapters.write_to_file(tl, path, "otio_json")


def nested(path):
    RT = otio.opentime.RationalTime
    TR = otio.opentime.TimeRange
    def r(s, d):
        return TR(RT(s, 25), RT(d, 25))
    top = otio.schema.Track(name="V1", kind=otio.schema.TrackKind.Video)
    top.append(otio.schema.Gap(source_range=r(0, 20)))
    inner = otio.schema.Track(name="in", kind=otio.schema.TrackKind.Video)
    for n, s, d in [("x", 100, 4), ("y", 200, 6), ("z", 300, 2)]:
        inner.append(otio.schema.Clip(name=n, source_range=r(s, d)))
    comp = otio.schema.Stack(name="comp", source_range=r(3, 5))
    comp.append(inner)
    top.append(comp)
    sub = otio.schema.Track(name="sub", kind=otio.schema.TrackKind.Video, source_range=r(6, 3))
    sub.append(otio.schema.Clip(name="w", source_range=r(50, 10)))
    top.append(sub)
    tl = otio.schema.Timeline(name="nested")
    tl.tracks.append(top)
    otio.adapters.write_to_file(tl, path, "otio_json")
    out = []
    for parent in (comp, sub):
        window = parent.range_in_parent()
        for c in parent.find_clips():
            out.append({"name": c.name, "range": tr(c.transformed_time_range(c.trimmed_range(), top)),
                        "window": tr(window), "source": tr(c.trimmed_range())})
    print(json.dumps(out))


def timecodes(num, den, drop, frames):
    rate = num / den
    out = []
    for f in frames:
        tc = otio.opentime.to_timecode(otio.opentime.RationalTime(f, rate), rate, drop)
        back = otio.opentime.from_timecode(tc, rate)
        out.append({"frame": f, "timecode": tc, "back": back.value})
    print(json.dumps(out))


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "ranges":
        ranges(sys.argv[2])
    elif cmd == "build":
        build(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    elif cmd == "nested":
        nested(sys.argv[2])
    elif cmd == "timecodes":
        timecodes(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "1", [int(x) for x in sys.argv[5:]])
    else:
        sys.stderr.write("unknown command %s\n" % cmd)
        sys.exit(2)
