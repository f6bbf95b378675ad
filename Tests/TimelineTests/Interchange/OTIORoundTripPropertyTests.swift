import CRDT
import Foundation
import Testing
import Timeline

/// Random projects — with the overlaps, orphans and missing assets concurrent edits leave — go to
/// OTIO JSON and back into a new project unchanged; a sample of them also loads in opentimelineio
/// with the ranges our model computes.
@Suite struct OTIORoundTripPropertyTests {
    static func randomProject(seed: UInt64) throws -> ProjectDocument {
        var rng = SeededRandom(seed: seed &* 7919)
        let base = try Fixture.project(clientID: 1000)
        let snapshot = base.doc.encodeStateAsUpdate()
        var replicas: [ConvergenceTests.Replica] = []
        for i in 0..<2 {
            let doc = YDoc(clientID: UInt64(i + 1))
            try doc.applyUpdate(snapshot, origin: "load")
            replicas.append(ConvergenceTests.Replica(ProjectDocument(doc: doc), name: "r\(i)"))
        }
        for _ in 0..<(10 + Int(rng.next() % 20)) {
            let replica = replicas[Int(rng.next() % 2)]
            var op = try ConvergenceTests.randomOperation(replica, &rng)
            // Also give clips transitions and speeds.
            if rng.next() % 4 == 0, let c = try replica.project.view().tracks.flatMap(\.clips).first {
                let d = Fixture.f(Int64(1 + rng.next() % 4))
                op = .setClip(
                    SetClip(
                        clip: c.id, speed: rng.next() % 2 == 0 ? 0.5 : nil,
                        transitionIn: ClipTransition(kind: rng.next() % 2 == 0 ? "dissolve" : "wipe", duration: d, inOffset: Flicks(d.value / 3))))
            }
            if let op { _ = try? replica.project.apply([op], makeID: replica.makeID) }
        }
        try replicas[0].project.doc.applyUpdate(replicas[1].project.doc.encodeStateAsUpdate(), origin: "net")
        return replicas[0].project
    }

    @Test(arguments: Array(UInt64(1)...200))
    func exportThenImportChangesNothing(seed: UInt64) throws {
        let project = try Self.randomProject(seed: seed)
        let view = try project.view()
        let data = try view.otioTimeline().jsonData()
        let back = try ProjectDocument.importOTIO(try OTIOTimeline(jsonData: data))
        let diff = TimelineDiff(from: project, to: back)
        #expect(diff.isEmpty, "seed \(seed): \(diff.changes.map(\.summary))")
        #expect(try back.view() == view, "seed \(seed)")
    }

    @Test func exportsLoadInTheLibrary() throws {
        var kinds = Set<Conflict.Kind>()
        for seed in UInt64(1)...12 {
            let view = try Self.randomProject(seed: seed).view()
            kinds.formUnion(view.conflicts.map(\.kind))
            let tl = view.otioTimeline()
            let file = try OTIOPython.temporaryFile(try tl.jsonData())
            defer { try? FileManager.default.removeItem(at: file) }
            try OTIOModelTests.expectSameRanges(tl, try OTIOPython.ranges(of: file))
        }
        // Across the round-trip seeds, every kind of concurrency conflict occurs.
        for seed in UInt64(13)...80 { kinds.formUnion(try Self.randomProject(seed: seed).view().conflicts.map(\.kind)) }
        #expect(kinds.isSuperset(of: [.overlap, .missingTrack, .missingAsset]), "\(kinds)")
    }
}
