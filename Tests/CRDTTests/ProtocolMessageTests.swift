import CRDT
import Testing

/// y-protocols message codecs against vector 27 (sync exchange), vector 26 (awareness frames) and spec §9.
@Suite struct ProtocolMessageTests {
    @Test func syncExchangeFramesDecodeAndReencode() throws {
        let vector = try InteropVectors.load("27_sync_protocol_exchange.json")
        let frames = try vector.array("ws_frames")
        #expect(frames.count == 8)
        for frameValue in frames {
            let frame = try #require(frameValue.objectValue)
            let frameHex = try frame.string("frame_hex")
            let bytes = InteropHex.decode(frameHex)
            let decoded = try frame.object("decoded")
            let message = try ProtocolMessage.decode(bytes)
            #expect(message.encode() == bytes, "re-encoding \(frameHex)")
            #expect(message.messageType == UInt64(try #require(decoded["message_type"]?.int64Value)))
            switch message {
            case .sync(let sync):
                let payload = try decoded.bytes("payload_hex")
                let syncType = try #require(decoded["sync_type"]?.int64Value)
                switch sync {
                case .step1(let sv):
                    #expect(syncType == 0)
                    #expect(sv == payload)
                    #expect(try Self.stateVector(sv) == Self.stateVector(json: try decoded.object("payload_decoded")))
                case .step2(let update):
                    #expect(syncType == 1)
                    #expect(update == payload)
                case .update(let update):
                    #expect(syncType == 2)
                    #expect(update == payload)
                }
                #expect(sync.changesDocument == (syncType != 0))
            case .auth(.permissionDenied(let reason)):
                #expect(reason == (try decoded.string("reason")))
            case .queryAwareness:
                #expect(try decoded.string("message") == "query-awareness")
            default:
                Issue.record("unexpected message \(message)")
            }
        }
    }

    @Test func specExamples() throws {
        // §9.2: empty doc step1, up-to-date step2, relayed update.
        #expect(ProtocolMessage.sync(.step1(stateVector: [0])).encode() == [0, 0, 1, 0])
        #expect(ProtocolMessage.sync(.step2(update: [0, 0])).encode() == [0, 1, 2, 0, 0])
        let relayed = InteropHex.decode("00020c01010201440101033e3e2000")
        #expect(try ProtocolMessage.decode(relayed) == .sync(.update(InteropHex.decode("01010201440101033e3e2000"))))
        #expect(try ProtocolMessage.decode([0, 0, 3, 1, 1, 12]) == .sync(.step1(stateVector: [1, 1, 12])))
        // §9.5 and yrs' permission granted; §9.3 query awareness.
        #expect(ProtocolMessage.auth(.permissionDenied(reason: "no")).encode() == [2, 0, 2, 0x6E, 0x6F])
        #expect(try ProtocolMessage.decode([2, 1]) == .auth(.permissionGranted))
        #expect(ProtocolMessage.queryAwareness.encode() == [3])
    }

    @Test func awarenessFramesDecodeAndReencode() throws {
        let vector = try InteropVectors.load("26_awareness_update.json")
        for frameValue in try vector.array("ws_frames") {
            let frame = try #require(frameValue.objectValue)
            let bytes = try frame.bytes("frame_hex")
            let decoded = try frame.object("decoded")
            guard case .awareness(let update) = try ProtocolMessage.decode(bytes) else {
                Issue.record("not an awareness frame")
                continue
            }
            #expect(update.encode() == (try decoded.bytes("payload_hex")))
            #expect(ProtocolMessage.awareness(update).encode() == bytes)
            let expected = try decoded.array("payload_decoded")
            #expect(update.entries.count == expected.count)
            for (entry, e) in zip(update.entries, expected) {
                let o = try #require(e.objectValue)
                #expect(entry.clientID == UInt64(try #require(o["client_id"]?.int64Value)))
                #expect(entry.clock == UInt64(try #require(o["clock"]?.int64Value)))
                #expect(entry.stateJSON == (try o.string("state_json")))
            }
        }
    }

    @Test func twoDocumentsSyncThroughEncodedFrames() throws {
        let a = YDoc(clientID: 1)
        let b = YDoc(clientID: 2)
        a.getMap("m").set("title", "server doc")
        try a.getText("t").insert("shared text", at: 0)
        b.getMap("m").set("offline", true)
        // Each side sends step 1; each answers the other's with step 2 (all as wire frames).
        func deliver(_ message: SyncMessage, to doc: YDoc) throws -> SyncMessage? {
            guard case .sync(let decoded) = try ProtocolMessage.decode(ProtocolMessage.sync(message).encode()) else {
                Issue.record("not a sync frame")
                return nil
            }
            return try doc.handleSync(decoded)
        }
        let replyToA = try #require(try deliver(a.syncStep1(), to: b))
        let replyToB = try #require(try deliver(b.syncStep1(), to: a))
        #expect(try deliver(replyToA, to: a) == nil)
        #expect(try deliver(replyToB, to: b) == nil)
        #expect(a.stateVector == b.stateVector)
        #expect(a.getMap("m").toJSON().jsonEquals(["title": "server doc", "offline": true]))
        #expect(b.getMap("m").toJSON().jsonEquals(a.getMap("m").toJSON()))
        #expect(b.getText("t").toString() == "shared text")
        // Up to date: the step 2 answer is the empty update `00 00` (spec §9.2).
        #expect(try deliver(a.syncStep1(), to: b) == .step2(update: [0, 0]))
    }

    @Test func customMessagesKeepTheirPayload() throws {
        let frame: [UInt8] = [7, 1, 2, 3]
        let message = try ProtocolMessage.decode(frame)
        #expect(message == .custom(type: 7, payload: [1, 2, 3]))
        #expect(message.encode() == frame)
    }

    @Test func decodeAllReadsSeveralMessages() throws {
        var frame = ProtocolMessage.sync(.step1(stateVector: [0])).encode()
        frame += ProtocolMessage.queryAwareness.encode()
        frame += ProtocolMessage.sync(.update([0, 0])).encode()
        #expect(try ProtocolMessage.decodeAll(frame) == [.sync(.step1(stateVector: [0])), .queryAwareness, .sync(.update([0, 0]))])
        // One message per frame for decode(_:): the rest is an error.
        #expect(throws: CRDTError.malformedUpdate) { try ProtocolMessage.decode(frame) }
    }

    @Test(arguments: [
        ([], "UNEXPECTED_END"),
        ([0], "UNEXPECTED_END"),
        ([0, 3, 0], "MALFORMED_UPDATE"),  // unknown sync sub-type
        ([0, 0, 2, 1], "LENGTH_TOO_LARGE"),  // state vector claims more bytes than there are
        ([0, 0, 3, 1, 5], "LENGTH_TOO_LARGE"),
        ([0, 0, 3, 1, 5, 1, 0], "MALFORMED_UPDATE"),  // trailing byte after one message
        ([0, 0, 3, 2, 5, 1], "LENGTH_TOO_LARGE"),  // two state vector entries announced, one present
        ([0, 0, 4, 1, 5, 1, 9], "MALFORMED_UPDATE"),  // trailing byte inside the state vector
        ([0, 1, 5, 0, 0], "LENGTH_TOO_LARGE"),  // step2 payload shorter than its length
        ([0, 2, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F], "INTEGER_OUT_OF_RANGE"),
        ([1, 5, 1, 5, 1, 1, 0x7B], "INVALID_JSON"),  // awareness state "{"
        ([1, 4, 1, 5, 0x81, 0x01], "UNEXPECTED_END"),  // entry without its state
        ([1, 2, 9, 0], "LENGTH_TOO_LARGE"),  // 9 entries in 1 byte
        ([2, 5], "MALFORMED_UPDATE"),  // unknown auth sub-type
        ([2, 0, 3, 0x61], "LENGTH_TOO_LARGE"),
        ([3, 0], "MALFORMED_UPDATE"),  // query awareness has no payload
    ] as [([UInt8], String)])
    func malformedFramesGiveTypedErrors(frame: [UInt8], code: String) {
        do {
            _ = try ProtocolMessage.decode(frame)
            Issue.record("decoded malformed frame \(InteropHex.encode(frame))")
        } catch {
            #expect(error.code == code, "frame \(InteropHex.encode(frame)): \(error)")
        }
    }

    static func stateVector(_ bytes: [UInt8]) throws -> [UInt64: UInt64] {
        var d = Lib0Decoder(bytes)
        var sv: [UInt64: UInt64] = [:]
        for _ in 0..<(try d.readVarUInt()) {
            let client = try d.readVarUInt()
            sv[client] = try d.readVarUInt()
        }
        return sv
    }

    static func stateVector(json: YObject) throws -> [UInt64: UInt64] {
        var sv: [UInt64: UInt64] = [:]
        for (k, v) in json { sv[try #require(UInt64(k))] = UInt64(try #require(v.int64Value)) }
        return sv
    }
}
