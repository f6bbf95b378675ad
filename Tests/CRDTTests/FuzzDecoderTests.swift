import CRDT
import Testing

/// CI fuzzing of every decoder that reads untrusted bytes: `FuzzMutator.iterations` (100 000 by
/// default) mutated and random inputs each. A decoder must return a value or throw a `CRDTError`;
/// a trap fails the run. Successfully decoded inputs must re-encode to something that decodes to
/// the same value (round-trip stability).
@Suite struct FuzzDecoderTests {
    @Test func lib0AnyNeverTraps() throws {
        var mutator = FuzzMutator(seed: 0xA11, corpus: FuzzCorpus.anyValues())
        var accepted = 0
        for _ in 0..<FuzzMutator.iterations {
            let input = mutator.next()
            var d = Lib0Decoder(input)
            guard let value = try? d.readAny() else { continue }
            accepted += 1
            // Encoding is stable: encode(decode(encode(v))) == encode(v) (NaN-safe, unlike ==).
            var e1 = Lib0Encoder()
            e1.writeAny(value)
            var d2 = Lib0Decoder(e1.bytes)
            let again = try d2.readAny()
            var e2 = Lib0Encoder()
            e2.writeAny(again)
            #expect(e1.bytes == e2.bytes, "input \(InteropHex.encode(input))")
            #expect(d2.isAtEnd)
        }
        #expect(accepted > FuzzMutator.iterations / 20)
    }

    @Test func protocolMessagesNeverTrap() throws {
        var corpus = try FuzzCorpus.frames()
        corpus += [ProtocolMessage.auth(.permissionGranted).encode(), ProtocolMessage.custom(type: 9, payload: [1, 2]).encode()]
        var mutator = FuzzMutator(seed: 0xF4A, corpus: corpus)
        var accepted = 0
        var rejectedCodes = Set<String>()
        for _ in 0..<FuzzMutator.iterations {
            let input = mutator.next()
            do {
                let message = try ProtocolMessage.decode(input)
                accepted += 1
                let bytes = message.encode()
                #expect(try ProtocolMessage.decode(bytes) == message, "input \(InteropHex.encode(input))")
                _ = try? ProtocolMessage.decodeAll(input + input)
            } catch {
                rejectedCodes.insert(error.code)
            }
        }
        #expect(accepted > 1000)
        #expect(rejectedCodes.isSuperset(of: ["UNEXPECTED_END", "LENGTH_TOO_LARGE", "MALFORMED_UPDATE"]))
    }

    @Test func awarenessUpdatesNeverTrapAndApplyCleanly() throws {
        let corpus = try FuzzCorpus.awarenessUpdates()
        #expect(corpus.count >= 5)
        var mutator = FuzzMutator(seed: 0xAAA, corpus: corpus)
        var awareness = Awareness(clientID: 12345, now: 0)
        var accepted = 0
        for i in 0..<FuzzMutator.iterations {
            let input = mutator.next()
            let before = awareness.states
            let beforeMeta = awareness.meta
            do {
                let update = try AwarenessUpdate.decode(input)
                accepted += 1
                #expect(try AwarenessUpdate.decode(update.encode()) == update)
                awareness.apply(update, now: UInt64(i))
            } catch {
                // A rejected update changes nothing.
                #expect(awareness.states == before && awareness.meta == beforeMeta)
                #expect(throws: CRDTError.self) { try awareness.apply(encoded: input, now: UInt64(i)) }
            }
        }
        #expect(accepted > 1000)
    }
}
