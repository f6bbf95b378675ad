import CRDT
import Testing

/// Checks the interop machinery itself: both helpers run, and pycrdt and Yjs replicas converge
/// with each other under the random scenarios (so a divergence with Swift is Swift's fault).
@Suite(.serialized) struct InteropHarnessTests {
    @Test func helpersConvergeWithEachOther() throws {
        let py = try InteropHelper(.pycrdt)
        let js = try InteropHelper(.yjs)
        var stats = DifferentialRun.Stats()
        for seed in UInt64(1)...60 {
            let run = DifferentialRun(
                seed: seed,
                kinds: [.pycrdt, .yjs],
                makeReplica: { kind, id, doc in
                    try HelperReplica(helper: kind == .yjs ? js : py, doc: doc, clientID: id)
                },
                load: { kind, state in
                    try (kind == .yjs ? js : py).load(state, roots: InteropScenario.roots).json
                }
            )
            try run.run(stats: &stats)
            try py.call(["cmd": "reset"])
            try js.call(["cmd": "reset"])
        }
        #expect(stats.edits > 500)
        #expect(stats.crossLoads > 300)
        print("interop harness: \(stats)")
    }
}
