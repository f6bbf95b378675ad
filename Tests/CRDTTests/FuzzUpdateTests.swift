import CRDT
import Foundation
import Testing

/// CI fuzzing of the update decoders (see docs/fuzzing.md): `FuzzMutator.iterations` mutated and
/// random inputs each. Applying must return or throw a `CRDTError`; a failed apply must leave the
/// document byte-identical (its encoded state, pending structs included); an accepted update must
/// leave a state that a fresh document accepts.
@Suite struct FuzzUpdateTests {
    /// A document with concurrent text, array and map content from three clients (vector 10).
    static func baseState() throws -> [UInt8] {
        try InteropVectors.load("10_fuzz_3_clients_rounds.json").bytes("update_hex")
    }

    @Test(arguments: [UInt64(0x5EED_0001), 0x5EED_0002])
    func applyNeverTrapsAndFailedApplyChangesNothing(seed: UInt64) throws {
        let base = try Self.baseState()
        var mutator = FuzzMutator(seed: seed, corpus: try FuzzCorpus.updates())
        var doc = YDoc(clientID: 77)
        try doc.applyUpdate(base)
        var accepted = 0
        var rejected = 0
        // Two seeds share the work: together they make FuzzMutator.iterations inputs.
        for _ in 0..<(FuzzMutator.iterations / 2) {
            let input = mutator.next()
            let before = doc.encodeStateAsUpdate()
            do {
                try doc.applyUpdate(input)
                accepted += 1
                let after = doc.encodeStateAsUpdate()
                let copy = YDoc(clientID: 78)
                try copy.applyUpdate(after)
                // With pending structs the merged output may integrate differently in a fresh
                // document (Yjs behaves the same), so compare only fully integrated states.
                if !doc.hasPendingStructs && !doc.hasPendingDeletes {
                    #expect(copy.stateVector == doc.stateVector, "input \(InteropHex.encode(input))")
                }
                // Start again from the base so the document stays small.
                doc = YDoc(clientID: 77)
                try doc.applyUpdate(base)
            } catch {
                rejected += 1
                let after = doc.encodeStateAsUpdate()
                #expect(after == before, "failed apply of \(InteropHex.encode(input)) (\(error)) changed the document")
                if after != before { return }
            }
        }
        #expect(accepted > 100)
        #expect(rejected > 100)
    }

    /// Found by the fuzz test (fixed in the engine): a delete set whose range end passes 2^53 − 1
    /// was rejected only after its in-range part had been applied.
    @Test func rejectedDeleteSetLeavesDocumentUnchanged() throws {
        let doc = YDoc(clientID: 77)
        try doc.applyUpdate(try Self.baseState())
        let before = doc.encodeStateAsUpdate()
        // No structs; delete set: client 7, one range from clock 1 with length 2^53 − 1.
        for hex in ["0001070101ffffffffffffff0f", "01010a6400c40001070101ffffffffffffff0f"] {
            do {
                try doc.applyUpdate(InteropHex.decode(hex))
                Issue.record("an out-of-range delete set was accepted")
            } catch {
                #expect(error.code == "INTEGER_OUT_OF_RANGE")
                #expect(doc.encodeStateAsUpdate() == before)
            }
        }
    }

    @Test func stateVectorAndDeleteSetDecodersNeverTrap() throws {
        var corpus = try FuzzCorpus.stateVectors()
        corpus += try FuzzCorpus.snapshots()
        var mutator = FuzzMutator(seed: 0x5E7, corpus: corpus)
        var accepted = 0
        for _ in 0..<FuzzMutator.iterations {
            let input = mutator.next()
            if let sv = try? StateVector(encoded: input) {
                accepted += 1
                #expect(try StateVector(encoded: sv.encoded) == sv)
            }
            if let ds = try? DeleteSet(encoded: input) {
                accepted += 1
                let again = try DeleteSet(encoded: ds.encoded)
                #expect(again.encoded == ds.encoded)
            }
        }
        #expect(accepted > 1000)
    }

    @Test func updateOperationsWithoutDocumentNeverTrap() throws {
        let corpus = try FuzzCorpus.updates()
        var mutator = FuzzMutator(seed: 0x0DD, corpus: corpus)
        var accepted = 0
        for i in 0..<FuzzMutator.iterations {
            let input = mutator.next()
            guard let sv = try? Updates.stateVector(of: input) else { continue }
            accepted += 1
            _ = try? Updates.deleteSet(of: input)
            _ = try? Updates.meta(of: input)
            // Merging and diffing are heavier: every 4th accepted input.
            if i % 4 == 0, let merged = try? Updates.merge([input, corpus[i % corpus.count]]) {
                _ = try? Updates.diff(merged, against: sv)
            }
        }
        #expect(accepted > 1000)
    }
}

/// CI fuzzing of the v2 update decoder and the snapshot decoder (same rules as ``FuzzUpdateTests``).
@Suite struct FuzzUpdateV2Tests {
    /// v2 updates: the Yjs-made ones in `VectorsV2/` and every v1 vector converted to v2.
    static func corpus() throws -> [[UInt8]] {
        var out: [[UInt8]] = []
        let url = InteropVectors.directory.deletingLastPathComponent().appendingPathComponent("VectorsV2/yjs_13.5.43_v2.json")
        if let data = FileManager.default.contents(atPath: url.path),
            let cases = try YAny(jsonString: String(decoding: data, as: UTF8.self)).arrayValue
        {
            for c in cases {
                for key in ["v2_hex", "v1_to_v2_hex"] {
                    if let hex = c.objectValue?[key]?.stringValue { out.append(InteropHex.decode(hex)) }
                }
            }
        }
        for v1 in try FuzzCorpus.updates() {
            if let v2 = try? Updates.convertV1ToV2(v1) { out.append(v2) }
        }
        return out
    }

    @Test func applyV2NeverTrapsAndFailedApplyChangesNothing() throws {
        let corpus = try Self.corpus()
        #expect(corpus.count > 50)
        let base = try FuzzUpdateTests.baseState()
        var mutator = FuzzMutator(seed: 0x0002, corpus: corpus)
        var doc = YDoc(clientID: 77)
        try doc.applyUpdate(base)
        var accepted = 0
        var rejected = 0
        for _ in 0..<FuzzMutator.iterations {
            let input = mutator.next()
            let before = doc.encodeStateAsUpdate()
            do {
                try doc.applyUpdateV2(input)
                accepted += 1
                doc = YDoc(clientID: 77)
                try doc.applyUpdate(base)
            } catch {
                rejected += 1
                let after = doc.encodeStateAsUpdate()
                #expect(after == before, "failed v2 apply of \(InteropHex.encode(input)) (\(error)) changed the document")
                if after != before { return }
            }
        }
        #expect(accepted > 100)
        #expect(rejected > 100)
    }

    @Test func snapshotDecoderNeverTraps() throws {
        var mutator = FuzzMutator(seed: 0x5AA, corpus: try FuzzCorpus.snapshots() + FuzzCorpus.stateVectors())
        var accepted = 0
        for _ in 0..<FuzzMutator.iterations {
            if (try? Snapshot(encoded: mutator.next())) != nil { accepted += 1 }
        }
        #expect(accepted > 1000)
    }
}
