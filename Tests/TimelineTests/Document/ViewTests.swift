import CRDT
import Testing
import Timeline

@Suite struct ViewTests {
    let f = Fixture.f

    /// Two replicas sharing the fixture.
    func pair() throws -> (ProjectDocument, ProjectDocument) {
        let a = try Fixture.project(clientID: 1)
        let b = ProjectDocument(doc: YDoc(clientID: 2))
        try b.doc.applyUpdate(a.doc.encodeStateAsUpdate())
        return (a, b)
    }

    func sync(_ a: ProjectDocument, _ b: ProjectDocument) throws {
        try a.doc.applyUpdate(b.doc.encodeStateAsUpdate(against: a.doc.stateVector))
        try b.doc.applyUpdate(a.doc.encodeStateAsUpdate(against: b.doc.stateVector))
    }

    @Test func concurrentMovesOverlapAndAreReportedInOrder() throws {
        let (a, b) = try pair()
        try a.apply([
            .addClip(AddClip(id: "x", track: "v1", asset: "vid", start: f(0), duration: f(10))),
            .addClip(AddClip(id: "y", track: "v2", asset: "vid", start: f(100), duration: f(10))),
        ])
        try sync(a, b)
        try a.apply(.moveClip(MoveClip(clip: "x", start: f(5))))
        try b.apply(.moveClip(MoveClip(clip: "y", track: "v1", start: f(12))))
        try sync(a, b)
        let va = try a.view()
        #expect(va == (try b.view()))
        #expect(
            va.conflicts == [
                Conflict(kind: .overlap, ids: ["x", "y"], track: "v1", start: f(12), end: f(15), message: "clips x and y overlap on track v1")
            ]
        )
        #expect(va.track("v1")?.clips.map(\.id) == ["x", "y"])
        #expect(va.track("v2")?.clips.isEmpty == true)
    }

    @Test func clipOnDeletedTrackAndDeletedAssetAreReported() throws {
        let (a, b) = try pair()
        try a.apply(.removeTrack(RemoveTrack(track: "v2")))
        try a.apply(.removeAsset(RemoveAsset(asset: "snd")))
        try b.apply(.addClip(AddClip(id: "lost", track: "v2", asset: "vid", start: f(0), duration: f(5))))
        try b.apply(.addClip(AddClip(id: "mute", track: "a1", asset: "snd", start: f(0), duration: f(5))))
        try sync(a, b)
        let v = try a.view()
        #expect(v == (try b.view()))
        #expect(v.orphanClips.map(\.id) == ["lost"])
        #expect(v.conflicts.map(\.kind) == [.missingTrack, .missingAsset])
        #expect(v.conflicts.map(\.ids) == [["lost"], ["mute"]])
        #expect(v.clip("lost")?.track == "v2")
    }

    @Test func invalidEntriesFromForeignClientsAreReportedNotDropped() throws {
        let p = try Fixture.project()
        p.doc.transact {
            let bad = p.doc.getMap("clips").setMap("bad")
            bad.set("track", "v1")
            bad.set("start", "soon")
            p.doc.getMap("markers").set("weird", 5)
        }
        p.doc.transact {
            let fast = p.doc.getMap("clips").setMap("fast")
            for (k, v) in [("track", "v2"), ("asset", "vid")] as [(String, YAny)] { fast.set(k, v) }
            fast.set("start", 0)
            fast.set("duration", .integer(Fixture.f(10).value))
            fast.set("speed", .float64(.nan))
            let odd = p.doc.getMap("clips").setMap("odd")
            for (k, v) in [("track", "v1"), ("asset", "vid")] as [(String, YAny)] { odd.set(k, v) }
            odd.set("start", .float64(Double(Fixture.f(100).value)))
            odd.set("duration", .bigint(Fixture.f(10).value))
            odd.set("metadata", .object(YObject([("x", .float64(.infinity))])))
        }
        let v = try p.view()
        #expect(v.conflicts.map(\.kind) == [.invalidEntry, .invalidEntry, .invalidEntry])
        #expect(v.conflicts.map(\.ids) == [["bad"], ["fast"], ["weird"]])
        // Integral floats and bigints are read as flicks; non-finite metadata still encodes.
        #expect(v.clip("odd")?.start == Fixture.f(100))
        #expect(v.clip("odd")?.duration == Fixture.f(10))
        #expect(try v.jsonData().count > 0)
        // The id stays taken.
        Fixture.expectRejected(p, .duplicateID, [.addClip(AddClip(id: "bad", track: "v1", asset: "vid", start: f(0), duration: f(1)))])
    }

    @Test func gapsAndGapContaining() throws {
        let p = try Fixture.project()
        try p.apply([
            .addClip(AddClip(id: "a", track: "v1", asset: "vid", start: f(10), duration: f(10))),
            .addClip(AddClip(id: "b", track: "v1", asset: "vid", start: f(30), duration: f(10))),
            .addClip(AddClip(id: "c", track: "v1", asset: "vid", start: f(40), duration: f(5))),
        ])
        let v = try p.view()
        let t = try #require(v.track("v1"))
        #expect(
            t.gaps == [
                Gap(track: "v1", start: f(0), end: f(10), before: nil, after: "a"),
                Gap(track: "v1", start: f(20), end: f(30), before: "a", after: "b"),
            ]
        )
        #expect(v.gap(containing: f(25), onTrack: "v1") == Gap(track: "v1", start: f(20), end: f(30), before: "a", after: "b"))
        #expect(v.gap(containing: f(20), onTrack: "v1")?.duration == f(10))
        #expect(v.gap(containing: f(15), onTrack: "v1") == nil)
        #expect(v.gap(containing: f(45), onTrack: "v1") == Gap(track: "v1", start: f(45), end: nil, before: "c", after: nil))
        #expect(v.gap(containing: f(5), onTrack: "v2") == Gap(track: "v2", start: f(0), end: nil, before: nil, after: nil))
        #expect(v.gap(containing: f(-1), onTrack: "v1") == nil)
        #expect(v.gap(containing: f(1), onTrack: "zz") == nil)
        #expect(v.duration == f(45))
        #expect(v.gaps.count == 2)
    }

    @Test func gapsAroundOverlappingClipsFollowTheFurthestEnd() throws {
        let (a, b) = try pair()
        try a.apply(.addClip(AddClip(id: "long", track: "v1", asset: "vid", start: f(0), duration: f(50))))
        try b.apply(.addClip(AddClip(id: "short", track: "v1", asset: "vid", start: f(10), duration: f(5))))
        try b.apply(.addClip(AddClip(id: "late", track: "v1", asset: "vid", start: f(60), duration: f(5))))
        try sync(a, b)
        let t = try #require(try a.view().track("v1"))
        #expect(t.gaps == [Gap(track: "v1", start: f(50), end: f(60), before: "long", after: "late")])
    }
}
