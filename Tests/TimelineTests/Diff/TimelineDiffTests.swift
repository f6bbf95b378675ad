import CRDT
import Testing
import Timeline

@Suite struct TimelineDiffTests {
    let f = Fixture.f

    @Test func classifiesEachKindOfChange() throws {
        let p = try Fixture.project()
        try p.apply([
            .addClip(AddClip(id: "a", track: "v1", asset: "vid", start: f(24), duration: f(48), name: "Hero")),
            .addClip(AddClip(id: "b", track: "v1", asset: "vid", start: f(100), duration: f(10))),
            .addClip(AddClip(id: "c", track: "v1", asset: "vid", start: f(200), duration: f(10))),
            .addClip(AddClip(id: "d", track: "v1", asset: "vid", start: f(300), duration: f(10))),
            .addMarker(AddMarker(id: "m", time: f(0), label: "start")),
        ])
        let before = p.state()
        try p.apply([
            .moveClip(MoveClip(clip: "a", track: "v2", start: f(48))),
            .trimClip(TrimClip(clip: "b", start: f(102))),
            .setClip(SetClip(clip: "c", gain: 0.5)),
            .removeClip(RemoveClip(clip: "d")),
            .addClip(AddClip(id: "e", track: "a1", asset: "snd", start: f(0), duration: f(10), name: "VO")),
            .updateTrack(UpdateTrack(track: "v2", name: "Overlay")),
            .moveTrack(MoveTrack(track: "a1", before: "v1")),
            .moveMarker(MoveMarker(marker: "m", time: f(24))),
            .updateAsset(UpdateAsset(asset: "img", name: "Poster")),
        ])
        let diff = TimelineDiff(from: before, to: p.state())
        let byID = Dictionary(uniqueKeysWithValues: diff.changes.map { ("\($0.entity)/\($0.id)", $0) })
        #expect(diff.changes.count == 9)
        #expect(byID["clips/a"]?.kind == .moved)
        #expect(byID["clips/a"]?.summary == "Clip “Hero” (a) moved from V1 to Overlay from 00:00:01:00 to 00:00:02:00")
        #expect(byID["clips/a"]?.fields.map(\.field) == ["start", "track"])
        #expect(byID["clips/b"]?.kind == .trimmed)
        #expect(byID["clips/b"]?.fields.map(\.field) == ["duration", "in", "start"])
        #expect(byID["clips/b"]?.fields.first { $0.field == "in" }?.new == .integer(f(2).value))
        #expect(byID["clips/c"]?.kind == .changed)
        #expect(byID["clips/c"]?.fields == [TimelineDiff.FieldChange(field: "gain", old: .integer(1), new: .double(0.5))])
        #expect(byID["clips/d"]?.kind == .removed)
        #expect(byID["clips/e"]?.kind == .added)
        #expect(byID["clips/e"]?.summary == "Clip “VO” (e) added on A1 at 00:00:00:00")
        #expect(byID["tracks/v2"]?.kind == .renamed)
        #expect(byID["tracks/a1"]?.kind == .reordered)
        #expect(byID["markers/m"]?.kind == .moved)
        #expect(byID["assets/img"]?.kind == .renamed)
        // Deterministic order: tracks, assets, clips, markers; ids sorted within.
        #expect(diff.changes.map(\.entity) == ["tracks", "tracks", "assets", "clips", "clips", "clips", "clips", "clips", "markers"])
        #expect(TimelineDiff(from: p.state(), to: p.state()).isEmpty)
    }

    @Test func diffBetweenVersionsOfOneDocument() throws {
        // Versions are stored states; a diff between two loaded versions sees only what changed.
        let p = try Fixture.project()
        let v1 = p.doc.encodeStateAsUpdate()
        try p.apply(.addMarker(AddMarker(id: "m", time: f(48), label: "cut here")))
        let v2 = p.doc.encodeStateAsUpdate()
        let diff = TimelineDiff(from: try ProjectDocument(update: v1), to: try ProjectDocument(update: v2))
        #expect(diff.changes.map(\.summary) == ["Marker “cut here” (m) added at 00:00:02:00"])
        let reverse = TimelineDiff(from: try ProjectDocument(update: v2), to: try ProjectDocument(update: v1))
        #expect(reverse.changes.map(\.kind) == [.removed])
        // A live document (gain written as 1.0) and its stored copy (read back as the integer 1) do not differ.
        try p.apply(.addClip(AddClip(id: "c", track: "v1", asset: "vid", start: f(0), duration: f(5))))
        #expect(TimelineDiff(from: p, to: try ProjectDocument(update: p.doc.encodeStateAsUpdate())).isEmpty)
    }

    @Test func metaChanges() throws {
        let a = ProjectDocument.create(ProjectMeta(name: "A"))
        let b = ProjectDocument.create(ProjectMeta(name: "B", rate: .fps25))
        let diff = TimelineDiff(from: a, to: b)
        #expect(diff.changes.count == 1)
        #expect(diff.changes[0].entity == "meta")
        #expect(diff.changes[0].fields.map(\.field) == ["name", "rate"])
    }
}
