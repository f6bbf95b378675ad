@testable import CRDT
import Testing

@Suite struct StructListTests {
    /// Random inserts and removals mirrored in a plain array: every query must agree.
    @Test func matchesAPlainArray() {
        var rng = SplitMix(seed: 99)
        var list = StructList()
        var model: [(idx: Int32, clock: UInt64)] = []
        var next: Int32 = 0
        for step in 0..<20_000 {
            let r = rng.next() % 10
            if model.isEmpty || r < 4 {
                let clock = (model.last?.clock ?? 0) + 1 + rng.next() % 3
                list.append(next, clock: clock)
                model.append((next, clock))
            } else if r < 7 {
                // Insert between two neighbours (clocks stay sorted: use a fractional gap).
                let i = 1 + Int(rng.next() % UInt64(model.count))
                let lo = model[i - 1].clock
                let hi = i < model.count ? model[i].clock : lo + 2
                guard hi - lo > 1 else { continue }
                let clock = lo + 1
                list.insert(next, clock: clock, at: i)
                model.insert((next, clock), at: i)
            } else {
                let i = Int(rng.next() % UInt64(model.count))
                let k = min(model.count - 1, i + Int(rng.next() % 3))
                list.removeSubrange(i...k)
                model.removeSubrange(i...k)
            }
            next += 1
            if step % 997 == 0 || step == 19_999 {
                #expect(list.count == model.count)
                #expect(list.last == model.last?.idx)
                for (i, e) in model.enumerated() {
                    if list[i] != e.idx || list.clock(at: i) != e.clock {
                        Issue.record("mismatch at \(i)")
                        return
                    }
                    if i > 0 {
                        let (l, r) = list.pair(endingAt: i)
                        #expect(l == model[i - 1].idx && r == e.idx)
                    }
                    #expect(list.lastPosition(startingAtOrBefore: e.clock) == i)
                }
                var all: [Int32] = []
                list.forEach { all.append($0) }
                #expect(all == model.map(\.idx))
            }
        }
    }

    /// A long editing session (thousands of structs, splits and merges in the middle) stays
    /// consistent with a plain string model, locally and on a replica.
    @Test(arguments: [true, false])
    func longEditingSessionMatchesModel(gc: Bool) throws {
        var rng = SplitMix(seed: gc ? 5 : 6)
        let doc = YDoc(clientID: 1, gc: gc)
        var updates: [[UInt8]] = []
        doc.onUpdate { u, _ in updates.append(u) }
        let text = doc.getText("t")
        var model: [UInt16] = []
        for _ in 0..<6_000 {
            if !model.isEmpty && rng.next() % 3 == 0 {
                let at = Int(rng.next() % UInt64(model.count))
                let n = min(model.count - at, 1 + Int(rng.next() % 4))
                try text.delete(at: at, count: n)
                model.removeSubrange(at..<(at + n))
            } else {
                let at = Int(rng.next() % UInt64(model.count + 1))
                let s = ["a", "bc", "def", "x"][Int(rng.next() % 4)]
                try text.insert(s, at: at)
                model.insert(contentsOf: s.utf16, at: at)
            }
        }
        let expected = String(decoding: model, as: UTF16.self)
        #expect(text.toString() == expected)
        let replica = YDoc(clientID: 2, gc: gc)
        for u in updates { try replica.applyUpdate(u) }
        #expect(replica.getText("t").toString() == expected)
        let reloaded = YDoc(clientID: 3)
        try reloaded.applyUpdate(doc.encodeStateAsUpdate())
        #expect(reloaded.getText("t").toString() == expected)
        #expect(reloaded.stateVector == doc.stateVector)
    }
}
