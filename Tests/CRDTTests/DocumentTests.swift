import CRDT
import Testing

/// Syncs two documents both ways.
func sync(_ a: YDoc, _ b: YDoc) throws {
    let ua = a.encodeStateAsUpdate(against: b.stateVector)
    let ub = b.encodeStateAsUpdate(against: a.stateVector)
    try b.applyUpdate(ua)
    try a.applyUpdate(ub)
}

@Suite struct DocumentTests {
    @Test func textEditingAndSync() throws {
        let a = YDoc(clientID: 1)
        let t = a.getText("t")
        try t.insert("Hello World", at: 0)
        try t.delete(at: 5, count: 6)
        try t.insert(", Yjs!", at: 5)
        try t.insert("😀", at: 0)
        #expect(t.toString() == "😀Hello, Yjs!")
        #expect(t.length == 13)
        let b = YDoc(clientID: 2)
        try b.applyUpdate(a.encodeStateAsUpdate())
        #expect(b.getText("t").toString() == "😀Hello, Yjs!")
        #expect(b.stateVector == a.stateVector)
        #expect(b.deleteSet == a.deleteSet)
    }

    @Test func mapAndArrayAndNestedTypes() throws {
        let a = YDoc(clientID: 7)
        let m = a.getMap("meta")
        m.set("name", "Trailer")
        m.set("rate", ["num": 24, "den": 1])
        m.set("bytes", .bytes([1, 2]))
        let clips = a.getMap("clips")
        let clip = clips.setMap("c1")
        clip.set("start", 0)
        clip.set("duration", .integer(705_600_000 * 10))
        let arr = a.getArray("list")
        try arr.insert(contentsOf: [1, "two", nil], at: 0)
        let inner = try arr.insertArray(at: 1)
        inner.append(true)
        #expect(arr.count == 4)
        #expect(arr.toJSON() == [1, [true], "two", nil])
        #expect(clips.get("c1")?.map?["duration"] == .integer(7_056_000_000))
        let b = YDoc(clientID: 8)
        try b.applyUpdate(a.encodeStateAsUpdate())
        #expect(b.toJSON().jsonString == a.toJSON().jsonString)
        #expect(b.getMap("meta")["bytes"] == .bytes([1, 2]))
        m.delete("name")
        #expect(m.keys == ["bytes", "rate"])
        #expect(m.has("name") == false)
    }

    @Test func outOfRangeEditsThrow() {
        let d = YDoc()
        #expect(throws: CRDTError.indexOutOfRange) { try d.getText("t").insert("x", at: 1) }
        #expect(throws: CRDTError.indexOutOfRange) { try d.getArray("a").delete(at: 0, count: 1) }
    }

    @Test func failedUpdateLeavesDocumentUnchanged() throws {
        let a = YDoc(clientID: 1)
        try a.getText("t").insert("abc", at: 0)
        let good = a.encodeStateAsUpdate()
        let b = YDoc(clientID: 2)
        try b.applyUpdate(good)
        let before = b.encodeStateAsUpdate()
        var fired = false
        b.onUpdate { _, _ in fired = true }
        // A valid struct followed by garbage: must be rejected as a whole.
        let other = YDoc(clientID: 3)
        try other.getText("t").insert("zzz", at: 0)
        var bad = other.encodeStateAsUpdate()
        bad.removeLast()
        bad.append(contentsOf: [0x05, 0xff])
        #expect(throws: CRDTError.self) { try b.applyUpdate(bad) }
        for cut in 0..<good.count - 1 {
            _ = try? b.applyUpdate(Array(good[..<cut]) + [0xff, 0xff])
        }
        #expect(b.encodeStateAsUpdate() == before)
        #expect(fired == false)
        #expect(b.getText("t").toString() == "abc")
    }

    @Test func concurrentEditsConverge() throws {
        var rng = SplitMix(seed: 42)
        for _ in 0..<30 {
            let docs = (1...3).map { YDoc(clientID: UInt64($0)) }
            for _ in 0..<20 {
                for d in docs {
                    let t = d.getText("t")
                    if t.length > 0 && rng.next() % 3 == 0 {
                        let at = Int(rng.next() % UInt64(t.length))
                        try t.delete(at: at, count: min(t.length - at, 1 + Int(rng.next() % 3)))
                    } else {
                        try t.insert(["a", "bc", "世", "😀", "xyz"][Int(rng.next() % 5)], at: Int(rng.next() % UInt64(t.length + 1)))
                    }
                    let a = d.getArray("a")
                    try a.insert(.integer(Int64(rng.next() % 100)), at: Int(rng.next() % UInt64(a.count + 1)))
                    d.getMap("m").set("k\(rng.next() % 3)", .integer(Int64(rng.next() % 10)))
                }
                // Random partial exchange.
                let i = Int(rng.next() % 3)
                let j = Int(rng.next() % 3)
                if i != j { try docs[j].applyUpdate(docs[i].encodeStateAsUpdate(against: docs[j].stateVector)) }
            }
            try sync(docs[0], docs[1])
            try sync(docs[1], docs[2])
            try sync(docs[0], docs[1])
            #expect(docs[0].toJSON() == docs[1].toJSON())
            #expect(docs[1].toJSON() == docs[2].toJSON())
            #expect(docs[0].encodeStateAsUpdate() == docs[2].encodeStateAsUpdate())
        }
    }

    @Test func incrementalUpdatesReplayInAnyOrder() throws {
        var rng = SplitMix(seed: 7)
        let a = YDoc(clientID: 10)
        var updates: [[UInt8]] = []
        a.onUpdate { u, _ in updates.append(u) }
        let t = a.getText("t")
        for _ in 0..<200 {
            if t.length > 2 && rng.next() % 4 == 0 {
                try t.delete(at: Int(rng.next() % UInt64(t.length - 1)), count: 1)
            } else {
                try t.insert("ab", at: Int(rng.next() % UInt64(t.length + 1)))
            }
        }
        let shuffled = updates.shuffled(using: &rng)
        let b = YDoc(clientID: 11)
        for u in shuffled { try b.applyUpdate(u) }
        #expect(b.getText("t").toString() == t.toString())
        #expect(!b.hasPendingStructs && !b.hasPendingDeletes)
    }

    @Test func gcCollectsDeletedContent() throws {
        let a = YDoc(clientID: 1)
        let t = a.getText("t")
        try t.insert(String(repeating: "x", count: 1000), at: 0)
        try t.delete(at: 0, count: 1000)
        let bytes = a.encodeStateAsUpdate()
        #expect(bytes.count < 20)
        let m = a.getMap("m")
        let nested = m.setArray("arr")
        inner: do { nested.append(contentsOf: [1, 2, 3]) }
        m.set("arr", "replaced")
        let b = YDoc()
        try b.applyUpdate(a.encodeStateAsUpdate())
        #expect(b.getMap("m").toJSON() == ["arr": "replaced"])
        // Without GC the deleted text is still there (for snapshots).
        let keep = YDoc(clientID: 2, gc: false)
        try keep.getText("t").insert("hello", at: 0)
        let snap = keep.snapshot()
        try keep.getText("t").delete(at: 0, count: 5)
        #expect(keep.getText("t").toString(at: snap) == "hello")
        #expect(keep.encodeStateAsUpdate().count > 10)
    }

    @Test func transactionsEmitOneUpdateWithOrigin() throws {
        let a = YDoc(clientID: 1)
        var got: [([UInt8], AnyHashable?)] = []
        a.onUpdate { u, o in got.append((u, o)) }
        a.transact(origin: "conn-1") {
            a.getMap("m").set("x", 1)
            a.getMap("m").set("y", 2)
            try? a.getText("t").insert("hi", at: 0)
        }
        #expect(got.count == 1)
        #expect(got.first?.1 == AnyHashable("conn-1"))
        let b = YDoc()
        try b.applyUpdate(got[0].0)
        #expect(b.getMap("m").toJSON() == ["x": 1, "y": 2])
        // Applying a known update changes nothing and emits nothing.
        var relayed = 0
        b.onUpdate { _, _ in relayed += 1 }
        try b.applyUpdate(got[0].0)
        #expect(relayed == 0)
    }

    @Test func observersReceiveEvents() throws {
        let a = YDoc(clientID: 1)
        let m = a.getMap("m")
        let t = a.getText("t")
        var keyEvents: [[String: YEvent.KeyAction]] = []
        var deltas: [[YDelta]] = []
        var deep: [[YEvent.PathElement]] = []
        m.observe { e in keyEvents.append(e.keys.mapValues(\.action)) }
        t.observe { e in deltas.append(e.delta) }
        m.set("a", 1)
        m.set("a", 2)
        m.delete("a")
        try t.insert("hello", at: 0)
        try t.delete(at: 1, count: 2)
        #expect(keyEvents == [["a": .add], ["a": .update], ["a": .delete]])
        #expect(deltas == [[.insert("hello")], [.retain(1), .delete(2)]])
        let inner = m.setMap("inner")
        m.observeDeep { events in deep.append(contentsOf: events.map(\.path)) }
        inner.set("z", true)
        #expect(deep == [[.key("inner")]])
        // Remote changes produce events too.
        let b = YDoc(clientID: 2)
        var remote: [YDelta] = []
        b.getText("t").observe { e in remote = e.delta }
        try b.applyUpdate(a.encodeStateAsUpdate())
        #expect(remote == [.insert("hlo")])
    }

    @Test func richTextFormatting() throws {
        let a = YDoc(clientID: 3)
        let t = a.getText("t")
        try t.insert("Hello world", at: 0)
        try t.format(at: 0, count: 5, attributes: ["bold": true])
        try t.insertEmbed(["image": "a.png"], at: 6)
        try t.insert("!", at: 12, attributes: ["italic": true])
        let expected: [YDelta] = [
            .insert("Hello", attributes: ["bold": true]), .insert(" "), .insert(["image": "a.png"]), .insert("world"),
            .insert("!", attributes: ["italic": true]),
        ]
        #expect(t.toDelta() == expected)
        let b = YDoc()
        try b.applyUpdate(a.encodeStateAsUpdate())
        #expect(b.getText("t").toDelta() == expected)
        let c = YDoc(clientID: 4)
        try c.getText("t").applyDelta(expected)
        #expect(c.getText("t").toDelta() == expected)
        #expect(c.getText("t").toString() == "Hello world!")
    }

    @Test func xmlTypes() throws {
        let a = YDoc(clientID: 5)
        let x = a.getXmlFragment("x")
        let p = try x.insertElement("P", at: 0)
        p.setAttribute("class", "intro")
        let text = try p.insertText(at: 0)
        try text.insert("Hello", at: 0)
        #expect(x.toString() == "<p class=\"intro\">Hello</p>")
        let b = YDoc()
        try b.applyUpdate(a.encodeStateAsUpdate())
        #expect(b.getXmlFragment("x").toString() == "<p class=\"intro\">Hello</p>")
    }

    @Test func surrogatePairSplitBecomesReplacementCharacters() throws {
        let a = YDoc(clientID: 1)
        let t = a.getText("t")
        try t.insert("a😀b", at: 0)
        // Insert between the two halves of the emoji (UTF-16 index 2), as a JS peer may do.
        try t.insert("X", at: 2)
        #expect(t.toString() == "a\u{FFFD}X\u{FFFD}b")
        #expect(t.length == 5)
    }

    @Test func updatesWithoutDocument() throws {
        let a = YDoc(clientID: 1)
        var updates: [[UInt8]] = []
        a.onUpdate { u, _ in updates.append(u) }
        for i in 0..<5 { try a.getArray("a").insert(.integer(Int64(i)), at: i) }
        try a.getArray("a").delete(at: 1, count: 2)
        let merged = try mergeUpdates(updates)
        let b = YDoc()
        try b.applyUpdate(merged)
        #expect(b.getArray("a").toJSON() == [0, 3, 4])
        #expect(try stateVectorFromUpdate(merged) == a.stateVector)
        #expect(try deleteSetFromUpdate(merged) == a.deleteSet)
        let diff = try diffUpdate(merged, against: StateVector([1: 3]))
        let c = YDoc()
        try c.applyUpdate(try diffUpdate(merged, against: StateVector()))
        #expect(c.getArray("a").toJSON() == [0, 3, 4])
        #expect(diff.count < merged.count)
    }
}

/// A small deterministic random generator for reproducible tests.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
