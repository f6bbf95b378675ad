import CRDT
import Testing

/// Text edits at raw UTF-16 positions, which can fall between the two halves of a surrogate pair
/// (Yjs allows it; spec §4.10), by Swift and Yjs replicas. Every replica must end with the same text
/// (lone surrogates read as U+FFFD on both sides) and the same state vector.
@Suite struct SurrogateInteropTests {
    static let fragments = ["😀", "👩‍👩‍👧", "🇫🇷", "a😀b", "𝄞", "世界", "x"]

    @Test func editsInsideSurrogatePairsConverge() throws {
        let js = try InteropHelper(.yjs)
        var splits = 0
        for seed in UInt64(1)...150 {
            var s = InteropScenario(seed: seed &+ 77_000)
            let a = SwiftReplica(clientID: 10)
            let b = SwiftReplica(clientID: 20)
            let c = try HelperReplica(helper: js, doc: "sur\(seed)", clientID: 15)
            let replicas: [any InteropReplica] = [a, b, c]
            var inbox: [[[UInt8]]] = [[], [], []]
            for _ in 0..<s.int(5...20) {
                let r = s.int(0...2)
                var op = YObject()
                op["r"] = "t"
                op["f"] = s.fraction()
                if s.chance(0.7) {
                    op["k"] = "tu"
                    op["s"] = .string(Self.fragments[s.int(0...(Self.fragments.count - 1))])
                } else {
                    op["k"] = "tdu"
                    op["n"] = .integer(Int64(s.int(1...3)))
                }
                for update in try replicas[r].edit([.object(op)]) {
                    for o in 0..<3 where o != r { inbox[o].append(update) }
                }
                if s.chance(0.5) {
                    let o = s.int(0...2)
                    if !inbox[o].isEmpty { try replicas[o].apply(inbox[o].remove(at: s.int(0...(inbox[o].count - 1)))) }
                }
            }
            for o in 0..<3 {
                inbox[o].shuffle(using: &s.rng)
                for m in inbox[o] { try replicas[o].apply(m) }
            }
            var roots = YObject()
            roots["t"] = "text"
            let texts = try replicas.map { try $0.json(roots) }
            #expect(texts[0].jsonEquals(texts[1]) && texts[0].jsonEquals(texts[2]), "seed \(seed): \(texts.map(\.jsonString))")
            let svs = try replicas.map { try StateVector(encoded: try $0.stateVector()) }
            #expect(svs[0] == svs[1] && svs[0] == svs[2], "seed \(seed)")
            if texts[2].jsonString.contains("\u{FFFD}") { splits += 1 }
            try c.free()
        }
        // The scenario must really split pairs.
        #expect(splits > 10)
    }
}
