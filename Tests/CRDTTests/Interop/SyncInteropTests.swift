import CRDT
import Testing

/// The y-protocols sync handshake between a Swift document and a Yjs (y-protocols) or pycrdt
/// (its `_sync` codec) document, frame by frame: each side's step 1 is answered by the other's
/// step 2, then incremental updates flow both ways. Every frame the peer writes must decode in
/// Swift and re-encode to the same bytes.
@Suite(.serialized) struct SyncInteropTests {
    static func decodePeerFrame(_ frame: [UInt8]) throws -> SyncMessage {
        let message = try ProtocolMessage.decode(frame)
        #expect(message.encode() == frame, "peer frame \(InteropHex.encode(frame)) re-encodes differently")
        guard case .sync(let sync) = message else { throw InteropFailure("not a sync frame") }
        return sync
    }

    @Test(arguments: InteropHelper.Kind.allCases)
    func handshakeAndUpdates(with kind: InteropHelper.Kind) throws {
        let helper = try InteropHelper(kind)
        var frames = 0
        for seed in UInt64(1)...60 {
            var s = InteropScenario(seed: seed)
            let swift = SwiftReplica(clientID: s.clientID(avoiding: []))
            let peer = try HelperReplica(helper: helper, doc: "sync\(seed)", clientID: s.clientID(avoiding: [swift.doc.clientID]))
            // Both sides edit offline.
            for _ in 0..<s.int(0...6) { _ = try swift.edit([s.op()]) }
            for _ in 0..<s.int(0...6) { _ = try peer.edit([s.op()]) }

            // Peer → Swift: the peer's step 1, Swift answers with step 2, the peer applies it.
            let peerStep1 = try Self.decodePeerFrame(try helper.call(["cmd": "sync_step1", "doc": .string(peer.doc)]).bytes("frame"))
            guard case .step1 = peerStep1 else { throw InteropFailure("step 1 expected") }
            let reply = try #require(try swift.doc.handleSync(peerStep1))
            let noReply = try helper.call(["cmd": "sync_read", "doc": .string(peer.doc), "frame": .string(InteropHex.encode(ProtocolMessage.sync(reply).encode()))])
            #expect(noReply["reply"] == .null)

            // Swift → peer: Swift's step 1, the peer answers with its step 2, Swift applies it.
            let answer = try helper.call(["cmd": "sync_read", "doc": .string(peer.doc), "frame": .string(InteropHex.encode(ProtocolMessage.sync(swift.doc.syncStep1()).encode()))])
            let step2 = try Self.decodePeerFrame(InteropHex.decode(try answer.string("reply")))
            guard case .step2 = step2 else { throw InteropFailure("step 2 expected") }
            #expect(try swift.doc.handleSync(step2) == nil)
            frames += 4
            #expect(try swift.json(InteropScenario.roots).jsonEquals(try peer.json(InteropScenario.roots)), "seed \(seed) after handshake")

            // Live updates both ways, wrapped in sync update frames.
            for _ in 0..<s.int(1...8) {
                if s.chance(0.5) {
                    for update in try swift.edit([s.op()]) {
                        let frame = ProtocolMessage.sync(.update(update)).encode()
                        try helper.call(["cmd": "sync_read", "doc": .string(peer.doc), "frame": .string(InteropHex.encode(frame))])
                        frames += 1
                    }
                } else {
                    for update in try peer.edit([s.op()]) {
                        let frame = try helper.call(["cmd": "sync_update", "update": .string(InteropHex.encode(update))]).bytes("frame")
                        let message = try Self.decodePeerFrame(frame)
                        #expect(message == .update(update))
                        try swift.doc.handleSync(message)
                        frames += 1
                    }
                }
            }
            #expect(try swift.json(InteropScenario.roots).jsonEquals(try peer.json(InteropScenario.roots)), "seed \(seed) after updates")
            #expect(swift.doc.stateVector == (try StateVector(encoded: try peer.stateVector())), "seed \(seed)")
            try peer.free()
        }
        #expect(frames > 300)
    }

    @Test func malformedStep1IsRejectedWithoutReply() throws {
        let doc = YDoc(clientID: 1)
        try doc.getText("t").insert("hi", at: 0)
        #expect(throws: CRDTError.self) { try doc.handleSync(.step1(stateVector: [2, 1])) }
        let before = doc.encodeStateAsUpdate()
        #expect(throws: CRDTError.self) { try doc.handleSync(.update([1, 1, 5])) }
        #expect(doc.encodeStateAsUpdate() == before)
    }
}
