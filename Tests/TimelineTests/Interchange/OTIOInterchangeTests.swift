import CRDT
import Foundation
import Testing
import Timeline

/// Import and export against the real `opentimelineio` library: ranges per item must match what
/// the library computes, before and after a trip through an EditBay project document.
@Suite struct OTIOInterchangeTests {
    let f = Fixture.f

    /// One track child as the library reports it, reduced to what must survive a round trip.
    struct Item: Equatable, CustomStringConvertible {
        let schema: String
        let name: String
        let start: Flicks
        let duration: Flicks
        let trimmedStart: Flicks?
        var description: String { "\(schema) \(name) [\(start) +\(duration)) trim \(trimmedStart.map(\.description) ?? "-")" }
    }

    static func items(_ t: OTIOPython.Report.Track) throws -> [Item] {
        try t.children.map { c in
            let (s, d) = try c.range_in_parent.flicks()
            // Gap names are not kept; the trimmed start of a gap carries no meaning.
            return Item(
                schema: c.schema,
                name: c.schema == "Gap" ? "" : c.name,
                start: s,
                duration: d,
                trimmedStart: c.schema == "Clip" ? try c.trimmed_range?.start.flicks() : nil
            )
        }
    }

    static func markerTimes(_ r: OTIOPython.Report) throws -> [String: Flicks] {
        var out: [String: Flicks] = [:]
        for m in r.markers { out[m.name] = try m.range.start.flicks() }
        for t in r.tracks {
            for c in t.children {
                guard let ms = c.markers, let trimmed = c.trimmed_range else { continue }
                let start = try c.range_in_parent.start.flicks()
                for m in ms { out[m.name] = start + (try m.range.start.flicks()) - (try trimmed.start.flicks()) }
            }
        }
        return out
    }

    @Test(arguments: [FrameRate.fps24, .fps25, .fps29_97])
    func libraryTimelinesImportAndExportWithTheSameRanges(rate: FrameRate) throws {
        let file = try OTIOPython.build(rate: rate)
        defer { try? FileManager.default.removeItem(at: file) }
        let original = try OTIOPython.ranges(of: file)
        let project = try ProjectDocument.importOTIO(try OTIOTimeline(jsonData: Data(contentsOf: file)), makeID: Fixture.counter())
        let view = try project.view()
        #expect(view.meta.rate == rate)
        #expect(view.tracks.map(\.record.name) == original.tracks.map(\.name))
        #expect(view.tracks.map(\.record.kind.rawValue) == original.tracks.map { $0.kind?.lowercased() ?? "" })
        #expect(view.conflicts.isEmpty)
        // Each clip sits where the library puts it.
        for (t, expected) in zip(view.tracks, original.tracks) {
            let clips = expected.children.filter { $0.schema == "Clip" }
            #expect(t.clips.map(\.name) == clips.map(\.name))
            for (c, e) in zip(t.clips, clips) {
                #expect(c.start == (try e.range_in_parent.start.flicks()), "\(c.name)")
                #expect(c.duration == (try e.range_in_parent.duration.flicks()), "\(c.name)")
            }
        }
        #expect(view.duration == (try original.duration.flicks()))
        // The transition became b's transitionIn (5 frames before the cut, 7 after).
        let b = try #require(view.tracks[0].clips.first { $0.name == "b" })
        #expect(
            b.transitionIn
                == ClipTransition(kind: "dissolve", duration: try Flicks(frames: 12, rate: rate), inOffset: try Flicks(frames: 5, rate: rate))
        )
        // Markers (on the stack and on clip a) land at their timeline times.
        let markerTimes = try Self.markerTimes(original)
        #expect(Dictionary(uniqueKeysWithValues: view.markers.map { ($0.label, $0.time) }) == markerTimes)
        #expect(view.markers.first { $0.label == "note" }?.color == "green")
        // References became assets.
        #expect(view.assets.first { $0.uri == "file:///media/a.mov" }?.duration == (try Flicks(frames: 500, rate: rate)))
        #expect(view.assets.first { $0.name == "c.mov" }?.status == .missing)
        #expect(view.assets.first { $0.origin["type"] == .string("generator") }?.origin["kind"] == .string("SolidColor"))
        #expect(view.meta.metadata["collab"] == .object(["revision": .integer(3)]))

        // Export and let the library compute the ranges again.
        let out = try OTIOPython.temporaryFile(try view.otioTimeline().jsonData())
        defer { try? FileManager.default.removeItem(at: out) }
        let again = try OTIOPython.ranges(of: out)
        #expect(again.tracks.count == original.tracks.count)
        for (a, e) in zip(again.tracks, original.tracks) {
            let ours = try Self.items(a)
            let theirs = try Self.items(e)
            #expect(ours == theirs, "track \(e.name): \(ours) vs \(theirs)")
            #expect(a.kind == e.kind)
        }
        #expect(try again.duration.flicks() == (try original.duration.flicks()))
        #expect(try Self.markerTimes(again) == markerTimes)
        #expect(again.tracks[0].children.first { $0.name == "a" }?.target_url == "file:///media/a.mov")
        #expect(again.tracks[1].children.first { $0.name == "title" }?.reference == "GeneratorReference")
        #expect(again.tracks[0].children.first { $0.name == "c" }?.reference == "MissingReference")
    }

    @Test func exampleFixtureRoundTrips() throws {
        let file = OTIOModelTests.example
        let original = try OTIOPython.ranges(of: file)
        let project = try ProjectDocument.importOTIO(try OTIOTimeline(jsonData: Data(contentsOf: file)))
        let view = try project.view()
        // The ai_fill gap's metadata is kept on its track.
        let kept = view.tracks[0].record.metadata["otio"]?.objectValue?["items"]?.arrayValue?.first?.objectValue
        #expect(kept?["metadata"]?.objectValue?["ai_fill"] == .object(["prompt": .string("sunset b-roll")]))
        #expect(kept?["start"] == .integer(f(96).value))
        // The gap after shot2 is open time after the track's last clip.
        #expect(view.gap(containing: f(100), onTrack: view.tracks[0].id)?.start == f(96))
        let out = try OTIOPython.temporaryFile(try view.otioTimeline().jsonData())
        defer { try? FileManager.default.removeItem(at: out) }
        let again = try OTIOPython.ranges(of: out)
        // The trailing gap is not part of an EditBay track; every clip and the transition keep their ranges.
        for (a, e) in zip(again.tracks, original.tracks) {
            var expected = try Self.items(e)
            if expected.last?.schema == "Gap" { expected.removeLast() }
            let ours = try Self.items(a)
            #expect(ours == expected, "track \(e.name): \(ours) vs \(expected)")
        }
    }

    @Test func editBayProjectsExportLoadableOTIOAndComeBackUnchanged() throws {
        let p = try Fixture.project()
        try p.apply([
            .addClip(AddClip(id: "a", track: "v1", asset: "vid", start: f(10), duration: f(48), inPoint: f(5), name: "A")),
            .addClip(AddClip(id: "b", track: "v1", asset: "vid", start: f(58), duration: f(20), name: "B")),
            .setClip(
                SetClip(clip: "b", gain: 0.5, opacity: 0.75, speed: 2, transitionIn: ClipTransition(kind: "dissolve", duration: f(6), inOffset: f(2)))
            ),
            .addClip(AddClip(id: "s", track: "a1", asset: "snd", start: f(0), duration: f(100), name: "S")),
            .addClip(AddClip(id: "i", track: "v2", asset: "img", start: f(30), duration: f(30), name: "I")),
            .addMarker(AddMarker(id: "m", time: f(12), label: "look", color: "teal")),
            .updateTrack(UpdateTrack(track: "a1", muted: true)),
        ])
        // A concurrent edit left an overlap and an orphan: export keeps both.
        let other = ProjectDocument(doc: YDoc(clientID: 2))
        try other.doc.applyUpdate(p.doc.encodeStateAsUpdate())
        try p.apply(.moveClip(MoveClip(clip: "a", start: f(0))))
        try other.apply(.addClip(AddClip(id: "o", track: "v1", asset: "vid", start: f(0), duration: f(10), name: "O")))
        try p.apply(.removeTrack(RemoveTrack(track: "v2")))
        try other.apply(.addClip(AddClip(id: "lost", track: "v2", asset: "vid", start: f(0), duration: f(10), name: "L")))
        try p.doc.applyUpdate(other.doc.encodeStateAsUpdate())
        let view = try p.view()
        #expect(view.conflicts.map(\.kind) == [.overlap, .missingTrack])

        let tl = view.otioTimeline()
        let file = try OTIOPython.temporaryFile(try tl.jsonData())
        defer { try? FileManager.default.removeItem(at: file) }
        let report = try OTIOPython.ranges(of: file)
        try OTIOModelTests.expectSameRanges(tl, report)
        #expect(report.tracks.map(\.name) == ["V1", "V1 (overlap 1)", "A1", "Orphaned clips of v2"])
        let b = try #require(report.tracks[0].children.first { $0.name == "B" })
        #expect(try b.range_in_parent.flicks() == (f(58), f(20)))
        let transition = try #require(report.tracks[0].children.first { $0.schema == "Transition" })
        #expect(try transition.range_in_parent.flicks() == (f(56), f(6)))

        let back = try ProjectDocument.importOTIO(try OTIOTimeline(jsonData: Data(contentsOf: file)))
        let diff = TimelineDiff(from: p, to: back)
        #expect(diff.changes.map(\.summary) == [], "\(diff.changes)")
        #expect(try back.view() == view)
    }

    @Test func importErrorsNameThePath() throws {
        let json = """
            {"OTIO_SCHEMA":"Timeline.1","name":"x","tracks":{"OTIO_SCHEMA":"Stack.1","children":[{"OTIO_SCHEMA":"Track.1","kind":"Video","children":[
            {"OTIO_SCHEMA":"Gap.1","source_range":{"OTIO_SCHEMA":"TimeRange.1","start_time":{"OTIO_SCHEMA":"RationalTime.1","value":0,"rate":24},
            "duration":{"OTIO_SCHEMA":"RationalTime.1","value":1,"rate":24}}},
            {"OTIO_SCHEMA":"Clip.2","name":"bad","source_range":{"OTIO_SCHEMA":"TimeRange.1",
            "start_time":{"OTIO_SCHEMA":"RationalTime.1","value":0,"rate":0},
            "duration":{"OTIO_SCHEMA":"RationalTime.1","value":1,"rate":-3}}}]}]}}
            """
        do {
            _ = try ProjectDocument.importOTIO(try OTIOTimeline(jsonData: Data(json.utf8)))
            Issue.record("imported a clip with rate -3")
        } catch let error as TimelineError {
            #expect(error == .importFailed)
            #expect(error.message.contains("tracks.children[0]"))
        }
    }

    @Test func effectsDisabledClipsAndStrayTransitionsAreKept() throws {
        func r(_ s: Int64, _ d: Int64) -> TimeRange { TimeRange(start: f(s), duration: f(d), rate: .fps24) }
        let warp: JSONValue = .object(["OTIO_SCHEMA": .string("LinearTimeWarp.1"), "time_scalar": .double(2)])
        let blur: JSONValue = .object(["OTIO_SCHEMA": .string("Effect.1"), "effect_name": .string("Blur")])
        var disabled = OTIOClip(name: "off", sourceRange: r(0, 4))
        disabled.enabled = false
        let track = OTIOTrack(
            name: "V",
            kind: "Video",
            children: [
                .clip(OTIOClip(name: "fast", sourceRange: r(10, 20), effects: [warp, blur], metadata: ["note": .string("keep me")])),
                .transition(
                    OTIOTransition(
                        name: "fade out",
                        transitionType: "SMPTE_Dissolve",
                        inOffset: RationalTime(f(2), rate: .fps24),
                        outOffset: RationalTime(.zero, rate: .fps24)
                    )
                ),
                .gap(OTIOGap(duration: f(5), rate: .fps24)),
                .clip(disabled),
            ]
        )
        let view = try ProjectDocument.importOTIO(OTIOTimeline(name: "fx", tracks: OTIOStack(children: [.track(track)]))).view()
        let fast = try #require(view.tracks[0].clips.first)
        #expect(fast.speed == 2)
        #expect(fast.inPoint == f(10) && fast.duration == f(20))
        #expect(fast.metadata["note"] == .string("keep me"))
        #expect(fast.metadata["otio"]?.objectValue?["effects"] == .array([blur]))
        #expect(view.tracks[0].clips.last?.metadata["otio"]?.objectValue?["enabled"] == .bool(false))
        #expect(view.tracks[0].clips.last?.start == f(25))
        let stray = view.tracks[0].record.metadata["otio"]?.objectValue?["items"]?.arrayValue?.first?.objectValue
        #expect(stray?["schema"] == .string("Transition.1"))
        #expect(stray?["name"] == .string("fade out"))
        // Exported again, the speed is a LinearTimeWarp effect.
        guard case .track(let out)? = view.otioTimeline().tracks.children.first, case .clip(let c)? = out.children.first else {
            Issue.record("no exported clip")
            return
        }
        #expect(c.effects.contains { $0.objectValue?["OTIO_SCHEMA"] == .string("LinearTimeWarp.1") && $0.objectValue?["time_scalar"] == .double(2) })
        #expect(c.effects.contains(blur))
        #expect(c.metadata["otio"] == nil && c.metadata["note"] == .string("keep me"))
        guard case .clip(let off)? = out.children.last else {
            Issue.record("no exported disabled clip")
            return
        }
        #expect(!off.enabled)
    }

    @Test func trimmedNestedCompositionsShowOnlyTheirSourceRange() throws {
        func r(_ s: Int64, _ d: Int64) -> TimeRange { TimeRange(start: f(s), duration: f(d), rate: .fps24) }
        // A nested stack showing inner [3, 8) of a track holding clips [0, 4) and [4, 10).
        var comp = OTIOStack(
            name: "comp",
            children: [
                .track(
                    OTIOTrack(
                        name: "in",
                        kind: "Video",
                        children: [
                            .clip(OTIOClip(name: "x", sourceRange: r(100, 4))), .clip(OTIOClip(name: "y", sourceRange: r(200, 6))),
                            .clip(OTIOClip(name: "z", sourceRange: r(300, 2))),
                        ]
                    )
                )
            ]
        )
        comp.sourceRange = r(3, 5)
        var nestedTrack = OTIOTrack(name: "n", kind: "Video", children: [.clip(OTIOClip(name: "w", sourceRange: r(0, 10)))])
        nestedTrack.sourceRange = r(6, 2)
        let top = OTIOTrack(
            name: "V1",
            kind: "Video",
            children: [
                .gap(OTIOGap(duration: f(20), rate: .fps24)), .stack(comp), .track(nestedTrack),
            ]
        )
        let view = try ProjectDocument.importOTIO(OTIOTimeline(name: "trims", tracks: OTIOStack(children: [.track(top)]))).view()
        let inner = try #require(view.tracks.first { $0.record.name == "V1/comp/in" })
        // x shows its inner [3, 4) at 20, y its [4, 8) at 21; z is trimmed out entirely.
        #expect(inner.clips.map(\.name) == ["x", "y"])
        #expect(inner.clips.map(\.start) == [f(20), f(21)])
        #expect(inner.clips.map(\.duration) == [f(1), f(4)])
        #expect(inner.clips.map(\.inPoint) == [f(103), f(200)])
        let hidden = inner.record.metadata["otio"]?.objectValue?["items"]?.arrayValue?.first?.objectValue
        #expect(hidden?["name"] == .string("z") && hidden?["trimmedOut"] == .bool(true))
        // The nested track shows w's [6, 8) right after the stack (which is 5 long).
        let w = try #require(view.tracks[0].clips.first { $0.name == "w" })
        #expect(w.start == f(25) && w.duration == f(2) && w.inPoint == f(6))
    }

    /// Trimmed nested compositions: each inner clip shows the part of its library-computed range
    /// in the top track (`transformed_time_range`) that its composition's window lets through.
    @Test func trimmedNestingMatchesTheLibrary() throws {
        struct Row: Decodable {
            let name: String
            let range: OTIOPython.Report.Range
            let window: OTIOPython.Report.Range
            let source: OTIOPython.Report.Range
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("editbay-nested-\(UUID().uuidString).otio")
        defer { try? FileManager.default.removeItem(at: file) }
        let rows = try JSONDecoder().decode([Row].self, from: OTIOPython.run(["nested", file.path]))
        #expect(rows.count == 4)
        let view = try ProjectDocument.importOTIO(try OTIOTimeline(jsonData: Data(contentsOf: file))).view()
        let clips = (view.tracks.flatMap(\.clips))
        var visibleCount = 0
        for row in rows {
            let (start, duration) = try row.range.flicks()
            let (windowStart, windowLength) = try row.window.flicks()
            let lo = max(start, windowStart)
            let hi = min(start + duration, windowStart + windowLength)
            let clip = clips.first { $0.name == row.name }
            if lo >= hi {
                #expect(clip == nil, "\(row.name) should be hidden")
                continue
            }
            visibleCount += 1
            let c = try #require(clip, "\(row.name) missing")
            #expect(c.start == lo && c.duration == hi - lo, "\(row.name)")
            #expect(c.inPoint == (try row.source.start.flicks()) + (lo - start), "\(row.name)")
        }
        #expect(visibleCount == 3)
        #expect(clips.count == visibleCount)
    }

    @Test func hostileValuesDoNotCrash() throws {
        func r(_ s: Int64, _ d: Int64) -> TimeRange { TimeRange(start: f(s), duration: f(d), rate: .fps24) }
        var trimmed = OTIOTrack(name: "t", kind: "Video", children: [.clip(OTIOClip(name: "in", sourceRange: r(0, 5)))])
        trimmed.sourceRange = r(10, -3)
        let track = OTIOTrack(
            name: "V",
            kind: "Video",
            children: [
                .clip(OTIOClip(name: "neg", sourceRange: r(0, -5))), .gap(OTIOGap(duration: f(-7), rate: .fps24)),
                .clip(OTIOClip(name: "ok", sourceRange: r(0, 4))), .track(trimmed),
                .transition(
                    OTIOTransition(
                        transitionType: "Custom",
                        inOffset: RationalTime(value: -1, rate: 24),
                        outOffset: RationalTime(value: 1e6, rate: 24)
                    )
                ),
            ]
        )
        let view = try ProjectDocument.importOTIO(OTIOTimeline(name: "bad", tracks: OTIOStack(children: [.track(track)]))).view()
        #expect(view.tracks[0].clips.map(\.name) == ["ok"], "\(view.tracks) \(view.conflicts)")
        let kept = view.tracks[0].record.metadata["otio"]?.objectValue?["items"]?.arrayValue ?? []
        #expect(kept.count == 3)  // the negative clip, the clip hidden by the negative trim, the stray transition
        #expect(try view.jsonData().count > 0)
        // Values beyond the exact range are refused with a path.
        let huge = OTIOTrack(
            name: "V",
            kind: "Video",
            children: [
                .clip(
                    OTIOClip(
                        name: "h",
                        sourceRange: TimeRange(
                            startTime: RationalTime(value: 0, rate: 24),
                            duration: RationalTime(value: 1e15, rate: 24)
                        )
                    )
                )
            ]
        )
        #expect(throws: TimelineError.importFailed) {
            try ProjectDocument.importOTIO(OTIOTimeline(name: "h", tracks: OTIOStack(children: [.track(huge)])))
        }
    }

    @Test func nestedStacksAndTracksAreFlattened() throws {
        func r(_ s: Int64, _ d: Int64) -> TimeRange { TimeRange(start: f(s), duration: f(d), rate: .fps24) }
        let inner = OTIOTrack(name: "inner", kind: "Video", children: [.clip(OTIOClip(name: "n1", sourceRange: r(0, 10)))])
        let nestedStack = OTIOStack(
            name: "comp",
            children: [
                .track(OTIOTrack(name: "c1", kind: "Video", children: [.clip(OTIOClip(name: "s1", sourceRange: r(0, 8)))])),
                .track(
                    OTIOTrack(
                        name: "c2",
                        kind: "Video",
                        children: [.gap(OTIOGap(duration: f(2), rate: .fps24)), .clip(OTIOClip(name: "s2", sourceRange: r(0, 4)))]
                    )
                ),
            ]
        )
        let top = OTIOTrack(
            name: "V1",
            kind: "Video",
            children: [
                .clip(OTIOClip(name: "first", sourceRange: r(0, 5))), .track(inner), .stack(nestedStack),
                .unknown(schema: "Mystery.1", fields: ["x": .integer(1)]), .clip(OTIOClip(name: "last", sourceRange: r(0, 3))),
            ]
        )
        let tl = OTIOTimeline(name: "nested", tracks: OTIOStack(children: [.track(top)]))
        let view = try ProjectDocument.importOTIO(tl).view()
        #expect(view.tracks.map(\.record.name) == ["V1", "V1/comp/c1", "V1/comp/c2"])
        #expect(view.tracks[0].clips.map(\.name) == ["first", "n1", "last"])
        #expect(view.tracks[0].clips.map(\.start) == [f(0), f(5), f(23)])
        #expect(view.tracks[1].clips.map(\.start) == [f(15)])
        #expect(view.tracks[2].clips.map(\.start) == [f(17)])
        let unknown = view.tracks[0].record.metadata["otio"]?.objectValue?["items"]?.arrayValue?.first?.objectValue
        #expect(unknown?["schema"] == .string("Mystery.1"))
        #expect(unknown?["start"] == .integer(f(23).value))
    }
}
