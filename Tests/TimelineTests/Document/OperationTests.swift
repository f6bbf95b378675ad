import CRDT
import Foundation
import Testing
import Timeline

@Suite struct OperationTests {
    let f = Fixture.f

    @Test func createProjectWritesMeta() throws {
        let p = ProjectDocument.create(ProjectMeta(name: "Trailer", rate: .fps29_97, width: 3840, height: 2160, sampleRate: 44_100))
        let meta = try p.view().meta
        #expect(meta.name == "Trailer" && meta.rate == .fps29_97 && meta.width == 3840 && meta.sampleRate == 44_100 && meta.schema == 1)
        #expect(p.doc.getMap("meta")["rate"] == ["num": 30000, "den": 1001])
        // A document without meta is not a project, and edits are refused.
        let empty = ProjectDocument(doc: YDoc())
        #expect(throws: TimelineError.notAProject) { try empty.view() }
        #expect(throws: TimelineError.notAProject) { try empty.apply(.addTrack(AddTrack(kind: .video))) }
        let future = YDoc()
        future.getMap("meta").set("schema", 2)
        #expect(throws: TimelineError.unsupportedSchema) { try ProjectDocument(doc: future).view() }
    }

    @Test func updateProjectChangesMetaOnly() throws {
        let p = try Fixture.project()
        try p.apply(.addClip(AddClip(id: "c", track: "v1", asset: "vid", start: f(24), duration: f(24))))
        try p.apply(.updateProject(UpdateProject(name: "Renamed", rate: .fps29_97, width: 1280)))
        let v = try p.view()
        #expect(v.meta.name == "Renamed" && v.meta.rate == .fps29_97 && v.meta.width == 1280 && v.meta.height == 1080)
        // Times are flicks: the clip still starts at one second.
        #expect(v.clip("c")?.start == (try Flicks(seconds: 1)))
        #expect(p.doc.getMap("meta")["name"] == "Renamed")
        Fixture.expectRejected(p, .invalidValue, [.updateProject(UpdateProject(width: 0))])
        let decoded = try EditOperation.decodeBatch(Data(#"[{"op": "updateProject", "name": "JSON", "sampleRate": 44100}]"#.utf8))
        try p.apply(decoded)
        #expect(try p.view().meta.sampleRate == 44_100)
    }

    @Test func tracksAddRenameReorderRemove() throws {
        let p = try Fixture.project()
        #expect(try p.view().tracks.map(\.id) == ["v1", "v2", "a1"])
        try p.apply(.addTrack(AddTrack(id: "v0", kind: .video, before: "v1")))
        try p.apply(.addTrack(AddTrack(id: "v15", kind: .video, after: "v1")))
        #expect(try p.view().tracks.map(\.id) == ["v0", "v1", "v15", "v2", "a1"])
        #expect(try p.view().track("v0")?.record.name == "V3")
        try p.apply(.moveTrack(MoveTrack(track: "a1", before: "v0")))
        try p.apply(.moveTrack(MoveTrack(track: "v0")))
        #expect(try p.view().tracks.map(\.id) == ["a1", "v1", "v15", "v2", "v0"])
        try p.apply(.updateTrack(UpdateTrack(track: "v15", name: "B-roll", muted: true)))
        let t = try #require(try p.view().track("v15"))
        #expect(t.record.name == "B-roll" && t.record.muted && !t.record.locked)
        try p.apply(.removeTrack(RemoveTrack(track: "v15")))
        #expect(try p.view().tracks.map(\.id) == ["a1", "v1", "v2", "v0"])
        // Generated ids come from makeID.
        let r = try p.apply([.addTrack(AddTrack(kind: .audio))], makeID: Fixture.counter("t"))
        #expect(r[0].created == ["t1"])
        Fixture.expectRejected(p, .trackNotFound, [.moveTrack(MoveTrack(track: "nope"))])
        Fixture.expectRejected(p, .trackNotFound, [.addTrack(AddTrack(kind: .video, after: "nope"))])
        Fixture.expectRejected(p, .duplicateID, [.addTrack(AddTrack(id: "v1", kind: .video))])
        Fixture.expectRejected(p, .invalidValue, [.addTrack(AddTrack(id: "", kind: .video))])
    }

    @Test func reorderRenumbersWhenKeysCollide() throws {
        // Two replicas concurrently insert after the same track and pick the same key; a later
        // insert between them must still land between them.
        let p = try Fixture.project()
        let q = ProjectDocument(doc: YDoc(clientID: 2))
        try q.doc.applyUpdate(p.doc.encodeStateAsUpdate())
        try p.apply(.addTrack(AddTrack(id: "x", kind: .video, after: "v1")))
        try q.apply(.addTrack(AddTrack(id: "y", kind: .video, after: "v1")))
        try p.doc.applyUpdate(q.doc.encodeStateAsUpdate())
        let order = try p.view().tracks.map(\.id)
        #expect(order == ["v1", "x", "y", "v2", "a1"])
        #expect(p.state().tracks["x"]?.order == p.state().tracks["y"]?.order)
        try p.apply(.addTrack(AddTrack(id: "z", kind: .video, after: "x")))
        #expect(try p.view().tracks.map(\.id) == ["v1", "x", "z", "y", "v2", "a1"])
    }

    @Test func lockedTracksRefuseEdits() throws {
        let p = try Fixture.project()
        try p.apply(.addClip(AddClip(id: "c", track: "v1", asset: "vid", start: f(0), duration: f(24))))
        try p.apply(.updateTrack(UpdateTrack(track: "v1", locked: true)))
        Fixture.expectRejected(p, .trackLocked, [.moveClip(MoveClip(clip: "c", start: f(10)))])
        Fixture.expectRejected(p, .trackLocked, [.addClip(AddClip(track: "v1", asset: "vid", start: f(100), duration: f(1)))])
        Fixture.expectRejected(p, .trackLocked, [.removeTrack(RemoveTrack(track: "v1"))])
        Fixture.expectRejected(p, .trackLocked, [.updateTrack(UpdateTrack(track: "v1", name: "x"))])
        try p.apply(.updateTrack(UpdateTrack(track: "v1", locked: false)))
        try p.apply(.moveClip(MoveClip(clip: "c", start: f(10))))
        #expect(try p.view().clip("c")?.start == f(10))
    }

    @Test func assetsAddUpdateRemove() throws {
        let p = try Fixture.project()
        try p.apply(.updateAsset(UpdateAsset(asset: "img", name: "Poster", status: .pending)))
        let a = try #require(try p.view().assets.first { $0.id == "img" })
        #expect(a.name == "Poster" && a.status == .pending && a.kind == .image)
        try p.apply(.addClip(AddClip(id: "c", track: "v1", asset: "vid", start: f(0), duration: f(100), inPoint: f(100))))
        Fixture.expectRejected(p, .assetInUse, [.removeAsset(RemoveAsset(asset: "vid"))])
        Fixture.expectRejected(p, .outsideAsset, [.updateAsset(UpdateAsset(asset: "vid", duration: f(150)))])
        try p.apply(.addClip(AddClip(id: "s", track: "a1", asset: "vid", start: f(0), duration: f(10))))
        Fixture.expectRejected(p, .assetInUse, [.updateAsset(UpdateAsset(asset: "vid", hasAudio: false))])
        try p.apply(.removeAsset(RemoveAsset(asset: "snd")))
        #expect(try p.view().assets.map(\.id) == ["img", "vid"])
        Fixture.expectRejected(p, .assetNotFound, [.removeAsset(RemoveAsset(asset: "snd"))])
        Fixture.expectRejected(p, .invalidDuration, [.addAsset(AddAsset(asset: AssetRecord(id: "z", kind: .video, duration: .zero)))])
    }

    @Test func addClipValidates() throws {
        let p = try Fixture.project()
        let r = try p.apply([.addClip(AddClip(track: "v1", asset: "vid", start: f(10), inPoint: f(40)))], makeID: Fixture.counter("c"))
        let c = try #require(try p.view().clip("c1"))
        #expect(r[0].created == ["c1"])
        #expect(c.duration == f(200) && c.inPoint == f(40) && c.name == "Video" && c.end == f(210))
        Fixture.expectRejected(p, .kindMismatch, [.addClip(AddClip(track: "a1", asset: "img", start: f(0), duration: f(5)))])
        Fixture.expectRejected(p, .kindMismatch, [.addClip(AddClip(track: "v1", asset: "snd", start: f(300), duration: f(5)))])
        Fixture.expectRejected(p, .outsideAsset, [.addClip(AddClip(track: "v2", asset: "vid", start: f(0), duration: f(200), inPoint: f(41)))])
        Fixture.expectRejected(p, .negativeTime, [.addClip(AddClip(track: "v2", asset: "vid", start: f(-1), duration: f(2)))])
        Fixture.expectRejected(p, .negativeTime, [.addClip(AddClip(track: "v2", asset: "vid", start: f(0), duration: f(2), inPoint: f(-1)))])
        Fixture.expectRejected(p, .invalidDuration, [.addClip(AddClip(track: "v2", asset: "vid", start: f(0), duration: .zero))])
        Fixture.expectRejected(p, .overlap, [.addClip(AddClip(track: "v1", asset: "vid", start: f(209), duration: f(2)))])
        Fixture.expectRejected(p, .missingField, [.addClip(AddClip(track: "v1", asset: "img", start: f(300)))])
        Fixture.expectRejected(p, .trackNotFound, [.addClip(AddClip(track: "zz", asset: "vid", start: f(0), duration: f(2)))])
        Fixture.expectRejected(p, .assetNotFound, [.addClip(AddClip(track: "v1", asset: "zz", start: f(0), duration: f(2)))])
        Fixture.expectRejected(p, .duplicateID, [.addClip(AddClip(id: "c1", track: "v2", asset: "vid", start: f(0), duration: f(2)))])
        // An image has no duration limit; an audio track takes a video asset with audio.
        try p.apply(.addClip(AddClip(id: "still", track: "v2", asset: "img", start: f(0), duration: f(100_000))))
        try p.apply(.addClip(AddClip(id: "va", track: "a1", asset: "vid", start: f(0), duration: f(24))))
        // Adjacent clips do not overlap.
        try p.apply(.addClip(AddClip(id: "adj", track: "v1", asset: "vid", start: f(210), duration: f(5))))
        #expect(try p.view().conflicts.isEmpty)
    }

    @Test func moveTrimSlipSplit() throws {
        let p = try Fixture.project()
        try p.apply(.addClip(AddClip(id: "c", track: "v1", asset: "vid", start: f(24), duration: f(48), inPoint: f(24))))
        try p.apply(.moveClip(MoveClip(clip: "c", track: "v2", start: f(0))))
        var c = try #require(try p.view().clip("c"))
        #expect(c.track == "v2" && c.start == f(0) && c.duration == f(48))
        try p.apply(.addClip(AddClip(id: "still", track: "v1", asset: "img", start: f(0), duration: f(5))))
        Fixture.expectRejected(p, .kindMismatch, [.moveClip(MoveClip(clip: "still", track: "a1"))])
        try p.apply(.removeClip(RemoveClip(clip: "still")))
        Fixture.expectRejected(p, .missingField, [.moveClip(MoveClip(clip: "c"))])
        // Head trim: end stays, in follows.
        try p.apply(.moveClip(MoveClip(clip: "c", start: f(100))))
        try p.apply(.trimClip(TrimClip(clip: "c", start: f(110))))
        c = try #require(try p.view().clip("c"))
        #expect(c.start == f(110) && c.end == f(148) && c.inPoint == f(34))
        // Extending the head past the asset's first frame is refused.
        Fixture.expectRejected(p, .outsideAsset, [.trimClip(TrimClip(clip: "c", start: f(75)))])
        // Tail trim.
        try p.apply(.trimClip(TrimClip(clip: "c", duration: f(10))))
        #expect(try p.view().clip("c")?.end == f(120))
        Fixture.expectRejected(p, .outsideAsset, [.trimClip(TrimClip(clip: "c", duration: f(300)))])
        Fixture.expectRejected(p, .invalidDuration, [.trimClip(TrimClip(clip: "c", start: f(120)))])
        // Slip keeps place and length.
        try p.apply(.slipClip(SlipClip(clip: "c", inPoint: f(200))))
        c = try #require(try p.view().clip("c"))
        #expect(c.inPoint == f(200) && c.start == f(110) && c.duration == f(10))
        Fixture.expectRejected(p, .outsideAsset, [.slipClip(SlipClip(clip: "c", inPoint: f(231)))])
        // Split.
        try p.apply(.setClip(SetClip(clip: "c", gain: 0.5, transitionIn: ClipTransition(kind: "dissolve", duration: f(4)))))
        let r = try p.apply(.splitClip(SplitClip(clip: "c", at: f(114), newID: "c2")))
        #expect(r.created == ["c2"])
        let left = try #require(try p.view().clip("c"))
        let right = try #require(try p.view().clip("c2"))
        #expect(left.start == f(110) && left.duration == f(4) && left.transitionIn != nil)
        #expect(right.start == f(114) && right.duration == f(6) && right.inPoint == f(204) && right.gain == 0.5 && right.transitionIn == nil)
        #expect(try p.view().conflicts.isEmpty)
        Fixture.expectRejected(p, .splitOutsideClip, [.splitClip(SplitClip(clip: "c", at: f(110)))])
        Fixture.expectRejected(p, .splitOutsideClip, [.splitClip(SplitClip(clip: "c", at: f(114)))])
        Fixture.expectRejected(p, .clipNotFound, [.splitClip(SplitClip(clip: "zz", at: f(1)))])
    }

    @Test func removeAndRippleDelete() throws {
        let p = try Fixture.project()
        try p.apply([
            .addClip(AddClip(id: "a", track: "v1", asset: "vid", start: f(0), duration: f(10))),
            .addClip(AddClip(id: "b", track: "v1", asset: "vid", start: f(10), duration: f(20))),
            .addClip(AddClip(id: "c", track: "v1", asset: "vid", start: f(40), duration: f(5))),
            .addClip(AddClip(id: "other", track: "v2", asset: "vid", start: f(40), duration: f(5))),
        ])
        try p.apply(.rippleDelete(RippleDelete(.clip("b"))))
        var v = try p.view()
        #expect(v.track("v1")?.clips.map(\.id) == ["a", "c"])
        #expect(v.clip("c")?.start == f(20))
        #expect(v.clip("other")?.start == f(40))
        // Range form: closes the gap [10, 20).
        Fixture.expectRejected(p, .rangeNotEmpty, [.rippleDelete(RippleDelete(.range(track: "v1", start: f(5), duration: f(10))))])
        try p.apply(.rippleDelete(RippleDelete(.range(track: "v1", start: f(10), duration: f(10)))))
        v = try p.view()
        #expect(v.clip("c")?.start == f(10))
        #expect(v.track("v1")?.gaps.isEmpty == true)
        try p.apply(.removeClip(RemoveClip(clip: "a")))
        #expect(try p.view().track("v1")?.clips.map(\.id) == ["c"])
        Fixture.expectRejected(p, .clipNotFound, [.removeClip(RemoveClip(clip: "a"))])
    }

    @Test func setClipProperties() throws {
        let p = try Fixture.project()
        try p.apply(.addClip(AddClip(id: "c", track: "v1", asset: "vid", start: f(0), duration: f(100))))
        try p.apply(
            .setClip(
                SetClip(
                    clip: "c",
                    gain: 2,
                    opacity: 0.25,
                    speed: 2,
                    transitionIn: ClipTransition(kind: "wipe", duration: f(10), inOffset: f(2)),
                    name: "Hero"
                )
            )
        )
        var c = try #require(try p.view().clip("c"))
        #expect(c.gain == 2 && c.opacity == 0.25 && c.speed == 2 && c.name == "Hero")
        #expect(c.transitionIn == ClipTransition(kind: "wipe", duration: f(10), inOffset: f(2)))
        #expect(c.mediaDuration == f(200))
        // Speed 3 would use 300 frames of a 240-frame asset.
        Fixture.expectRejected(p, .outsideAsset, [.setClip(SetClip(clip: "c", speed: 3))])
        Fixture.expectRejected(p, .invalidValue, [.setClip(SetClip(clip: "c", opacity: 1.5))])
        Fixture.expectRejected(p, .invalidValue, [.setClip(SetClip(clip: "c", gain: -1))])
        Fixture.expectRejected(p, .invalidValue, [.setClip(SetClip(clip: "c", speed: 0))])
        Fixture.expectRejected(p, .invalidValue, [.setClip(SetClip(clip: "c", transitionIn: ClipTransition(kind: "d", duration: f(101))))])
        Fixture.expectRejected(p, .invalidValue, [.setClip(SetClip(clip: "c", transitionIn: ClipTransition(kind: "", duration: f(1))))])
        try p.apply(.setClip(SetClip(clip: "c", removeTransitionIn: true)))
        c = try #require(try p.view().clip("c"))
        #expect(c.transitionIn == nil)
    }

    @Test func markers() throws {
        let p = try Fixture.project()
        try p.apply([
            .addMarker(AddMarker(id: "m2", time: f(48), label: "B")),
            .addMarker(AddMarker(id: "m1", time: f(24), label: "A", color: "green")),
        ])
        #expect(try p.view().markers.map(\.id) == ["m1", "m2"])
        try p.apply(.moveMarker(MoveMarker(marker: "m1", time: f(96))))
        try p.apply(.updateMarker(UpdateMarker(marker: "m1", label: "fix", color: "blue", duration: f(5))))
        let m = try #require(try p.view().markers.last)
        #expect(m == MarkerRecord(id: "m1", time: f(96), duration: f(5), label: "fix", color: "blue"))
        try p.apply(.removeMarker(RemoveMarker(marker: "m2")))
        #expect(try p.view().markers.map(\.id) == ["m1"])
        Fixture.expectRejected(p, .markerNotFound, [.moveMarker(MoveMarker(marker: "m2", time: f(1)))])
        Fixture.expectRejected(p, .negativeTime, [.addMarker(AddMarker(time: f(-1)))])
    }

    @Test func batchIsAllOrNothingAndSeesEarlierOperations() throws {
        let p = try Fixture.project()
        var updates = 0
        p.doc.onUpdate { _, _ in updates += 1 }
        // Later operations see earlier ones (clip added, then moved) and it is one update.
        try p.apply([
            .addTrack(AddTrack(id: "v3", kind: .video)),
            .addClip(AddClip(id: "c", track: "v3", asset: "vid", start: f(0), duration: f(10))),
            .moveClip(MoveClip(clip: "c", start: f(50))),
        ])
        #expect(updates == 1)
        #expect(try p.view().clip("c")?.start == f(50))
        // A failure in the third operation leaves the first two unapplied.
        do {
            try p.apply([
                .addTrack(AddTrack(id: "v4", kind: .video)),
                .addClip(AddClip(id: "d", track: "v4", asset: "vid", start: f(0), duration: f(10))),
                .moveClip(MoveClip(clip: "nope", start: f(1))),
            ])
            Issue.record("batch applied")
        } catch {
            #expect(error == .clipNotFound)
            #expect(error.operationIndex == 2)
            #expect(error.field == "clip")
        }
        #expect(updates == 1)
        #expect(try p.view().track("v4") == nil)
        #expect(throws: TimelineError.tooManyOperations) {
            try p.apply(Array(repeating: .removeMarker(RemoveMarker(marker: "x")), count: ProjectDocument.maxOperationsPerBatch + 1))
        }
    }

    @Test func removingATrackRemovesItsClips() throws {
        let p = try Fixture.project()
        try p.apply(.addClip(AddClip(id: "c", track: "v2", asset: "vid", start: f(0), duration: f(10))))
        try p.apply(.removeTrack(RemoveTrack(track: "v2")))
        let v = try p.view()
        #expect(v.clip("c") == nil && v.orphanClips.isEmpty && v.conflicts.isEmpty)
    }

    @Test func loadsFromAStoredUpdate() throws {
        let p = try Fixture.project()
        try p.apply(.addClip(AddClip(id: "c", track: "v1", asset: "vid", start: f(0), duration: f(10))))
        let copy = try ProjectDocument(update: p.doc.encodeStateAsUpdate(), clientID: 9)
        #expect(try copy.view() == (try p.view()))
        #expect(throws: TimelineError.notAProject) { try ProjectDocument(update: [1, 2, 3]) }
        #expect(throws: TimelineError.notAProject) { try ProjectDocument(update: YDoc().encodeStateAsUpdate()) }
    }
}
