// libFuzzer entry point for the CRDT decoders (longer runs outside CI; see docs/fuzzing.md).
//
// Compiled together with Sources/CRDT into one module by Fuzz/run-fuzzer.sh, so it does not
// import CRDT. The first input byte picks the decoder, the rest is the input:
//   0 update: apply to a document; a failed apply must leave its encoded state unchanged
//   1 state vector   2 delete set   3 lib0 any   4 y-protocols message   5 awareness update
//   6 update operations without a document (merge, diff, state vector, delete set of an update)
//   7 v2 update: apply to a document (same invariant as 0)   8 snapshot
// A trap (including the invariant checks below) is a finding.

/// A document with some content, rebuilt for every input so runs are independent.
private func baseDocument() -> YDoc {
    let doc = YDoc(clientID: 1)
    // Vector 27's converged state: a map and a text from two clients.
    let seed: [UInt8] = [
        0x02, 0x02, 0x02, 0x00, 0x28, 0x01, 0x01, 0x6d, 0x07, 0x6f, 0x66, 0x66, 0x6c, 0x69, 0x6e, 0x65, 0x01, 0x78, 0x44, 0x01,
        0x01, 0x03, 0x3e, 0x3e, 0x20, 0x02, 0x01, 0x00, 0x28, 0x01, 0x01, 0x6d, 0x05, 0x74, 0x69, 0x74, 0x6c, 0x65, 0x01, 0x77,
        0x0a, 0x73, 0x65, 0x72, 0x76, 0x65, 0x72, 0x20, 0x64, 0x6f, 0x63, 0x04, 0x01, 0x01, 0x74, 0x0b, 0x73, 0x68, 0x61, 0x72,
        0x65, 0x64, 0x20, 0x74, 0x65, 0x78, 0x74, 0x00,
    ]
    try? doc.applyUpdate(seed)
    return doc
}

private func fuzzOne(_ input: [UInt8]) {
    guard let selector = input.first else { return }
    let body = Array(input.dropFirst())
    switch selector % 9 {
    case 0:
        let doc = baseDocument()
        let before = doc.encodeStateAsUpdate()
        do {
            try doc.applyUpdate(body)
            // Whatever was accepted must re-encode to something a fresh document accepts.
            let after = doc.encodeStateAsUpdate()
            let copy = YDoc(clientID: 2)
            do { try copy.applyUpdate(after) } catch { fatalError("re-encoded state rejected: \(error)") }
        } catch {
            if doc.encodeStateAsUpdate() != before { fatalError("a failed update changed the document") }
        }
    case 1:
        if let sv = try? StateVector(encoded: body) {
            if (try? StateVector(encoded: sv.encoded)) != sv { fatalError("state vector round trip") }
        }
    case 2:
        if let ds = try? DeleteSet(encoded: body) {
            _ = try? DeleteSet(encoded: ds.encoded)
        }
    case 3:
        var d = Lib0Decoder(body)
        if let value = try? d.readAny() {
            var e = Lib0Encoder()
            e.writeAny(value)
            var d2 = Lib0Decoder(e.bytes)
            if (try? d2.readAny()) == nil { fatalError("any round trip") }
        }
    case 4:
        if let message = try? ProtocolMessage.decode(body) {
            if (try? ProtocolMessage.decode(message.encode())) != message { fatalError("message round trip") }
        }
        _ = try? ProtocolMessage.decodeAll(body)
    case 5:
        var awareness = Awareness(clientID: 1, now: 0)
        _ = try? awareness.apply(encoded: body, now: 1)
    case 7:
        let doc = baseDocument()
        let before = doc.encodeStateAsUpdate()
        do {
            try doc.applyUpdateV2(body)
        } catch {
            if doc.encodeStateAsUpdate() != before { fatalError("a failed v2 update changed the document") }
        }
    case 8:
        if let snapshot = try? Snapshot(encoded: body) {
            if (try? Snapshot(encoded: snapshot.encoded)) == nil { fatalError("snapshot round trip") }
        }
    default:
        _ = try? Updates.stateVector(of: body)
        _ = try? Updates.deleteSet(of: body)
        _ = try? Updates.meta(of: body)
        if let merged = try? Updates.merge([body, body]) {
            _ = try? Updates.diff(merged, against: StateVector([1: 3]))
        }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func LLVMFuzzerTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    fuzzOne(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
