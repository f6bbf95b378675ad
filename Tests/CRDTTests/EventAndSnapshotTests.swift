import CRDT
import Testing

@Suite struct EventAndSnapshotTests {
    @Test func arrayEventsCarryDeltas() throws {
        let doc = YDoc(clientID: 1)
        let a = doc.getArray("a")
        var deltas: [[YDelta]] = []
        let token = a.observe { deltas.append($0.delta) }
        try a.insert(contentsOf: [1, 2, 3], at: 0)
        try a.insert("x", at: 1)
        try a.delete(at: 2, count: 2)
        doc.transact {
            a.append(true)
            try? a.delete(at: 0, count: 1)
        }
        #expect(deltas.count == 4)
        #expect(deltas[0] == [.insert([1, 2, 3])])
        #expect(deltas[1] == [.retain(1), .insert(["x"])])
        #expect(deltas[2] == [.retain(2), .delete(2)])
        #expect(deltas[3] == [.delete(1), .retain(1), .insert([true])])
        doc.removeObserver(token)
        a.append(false)
        #expect(deltas.count == 4)
    }

    @Test func deepObserverPathsThroughArraysAndMaps() throws {
        let doc = YDoc(clientID: 1)
        let root = doc.getMap("root")
        let list = root.setArray("list")
        list.append(0)
        let inner = try list.insertMap(at: 1)
        var paths: [[YEvent.PathElement]] = []
        var origins: [AnyHashable?] = []
        root.observeDeep { events in
            for e in events {
                paths.append(e.path)
                origins.append(e.origin)
            }
        }
        doc.transact(origin: "me") { inner.set("k", "v") }
        #expect(paths == [[.key("list"), .index(1)]])
        #expect(origins.first == AnyHashable("me"))
        // A remote change is reported with isLocal == false.
        let other = YDoc(clientID: 2)
        try other.applyUpdate(doc.encodeStateAsUpdate())
        var remoteLocal: [Bool] = []
        other.getMap("root").observeDeep { events in remoteLocal.append(contentsOf: events.map(\.isLocal)) }
        try other.applyUpdate(doc.encodeStateAsUpdate())  // nothing new: no event
        doc.getMap("root").set("n", 1)
        try other.applyUpdate(doc.encodeStateAsUpdate(against: other.stateVector))
        #expect(remoteLocal == [false])
    }

    @Test func textEventsReportFormattingOfInsertedText() throws {
        let doc = YDoc(clientID: 1)
        let t = doc.getText("t")
        try t.insert("Hello", at: 0)
        var deltas: [[YDelta]] = []
        t.observe { deltas.append($0.delta) }
        try t.insert(" world", at: 5, attributes: ["bold": true])
        try t.insertEmbed(["image": "x.png"], at: 0)
        #expect(deltas[0] == [.retain(5), .insert(" world", attributes: ["bold": true])])
        #expect(deltas[1] == [.insert(["image": "x.png"])])
        // A remote peer sees the same.
        let other = YDoc(clientID: 2)
        var remote: [YDelta] = []
        other.getText("t").observe { remote = $0.delta }
        try other.applyUpdate(doc.encodeStateAsUpdate())
        #expect(remote == [.insert(["image": "x.png"]), .insert("Hello"), .insert(" world", attributes: ["bold": true])])
    }

    @Test func mapKeyEventsReportOldValues() throws {
        let doc = YDoc(clientID: 1)
        let m = doc.getMap("m")
        m.set("a", 1)
        var changes: [String: YEvent.KeyChange] = [:]
        m.observe { e in changes = e.keys }
        m.set("a", 2)
        #expect(changes["a"]?.action == .update)
        #expect(changes["a"]?.oldValue == 1)
        m.delete("a")
        #expect(changes["a"]?.action == .delete)
        #expect(changes["a"]?.oldValue == 2)
    }

    @Test func snapshotsOfMapsAndArraysWithSeveralClients() throws {
        let a = YDoc(clientID: 1, gc: false)
        let b = YDoc(clientID: 2, gc: false)
        a.getMap("m").set("x", 1)
        try a.getArray("l").insert(contentsOf: [1, 2, 3], at: 0)
        try b.applyUpdate(a.encodeStateAsUpdate())
        b.getMap("m").set("y", "b")
        try b.getArray("l").delete(at: 1, count: 1)
        try a.applyUpdate(b.encodeStateAsUpdate())
        let s1 = a.snapshot()
        a.getMap("m").set("x", 2)
        a.getMap("m").delete("y")
        try a.getArray("l").insert(9, at: 0)
        let s2 = a.snapshot()
        #expect(s1 != s2)
        #expect(try Snapshot(encoded: s1.encoded) == s1)
        #expect(a.getMap("m").toJSON(at: s1) == ["x": 1, "y": "b"])
        #expect(a.getArray("l").toJSON(at: s1) == [1, 3])
        #expect(a.getMap("m").toJSON(at: s2) == ["x": 2])
        #expect(a.getArray("l").toJSON(at: s2) == [9, 1, 3])
        let restored = try a.createDocFromSnapshot(s1)
        #expect(restored.getMap("m").toJSON() == ["x": 1, "y": "b"])
        #expect(restored.getArray("l").toJSON() == [1, 3])
        #expect(restored.stateVector == s1.stateVector)
        #expect(throws: CRDTError.invalidOperation) { try YDoc().createDocFromSnapshot(s1) }
    }

    @Test func clientIDCollisionPicksANewID() throws {
        let a = YDoc(clientID: 5)
        a.getMap("m").set("k", 1)
        let b = YDoc(clientID: 5)
        try b.applyUpdate(a.encodeStateAsUpdate())
        #expect(b.clientID != 5)
        b.getMap("m").set("k", 2)
        try a.applyUpdate(b.encodeStateAsUpdate(against: a.stateVector))
        #expect(a.getMap("m")["k"] == 2)
    }

    @Test func nestedTypeDeletionCollectsChildren() throws {
        let doc = YDoc(clientID: 1)
        let m = doc.getMap("m")
        let t = m.setText("note")
        try t.insert(String(repeating: "abc", count: 100), at: 0)
        let before = doc.encodeStateAsUpdate().count
        m.delete("note")
        let after = doc.encodeStateAsUpdate()
        #expect(after.count < before / 4)
        #expect(t.isDeleted)
        #expect(throws: CRDTError.invalidOperation) { try t.insert("x", at: 0) }
        let replica = YDoc()
        try replica.applyUpdate(after)
        #expect(replica.getMap("m").toJSON() == [:])
    }
}
