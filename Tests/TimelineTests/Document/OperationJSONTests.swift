import Foundation
import Testing
import Timeline

@Suite struct OperationJSONTests {
    let f = Fixture.f

    func decode(_ json: String) throws(TimelineError) -> [EditOperation] { try EditOperation.decodeBatch(Data(json.utf8)) }

    func expectError(
        _ json: String,
        _ code: TimelineError,
        field: String? = nil,
        index: Int? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        do {
            _ = try decode(json)
            Issue.record("decoded \(json)", sourceLocation: sourceLocation)
        } catch {
            #expect(error.code == code.code, "\(error)", sourceLocation: sourceLocation)
            if let field { #expect(error.field == field, "\(error)", sourceLocation: sourceLocation) }
            if let index { #expect(error.operationIndex == index, sourceLocation: sourceLocation) }
        }
    }

    @Test func decodesEveryOperationAndAppliesThem() throws {
        let p = try Fixture.project()
        let ops = try decode(
            """
            {"operations": [
              {"op": "addTrack", "id": "v3", "kind": "video", "name": "Titles", "after": "v2"},
              {"op": "renameTrack", "track": "v3", "name": "Titles 2"},
              {"op": "updateTrack", "track": "a1", "muted": true},
              {"op": "moveTrack", "track": "a1", "before": "v1"},
              {"op": "addAsset", "id": "new", "kind": "video", "name": "Gen", "durationSeconds": 10, "rate": {"num": 24, "den": 1},
               "status": "pending", "origin": {"type": "job", "job": "j1"}, "hasAudio": false, "width": 1280, "height": 720},
              {"op": "updateAsset", "asset": "new", "status": "ready"},
              {"op": "addClip", "id": "c", "track": "v1", "asset": "vid", "start": \(f(0).value), "durationSeconds": 2.5},
              {"op": "moveClip", "clip": "c", "startSeconds": "1.5"},
              {"op": "trimClip", "clip": "c", "duration": \(f(48).value)},
              {"op": "slipClip", "clip": "c", "in": \(f(10).value)},
              {"op": "splitClip", "clip": "c", "atSeconds": 2, "newId": "c2"},
              {"op": "setClip", "clip": "c2", "gain": 0.5, "opacity": 1, "transitionIn": {"kind": "dissolve", "duration": \(f(4).value)}},
              {"op": "setClip", "clip": "c2", "transitionIn": null},
              {"op": "rippleDelete", "clip": "c"},
              {"op": "addClip", "id": "d", "track": "v2", "asset": "new", "start": 0},
              {"op": "removeClip", "clip": "d"},
              {"op": "removeAsset", "asset": "new"},
              {"op": "addMarker", "id": "m", "timeSeconds": 1, "label": "hi", "color": "green"},
              {"op": "moveMarker", "marker": "m", "time": 0},
              {"op": "updateMarker", "marker": "m", "label": "yo"},
              {"op": "removeMarker", "marker": "m"},
              {"op": "rippleDelete", "track": "v1", "start": 0, "duration": \(f(12).value)},
              {"op": "removeTrack", "track": "v3"}
            ]}
            """
        )
        #expect(ops.count == 23)
        #expect(Set(ops.map(\.name)).count == 19)
        #expect(EditOperation.jsonNames.count == 21)
        try p.apply(ops)
        let v = try p.view()
        #expect(v.tracks.map(\.id) == ["a1", "v1", "v2"])
        #expect(v.track("a1")?.record.muted == true)
        let c2 = try #require(v.clip("c2"))
        // c: [0, 60) moved to 1.5 s = [36, 96), trimmed to [36, 84), split at 2 s (frame 48) so c2 is
        // [48, 84) with in 10 + 12; ripple-deleting c (12 frames) pulls c2 to 36; closing [0, 12) to 24.
        #expect(c2.start == f(24) && c2.duration == f(36) && c2.inPoint == f(22) && c2.gain == 0.5 && c2.transitionIn == nil)
        #expect(v.markers.isEmpty)
        #expect(v.assets.map(\.id) == ["img", "snd", "vid"])
    }

    @Test func roundTripsThroughItsJSONForm() throws {
        let ops: [EditOperation] = [
            .updateProject(UpdateProject(name: "p", rate: .fps23_976, width: 10, height: 20, sampleRate: 8000)),
            .addTrack(AddTrack(id: "t", kind: .audio, name: "n", after: "a")),
            .addAsset(AddAsset(asset: AssetRecord(id: "a", kind: .video, name: "x", uri: "u", duration: f(5), rate: .fps29_97, hasAudio: true))),
            .addClip(AddClip(id: "c", track: "t", asset: "a", start: f(1), duration: f(2), inPoint: f(3), name: "c")),
            .trimClip(TrimClip(clip: "c", start: f(2))),
            .rippleDelete(RippleDelete(.range(track: "t", start: f(1), duration: f(2)))),
            .setClip(SetClip(clip: "c", speed: 2, transitionIn: ClipTransition(kind: "wipe", duration: f(4), inOffset: f(1)))),
            .setClip(SetClip(clip: "c", removeTransitionIn: true)),
            .splitClip(SplitClip(clip: "c", at: f(3), newID: "d")),
            .updateMarker(UpdateMarker(marker: "m", duration: f(3))),
        ]
        let data = try JSONEncoder().encode(ops)
        #expect(try JSONDecoder().decode([EditOperation].self, from: data) == ops)
        #expect(try EditOperation.decodeBatch(data) == ops)
    }

    @Test func clearErrors() {
        expectError("{", .malformedJSON)
        expectError(#"{"ops": []}"#, .malformedJSON, field: "operations")
        expectError(#"[1]"#, .malformedJSON, index: 0)
        expectError(#"[{"clip": "c"}]"#, .missingField, field: "op")
        expectError(#"[{"op": 3}]"#, .invalidField, field: "op")
        expectError(#"[{"op": "removeClip", "clip": "a"}, {"op": "explodeClip"}]"#, .unknownOperation, field: "op", index: 1)
        expectError(#"[{"op": "moveClip", "clip": "c", "strat": 5}]"#, .unknownField, field: "strat")
        expectError(#"[{"op": "moveClip", "start": 5}]"#, .missingField, field: "clip")
        expectError(#"[{"op": "moveClip", "clip": 5}]"#, .invalidField, field: "clip")
        expectError(#"[{"op": "moveClip", "clip": "c", "start": 1.5}]"#, .invalidField, field: "start")
        expectError(#"[{"op": "moveClip", "clip": "c", "start": "10"}]"#, .invalidField, field: "start")
        expectError(#"[{"op": "moveClip", "clip": "c", "start": 9007199254740992}]"#, .invalidField, field: "start")
        expectError(#"[{"op": "moveClip", "clip": "c", "start": 1, "startSeconds": 1}]"#, .invalidField, field: "start")
        expectError(#"[{"op": "moveClip", "clip": "c", "startSeconds": "soon"}]"#, .invalidField, field: "startSeconds")
        expectError(#"[{"op": "addTrack", "kind": "smell"}]"#, .invalidField, field: "kind")
        expectError(#"[{"op": "addTrack"}]"#, .missingField, field: "kind")
        expectError(#"[{"op": "setClip", "clip": "c", "gain": "loud"}]"#, .invalidField, field: "gain")
        expectError(#"[{"op": "setClip", "clip": "c", "transitionIn": {"duration": 1, "length": 2}}]"#, .unknownField, field: "length")
        expectError(#"[{"op": "rippleDelete", "clip": "c", "track": "t"}]"#, .invalidField, field: "clip")
        expectError(#"[{"op": "rippleDelete"}]"#, .missingField, field: "clip")
        expectError(#"[{"op": "addAsset", "kind": "video", "rate": {"num": 0}}]"#, .invalidField, field: "rate")
        let many =
            "[" + Array(repeating: #"{"op":"removeClip","clip":"c"}"#, count: ProjectDocument.maxOperationsPerBatch + 1).joined(separator: ",") + "]"
        expectError(many, .tooManyOperations)
    }

    @Test func secondsAreExactDecimals() throws {
        let ops = try decode(#"[{"op": "addMarker", "timeSeconds": 0.1}, {"op": "addMarker", "timeSeconds": "1001.000000001"}]"#)
        guard case .addMarker(let a) = ops[0], case .addMarker(let b) = ops[1] else {
            Issue.record("wrong ops")
            return
        }
        #expect(a.time.value == 70_560_000)
        #expect(b.time == Flicks(1001 * Flicks.perSecond + 1))
    }
}
