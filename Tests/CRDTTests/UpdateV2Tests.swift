import CRDT
import Foundation
import Testing

/// Update format v2 against updates made by the reference Yjs (Debian node-yjs 13.5.43;
/// regenerate with `NODE_PATH=/usr/share/nodejs node VectorsV2/make_v2_vectors.cjs`).
@Suite struct UpdateV2Tests {
    static func cases() throws -> [YObject] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("VectorsV2/yjs_13.5.43_v2.json")
        let text = String(decoding: try Data(contentsOf: url), as: UTF8.self)
        return (try YAny(jsonString: text).arrayValue ?? []).compactMap(\.objectValue)
    }

    @Test func conversionsAreByteIdenticalToYjs() throws {
        let cases = try Self.cases()
        #expect(cases.count == 5)
        for c in cases {
            let name = c["name"]?.stringValue ?? "?"
            let v1 = VectorSupport.bytes(c["v1_hex"])
            let v2 = VectorSupport.bytes(c["v2_hex"])
            #expect(hex(try Updates.convertV1ToV2(v1)) == c["v1_to_v2_hex"]?.stringValue, "\(name) v1→v2")
            #expect(hex(try Updates.convertV2ToV1(v2)) == c["v2_to_v1_hex"]?.stringValue, "\(name) v2→v1")
        }
    }

    @Test func applyAndEncodeV2() throws {
        for c in try Self.cases() {
            let name = c["name"]?.stringValue ?? "?"
            let roots = c["roots"]?.objectValue ?? YObject()
            let expected = VectorSupport.canonical(c["expected_json"] ?? .null)
            let doc = YDoc(clientID: 99)
            try doc.applyUpdateV2(VectorSupport.bytes(c["v2_hex"]))
            #expect(VectorSupport.render(doc, rootTypes: roots) == expected, "\(name)")
            let fromV1 = YDoc(clientID: 98)
            try fromV1.applyUpdate(VectorSupport.bytes(c["v1_hex"]))
            #expect(fromV1.encodeStateAsUpdate() == doc.encodeStateAsUpdate(), "\(name)")
            #expect(hex(doc.encodeStateAsUpdateV2()) == c["v2_hex"]?.stringValue, "\(name) re-encoded v2")
            let again = YDoc()
            try again.applyUpdateV2(doc.encodeStateAsUpdateV2(against: StateVector()))
            #expect(VectorSupport.render(again, rootTypes: roots) == expected, "\(name) round trip")
        }
    }

    @Test func malformedV2IsRejectedWithoutChanges() throws {
        let doc = YDoc(clientID: 1)
        try doc.getText("t").insert("hello", at: 0)
        let v2 = VectorSupport.bytes(try Self.cases()[0]["v2_hex"])
        var rejected = 0
        for cut in 0..<v2.count {
            let before = doc.encodeStateAsUpdate()
            do {
                try doc.applyUpdateV2(Array(v2[..<cut]) + [0xff])
            } catch {
                rejected += 1
                #expect(doc.encodeStateAsUpdate() == before, "cut \(cut)")
            }
        }
        #expect(rejected > v2.count / 2)
        #expect(throws: CRDTError.self) { try YDoc().applyUpdateV2([0x00, 0x05]) }
    }
}
