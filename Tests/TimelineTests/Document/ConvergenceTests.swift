import CRDT
import Testing
import Timeline

/// Three replicas apply random operations concurrently and exchange updates in random order
/// (with partial syncs along the way). Afterwards every replica has the same view, no clip is
/// duplicated or lost, and every overlap and orphan is reported as a conflict.
@Suite struct ConvergenceTests {
    static let seeds: [UInt64] = Array(1...500)

    final class Replica {
        let project: ProjectDocument
        let name: String
        var outbox: [[UInt8]] = []
        var nextID = 0

        init(_ project: ProjectDocument, name: String) {
            self.project = project
            self.name = name
            project.doc.onUpdate { [unowned self] update, origin in
                if origin == nil { self.outbox.append(update) }
            }
        }

        func makeID() -> String {
            nextID += 1
            return "\(name)-\(nextID)"
        }
    }

    /// Clip ids created and removed across all replicas (by successful operations).
    struct Ledger {
        var created: Set<String> = []
        var removed: Set<String> = []
    }

    struct Stats {
        var applied = 0
        var rejected = 0
        var overlaps = 0
        var orphans = 0
        var missingAssets = 0
    }

    @Test(arguments: seeds)
    func replicasConverge(seed: UInt64) throws {
        _ = try Self.run(seed: seed)
    }

    /// The scenarios are not vacuous: across seeds, operations apply, get rejected, and leave
    /// every kind of concurrency conflict behind.
    @Test func scenariosExerciseConflicts() throws {
        var total = Stats()
        for seed in Self.seeds.prefix(150) {
            let s = try Self.run(seed: seed)
            total.applied += s.applied
            total.rejected += s.rejected
            total.overlaps += s.overlaps
            total.orphans += s.orphans
            total.missingAssets += s.missingAssets
        }
        #expect(total.applied > 1000)
        #expect(total.rejected > 100)
        #expect(total.overlaps > 10)
        #expect(total.orphans > 0)
        #expect(total.missingAssets > 0)
    }

    static func run(seed: UInt64) throws -> Stats {
        var stats = Stats()
        var rng = SeededRandom(seed: seed)
        let base = try Fixture.project(clientID: 1000)
        try base.apply([
            .addClip(AddClip(id: "c0", track: "v1", asset: "vid", start: Fixture.f(0), duration: Fixture.f(48))),
            .addClip(AddClip(id: "c1", track: "v1", asset: "vid", start: Fixture.f(60), duration: Fixture.f(48))),
            .addClip(AddClip(id: "c2", track: "a1", asset: "snd", start: Fixture.f(0), duration: Fixture.f(100))),
        ])
        let snapshot = base.doc.encodeStateAsUpdate()
        var replicas: [Replica] = []
        for i in 0..<3 {
            let doc = YDoc(clientID: UInt64(i + 1))
            try doc.applyUpdate(snapshot, origin: "load")
            replicas.append(Replica(ProjectDocument(doc: doc), name: "r\(i)"))
        }
        var ledger = Ledger(created: ["c0", "c1", "c2"])
        // In-flight updates: (to replica, bytes).
        var network: [(to: Int, update: [UInt8])] = []

        let steps = 8 + Int(rng.next() % 16)
        for _ in 0..<steps {
            let r = Int(rng.next() % 3)
            let replica = replicas[r]
            if let op = try Self.randomOperation(replica, &rng) {
                let view = try replica.project.view()
                do {
                    let result = try replica.project.apply([op], makeID: replica.makeID)[0]
                    Self.record(op, result, view, &ledger)
                    stats.applied += 1
                    // The state cached after an edit equals a fresh read of the document.
                    #expect(replica.project.state() == TimelineState(doc: replica.project.doc), "seed \(seed)")
                } catch {
                    stats.rejected += 1
                    // Rejected operations are fine (and change nothing); validation has its own tests.
                }
            }
            for u in replica.outbox {
                for other in 0..<3 where other != r { network.append((other, u)) }
            }
            replica.outbox.removeAll()
            // Sometimes deliver a random subset of in-flight updates, in random order.
            if rng.next() % 3 == 0, !network.isEmpty {
                network.shuffle(using: &rng)
                let n = Int(rng.next() % UInt64(network.count + 1))
                for m in network.prefix(n) { try replicas[m.to].project.doc.applyUpdate(m.update, origin: "net") }
                network.removeFirst(n)
            }
        }
        network.shuffle(using: &rng)
        for m in network { try replicas[m.to].project.doc.applyUpdate(m.update, origin: "net") }

        let views = try replicas.map { try $0.project.view() }
        #expect(views[0] == views[1], "seed \(seed): r0 and r1 differ")
        #expect(views[0] == views[2], "seed \(seed): r0 and r2 differ")
        #expect(!replicas.contains { $0.project.doc.hasPendingStructs }, "seed \(seed): pending structs")

        let v = views[0]
        let placed = v.tracks.flatMap { $0.clips.map(\.id) } + v.orphanClips.map(\.id)
        #expect(Set(placed).count == placed.count, "seed \(seed): a clip appears twice")
        #expect(Set(placed) == ledger.created.subtracting(ledger.removed), "seed \(seed): clips lost or resurrected")

        // Every intersecting pair on a track is reported, and nothing else is.
        var expected: Set<[String]> = []
        for t in v.tracks {
            for a in t.clips {
                for b in t.clips where a.id < b.id && a.start < b.end && b.start < a.end { expected.insert([a.id, b.id]) }
            }
        }
        let reported = Set(v.conflicts.filter { $0.kind == .overlap }.map { $0.ids.sorted() })
        #expect(reported == expected, "seed \(seed): overlaps")
        #expect(Set(v.conflicts.filter { $0.kind == .missingTrack }.flatMap(\.ids)) == Set(v.orphanClips.map(\.id)))
        let assetIDs = Set(v.assets.map(\.id))
        let missingAsset = Set(placed.filter { id in v.clip(id).map { !assetIDs.contains($0.asset) } ?? false })
        #expect(Set(v.conflicts.filter { $0.kind == .missingAsset }.flatMap(\.ids)) == missingAsset)
        stats.overlaps = reported.count
        stats.orphans = v.orphanClips.count
        stats.missingAssets = missingAsset.count
        return stats
    }

    static func record(_ op: EditOperation, _ result: OperationResult, _ before: TimelineView, _ ledger: inout Ledger) {
        switch op {
        case .addClip, .splitClip: ledger.created.formUnion(result.created)
        case .removeClip(let o): ledger.removed.insert(o.clip)
        case .rippleDelete(let o): if case .clip(let c) = o.target { ledger.removed.insert(c) }
        case .removeTrack(let o): ledger.removed.formUnion(before.track(o.track)?.clips.map(\.id) ?? [])
        default: break
        }
    }

    static func randomOperation(_ replica: Replica, _ rng: inout SeededRandom) throws -> EditOperation? {
        let v = try replica.project.view()
        let f = Fixture.f
        func pick<T>(_ a: [T]) -> T? { a.isEmpty ? nil : a[Int(rng.next() % UInt64(a.count))] }
        let clips = v.tracks.flatMap(\.clips)
        let tracks = v.tracks.map(\.id)
        func frame() -> Flicks { f(Int64(rng.next() % 200)) }
        switch rng.next() % 15 {
        case 14:
            return .updateProject(UpdateProject(name: "name \(rng.next() % 5)", width: Int64(1 + rng.next() % 4000)))
        case 0, 1:
            guard let t = pick(v.tracks) else { return nil }
            let asset = t.record.kind == .video ? "vid" : "snd"
            return .addClip(AddClip(track: t.id, asset: asset, start: frame(), duration: f(Int64(1 + rng.next() % 40))))
        case 2, 3:
            guard let c = pick(clips) else { return nil }
            return .moveClip(MoveClip(clip: c.id, track: rng.next() % 2 == 0 ? pick(tracks) : nil, start: frame()))
        case 4:
            guard let c = pick(clips) else { return nil }
            return .trimClip(TrimClip(clip: c.id, start: rng.next() % 2 == 0 ? c.start + f(1) : nil, duration: f(Int64(1 + rng.next() % 60))))
        case 5:
            guard let c = pick(clips), c.duration > f(1) else { return nil }
            return .splitClip(SplitClip(clip: c.id, at: c.start + f(1)))
        case 6:
            guard let c = pick(clips) else { return nil }
            return .removeClip(RemoveClip(clip: c.id))
        case 7:
            guard let c = pick(clips) else { return nil }
            return .rippleDelete(RippleDelete(.clip(c.id)))
        case 8:
            guard let c = pick(clips) else { return nil }
            return .setClip(SetClip(clip: c.id, gain: Double(rng.next() % 4), opacity: 0.5))
        case 9:
            return .addTrack(AddTrack(kind: rng.next() % 2 == 0 ? .video : .audio, after: pick(tracks)))
        case 10:
            guard let t = pick(tracks) else { return nil }
            return .moveTrack(MoveTrack(track: t, after: pick(tracks.filter { $0 != t })))
        case 11:
            guard tracks.count > 2, let t = pick(tracks) else { return nil }
            return .removeTrack(RemoveTrack(track: t))
        case 12:
            return .addMarker(AddMarker(time: frame(), label: "m"))
        default:
            // Remove an asset no clip uses here (another replica may still be adding a clip of it).
            guard let a = pick(v.assets.filter { a in !clips.contains { $0.asset == a.id } }) else {
                return .addAsset(AddAsset(asset: AssetRecord(id: "", kind: .video, duration: f(500))))
            }
            return .removeAsset(RemoveAsset(asset: a.id))
        }
    }
}
