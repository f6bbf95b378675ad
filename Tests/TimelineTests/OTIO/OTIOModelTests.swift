import Foundation
import Testing
import Timeline

@Suite struct OTIOModelTests {
    static let example = OTIOPython.fixturesDirectory.appendingPathComponent("example-timeline.otio")

    @Test func readsTheExampleWithOTIOSemantics() throws {
        let tl = try OTIOTimeline(jsonData: Data(contentsOf: Self.example))
        #expect(tl.name == "proj-42")
        #expect(tl.metadata["collab"]?.objectValue?["revision"]?.int64Value == 17)
        #expect(tl.tracks.children.count == 2)
        guard case .track(let v1) = tl.tracks.children[0] else {
            Issue.record("first child is not a track")
            return
        }
        #expect(v1.kind == "Video")
        let frames = try v1.childRanges().map { ($0.start.frames(at: .fps24), $0.duration.frames(at: .fps24)) }
        // video-anchors.md: intro [0,48), xfade [42,54), shot2 [48,96), gap [96,120).
        #expect(frames.map(\.0) == [0, 42, 48, 96])
        #expect(frames.map(\.1) == [48, 12, 48, 24])
        #expect(try tl.duration() == (try Flicks(frames: 120, rate: .fps24)))
        guard case .clip(let intro) = v1.children[0], case .gap(let gap) = v1.children[3] else {
            Issue.record("unexpected children")
            return
        }
        #expect(intro.markers.first?.color == "RED")
        #expect(gap.metadata["ai_fill"]?.objectValue?["prompt"]?.stringValue == "sunset b-roll")
        if case .external(let url)? = intro.mediaReference?.kind { #expect(url == "file:///media/intro.mp4") } else { Issue.record("not external") }
    }

    @Test func readsClip1AndKeepsUnknownSchemas() throws {
        let json = """
            {"OTIO_SCHEMA":"Timeline.1","name":"old","tracks":{"OTIO_SCHEMA":"Stack.1","children":[
              {"OTIO_SCHEMA":"Track.1","kind":"Video","children":[
                {"OTIO_SCHEMA":"Clip.1","name":"c","source_range":{"OTIO_SCHEMA":"TimeRange.1",
                  "start_time":{"OTIO_SCHEMA":"RationalTime.1","value":0,"rate":25},
                  "duration":{"OTIO_SCHEMA":"RationalTime.1","value":50,"rate":25}},
                 "media_reference":{"OTIO_SCHEMA":"ExternalReference.1","target_url":"file:///x.mov"}},
                {"OTIO_SCHEMA":"FancyWipe.3","name":"w","strength":0.5},
                {"OTIO_SCHEMA":"Clip.2","name":"d","source_range":null,
                 "media_references":{"DEFAULT_MEDIA":{"OTIO_SCHEMA":"ImageSequenceReference.1","name_prefix":"sh010.",
                   "available_range":{"OTIO_SCHEMA":"TimeRange.1",
                     "start_time":{"OTIO_SCHEMA":"RationalTime.1","value":1001,"rate":25},
                     "duration":{"OTIO_SCHEMA":"RationalTime.1","value":10,"rate":25}}}},
                 "active_media_reference_key":"DEFAULT_MEDIA"}]}]}}
            """
        let tl = try OTIOTimeline(jsonData: Data(json.utf8))
        guard case .track(let t) = tl.tracks.children[0] else {
            Issue.record("no track")
            return
        }
        guard case .clip(let c) = t.children[0], case .unknown(let schema, let fields) = t.children[1], case .clip(let d) = t.children[2]
        else {
            Issue.record("unexpected children \(t.children)")
            return
        }
        if case .external(let url)? = c.mediaReference?.kind { #expect(url == "file:///x.mov") } else { Issue.record("Clip.1 reference lost") }
        #expect(schema == "FancyWipe.3")
        #expect(fields["strength"] == .double(0.5))
        // A clip without source_range uses its media's available range.
        #expect(try d.trimmedRange?.duration.flicks() == (try Flicks(frames: 10, rate: .fps25)))
        if case .unknown(let s, let f)? = d.mediaReference?.kind {
            #expect(s == "ImageSequenceReference.1")
            #expect(f["name_prefix"] == .string("sh010."))
        } else {
            Issue.record("unknown reference not kept")
        }
        // Written back, the unknown objects are unchanged.
        let again = try OTIOTimeline(jsonData: tl.jsonData())
        #expect(again == tl)
        let text = String(decoding: try tl.jsonData(), as: UTF8.self)
        #expect(text.contains("\"FancyWipe.3\"") && text.contains("\"Clip.2\"") && !text.contains("\"Clip.1\""))
    }

    @Test func rejectsBadDocumentsWithCodes() throws {
        #expect(throws: OTIOError.invalidJSON) { try OTIOTimeline(jsonData: Data("{nope".utf8)) }
        #expect(throws: OTIOError.notATimeline) { try OTIOTimeline(jsonData: Data(#"{"OTIO_SCHEMA":"Clip.2"}"#.utf8)) }
        let missingRate = """
            {"OTIO_SCHEMA":"Timeline.1","tracks":{"OTIO_SCHEMA":"Stack.1","children":[{"OTIO_SCHEMA":"Track.1","children":[
            {"OTIO_SCHEMA":"Gap.1","source_range":{"OTIO_SCHEMA":"TimeRange.1","start_time":{"OTIO_SCHEMA":"RationalTime.1","value":0},
            "duration":{"OTIO_SCHEMA":"RationalTime.1","value":1,"rate":24}}}]}]}}
            """
        do {
            _ = try OTIOTimeline(jsonData: Data(missingRate.utf8))
            Issue.record("a RationalTime without rate was accepted")
        } catch {
            #expect(error == .invalidDocument)
            #expect(error.detail.contains("rate"))
            #expect(error.detail.contains("children[0]"))
        }
    }

    @Test func swiftReadsWhatTheLibraryComputes() throws {
        for rate in [FrameRate.fps24, .fps25, .fps29_97] {
            let file = try OTIOPython.build(rate: rate)
            defer { try? FileManager.default.removeItem(at: file) }
            let report = try OTIOPython.ranges(of: file)
            #expect(report.version == "0.18.1")
            let tl = try OTIOTimeline(jsonData: Data(contentsOf: file))
            try Self.expectSameRanges(tl, report)
        }
    }

    @Test func libraryReadsWhatSwiftWrites() throws {
        let rate = FrameRate.fps29_97
        func f(_ n: Int64) throws -> Flicks { try Flicks(frames: n, rate: rate) }
        let clip = OTIOClip(
            name: "shot",
            sourceRange: TimeRange(start: try f(10), duration: try f(90), rate: rate),
            mediaReference: OTIOMediaReference(
                kind: .external(targetURL: "file:///m.mov"),
                availableRange: TimeRange(start: .zero, duration: try f(300), rate: rate)
            ),
            markers: [OTIOMarker(name: "m", markedRange: TimeRange(start: try f(20), duration: .zero, rate: rate), color: "GREEN")],
            metadata: ["editbay": .object(["id": .string("c1")])]
        )
        let track = OTIOTrack(
            name: "V1",
            kind: "Video",
            children: [
                .gap(OTIOGap(duration: try f(15), rate: rate)), .clip(clip),
                .transition(
                    OTIOTransition(
                        transitionType: "SMPTE_Dissolve",
                        inOffset: RationalTime(try f(3), rate: rate),
                        outOffset: RationalTime(try f(4), rate: rate)
                    )
                ),
                .clip(
                    OTIOClip(
                        name: "gen",
                        sourceRange: TimeRange(start: .zero, duration: try f(30), rate: rate),
                        mediaReference: OTIOMediaReference(kind: .generator(kind: "SolidColor", parameters: ["color": .string("black")]))
                    )
                ),
            ]
        )
        let audio = OTIOTrack(
            name: "A1",
            kind: "Audio",
            children: [.clip(OTIOClip(name: "m", sourceRange: TimeRange(start: .zero, duration: try f(200), rate: rate)))]
        )
        let tl = OTIOTimeline(name: "from-swift", tracks: OTIOStack(children: [.track(track), .track(audio)]), metadata: ["k": .integer(1)])
        let file = try OTIOPython.temporaryFile(try tl.jsonData())
        defer { try? FileManager.default.removeItem(at: file) }
        let report = try OTIOPython.ranges(of: file)
        try Self.expectSameRanges(tl, report)
        #expect(report.tracks[0].children[1].markers?.first?.name == "m")
        #expect(report.tracks[0].children[3].reference == "GeneratorReference")
        #expect(report.tracks[1].children[0].reference == "MissingReference")
    }

    /// Every top-level track child has the same range in parent and trimmed range as the library computed.
    static func expectSameRanges(_ tl: OTIOTimeline, _ report: OTIOPython.Report) throws {
        #expect(try tl.duration() == (try report.duration.flicks()))
        #expect(tl.tracks.children.count == report.tracks.count)
        for (child, expected) in zip(tl.tracks.children, report.tracks) {
            guard case .track(let track) = child else {
                Issue.record("not a track")
                continue
            }
            #expect(track.name == expected.name)
            let ours = try track.childRanges()
            #expect(ours.count == expected.children.count)
            for (i, (range, theirs)) in zip(ours, expected.children).enumerated() {
                let (s, d) = try theirs.range_in_parent.flicks()
                #expect(range.start == s, "track \(track.name) child \(i) start")
                #expect(range.duration == d, "track \(track.name) child \(i) duration")
                if let tr = theirs.trimmed_range {
                    let (ts, td) = try tr.flicks()
                    switch track.children[i] {
                    case .clip(let c):
                        #expect(try c.trimmedRange?.startTime.flicks() == ts)
                        #expect(try c.trimmedRange?.duration.flicks() == td)
                    case .gap(let g):
                        #expect(try g.sourceRange.duration.flicks() == td)
                    default: Issue.record("trimmed range on a \(theirs.schema)")
                    }
                }
            }
        }
    }
}
