import CRDT
import Testing

/// `Awareness` semantics (spec §9.4, y-protocols 1.0.x) against vector 26 and hand-made cases.
@Suite struct ProtocolAwarenessTests {
    static let alice: UInt64 = 12345

    static func updates() throws -> [[UInt8]] {
        let vector = try InteropVectors.load("26_awareness_update.json")
        return try vector.array("awareness_updates").map { try #require($0.objectValue).bytes("update_hex") }
    }

    @Test func vectorUpdatesDecodeAndReencodeByteForByte() throws {
        let vector = try InteropVectors.load("26_awareness_update.json")
        for value in try vector.array("awareness_updates") {
            let object = try #require(value.objectValue)
            let bytes = try object.bytes("update_hex")
            let update = try AwarenessUpdate.decode(bytes)
            #expect(update.encode() == bytes)
            let expected = try object.array("decoded")
            #expect(update.entries.count == expected.count)
            for (entry, e) in zip(update.entries, expected) {
                let o = try #require(e.objectValue)
                #expect(entry.clientID == Self.alice)
                #expect(entry.clock == UInt64(try #require(o["clock"]?.int64Value)))
                #expect(entry.stateJSON == (try o.string("state_json")))
                if let state = o["state"], state != .null {
                    #expect(entry.state == state)
                } else {
                    #expect(entry.state == nil)
                }
            }
        }
    }

    @Test func receiverFollowsVectorSequence() throws {
        let vector = try InteropVectors.load("26_awareness_update.json")
        let u = try Self.updates()
        var a = Awareness(clientID: 1, now: 0)
        #expect(a.localState == .object(YObject()))
        #expect(a.meta[1]?.clock == 0)

        let c1 = try a.apply(encoded: u[0], now: 1000)
        #expect(c1.added == [Self.alice] && c1.updated.isEmpty && c1.removed.isEmpty)
        let expectedStates = try vector.object("expected_remote_states_after_upd1")
        #expect(a.states[Self.alice] == expectedStates["12345"])
        #expect(a.meta[Self.alice] == Awareness.Meta(clock: 1, lastUpdated: 1000))

        let c2 = try a.apply(encoded: u[1], now: 2000)
        #expect(c2.updated == [Self.alice] && c2.changed == [Self.alice] && c2.added.isEmpty)
        #expect(a.states[Self.alice]?.objectValue?["cursor"] == ["anchor": 3, "head": 5])

        // Re-delivering an older update changes nothing.
        #expect(try a.apply(encoded: u[0], now: 2500).isEmpty)
        #expect(a.meta[Self.alice]?.clock == 2)

        let c3 = try a.apply(encoded: u[2], now: 3000)
        #expect(c3.removed == [Self.alice])
        #expect(a.states[Self.alice] == nil)
        #expect(a.meta[Self.alice] == Awareness.Meta(clock: 3, lastUpdated: 3000))
        // The same removal again: equal clock but no state left, so nothing happens.
        #expect(try a.apply(encoded: u[2], now: 3500).isEmpty)
    }

    @Test func equalClockRemovalIsAcceptedAndEqualClockStateIsNot() throws {
        var a = Awareness(clientID: 1, now: 0)
        a.apply(AwarenessUpdate(entries: [.init(clientID: 7, clock: 4, state: ["x": 1])]), now: 10)
        // Same clock with a state: ignored.
        #expect(a.apply(AwarenessUpdate(entries: [.init(clientID: 7, clock: 4, state: ["x": 2])]), now: 20).isEmpty)
        #expect(a.states[7] == ["x": 1])
        // Same clock with null: removal (what a server sends when a connection closes).
        let c = a.apply(AwarenessUpdate(entries: [.init(clientID: 7, clock: 4, state: nil)]), now: 30)
        #expect(c.removed == [7])
        #expect(a.states[7] == nil)
        // A newer state for a removed client that has meta is reported as updated (Yjs' rule).
        let back = a.apply(AwarenessUpdate(entries: [.init(clientID: 7, clock: 5, state: ["x": 3])]), now: 40)
        #expect(back.updated == [7] && back.changed == [7] && back.added.isEmpty)
    }

    @Test func unchangedContentIsUpdatedButNotChanged() throws {
        var a = Awareness(clientID: 1, now: 0)
        a.apply(AwarenessUpdate(entries: [.init(clientID: 9, clock: 1, state: ["n": 1, "s": "x"])]), now: 0)
        // Same content, different key order and number spelling: not a content change.
        let c = try a.apply(encoded: AwarenessUpdate(entries: [.init(clientID: 9, clock: 2, state: ["s": "x", "n": 1.0])]).encode(), now: 1)
        #expect(c.updated == [9])
        #expect(c.changed.isEmpty)
        #expect(!c.hasContentChange)
    }

    @Test func remoteRemovalOfOwnStateIsRefused() throws {
        var a = Awareness(clientID: 5, now: 0)
        a.setLocalState(["user": "me"], now: 1)
        #expect(a.meta[5]?.clock == 1)
        let c = a.apply(AwarenessUpdate(entries: [.init(clientID: 5, clock: 3, state: nil)]), now: 2)
        #expect(a.localState == ["user": "me"])
        #expect(a.meta[5]?.clock == 4)
        #expect(c.removed == [5])  // Yjs still reports it in `removed`.
        // The next broadcast carries clock 4 and overrides the removal at peers.
        #expect(a.encodeUpdate(clients: [5]).entries == [.init(clientID: 5, clock: 4, state: ["user": "me"])])
    }

    @Test func localStateLifecycle() throws {
        var a = Awareness(clientID: 5, now: 0)
        var c = a.setLocalState(["cursor": 1], now: 10)
        #expect(c.updated == [5] && c.changed == [5])
        c = a.setLocalStateField("name", "Ada", now: 11)
        #expect(a.localState == ["cursor": 1, "name": "Ada"])
        #expect(a.meta[5]?.clock == 2)
        c = a.setLocalState(nil, now: 12)
        #expect(c.removed == [5])
        #expect(a.encodeUpdate(clients: [5]).encode() == InteropHex.decode("010503046e756c6c"))
        #expect(a.setLocalStateField("x", 1, now: 13).isEmpty)
        c = a.setLocalState(["back": true], now: 14)
        #expect(c.added == [5])
    }

    @Test func outdatedStatesAreRemovedAfterTimeoutAndLocalStateRenewed() throws {
        var a = Awareness(clientID: 1, now: 0)
        a.apply(AwarenessUpdate(entries: [.init(clientID: 2, clock: 1, state: ["a": 1]), .init(clientID: 3, clock: 1, state: ["b": 1])]), now: 1_000)
        a.apply(AwarenessUpdate(entries: [.init(clientID: 3, clock: 2, state: ["b": 2])]), now: 20_000)
        // 29.999 s after client 2's last update: kept; the local state (0 ms) is older than 15 s: renewed.
        var (renewed, removed) = a.checkTimeouts(now: 30_999)
        #expect(renewed.updated == [1])
        #expect(a.meta[1] == Awareness.Meta(clock: 1, lastUpdated: 30_999))
        #expect(removed.isEmpty)
        (renewed, removed) = a.checkTimeouts(now: 31_000)
        #expect(renewed.isEmpty)
        #expect(removed.removed == [2])
        #expect(a.states[2] == nil && a.states[3] != nil)
        #expect(a.meta[2]?.clock == 1)  // meta is kept so that old updates stay ignored
        (_, removed) = a.checkTimeouts(now: 50_000)
        #expect(removed.removed == [3])
        // A custom timeout.
        var b = Awareness(clientID: 1, now: 0, outdatedTimeout: 1_000)
        b.apply(AwarenessUpdate(entries: [.init(clientID: 2, clock: 1, state: [:])]), now: 0)
        #expect(b.checkTimeouts(now: 999).removed.isEmpty)
        #expect(b.checkTimeouts(now: 1_000).removed.removed == [2])
    }

    @Test func removeStatesBumpsOwnClockAndReportsOnlyKnownStates() throws {
        var a = Awareness(clientID: 1, now: 0)
        a.apply(AwarenessUpdate(entries: [.init(clientID: 2, clock: 1, state: [:])]), now: 0)
        let c = a.removeStates([1, 2, 99], now: 5)
        #expect(c.removed == [1, 2])
        #expect(a.meta[1]?.clock == 1)
        #expect(a.meta[2]?.clock == 1)
        #expect(a.states.isEmpty)
        // Entries of removed clients are written as null with their last clock.
        #expect(a.encodeUpdate(clients: [2, 42]).entries == [.init(clientID: 2, clock: 1, state: nil)])
    }

    @Test func encodeAllStatesListsEveryKnownState() throws {
        var a = Awareness(clientID: 1, now: 0)
        a.apply(try AwarenessUpdate.decode(try Self.updates()[0]), now: 0)
        let all = a.encodeAllStates()
        #expect(all.entries.map(\.clientID) == [1, Self.alice])
        #expect(try AwarenessUpdate.decode(all.encode()) == all)
    }

    @Test func emptyStateTextIsARemoval() throws {
        // pycrdt reads an empty state string as null.
        let update = try AwarenessUpdate.decode([1, 7, 2, 0])
        #expect(update.entries == [.init(clientID: 7, clock: 2, state: nil)])
        #expect(update.encode() == [1, 7, 2, 4] + Array("null".utf8))
    }
}

extension ProtocolAwarenessTests {
    @Test func hugeClocksFromCodeDoNotOverflow() throws {
        var a = Awareness(clientID: 5, now: 0)
        a.apply(AwarenessUpdate(entries: [.init(clientID: 5, clock: .max, state: nil)]), now: 1)
        #expect(a.meta[5]?.clock == .max)
        #expect(a.localState != nil)
        a.setLocalState(["x": 1], now: 2)
        #expect(a.meta[5]?.clock == .max)
        #expect(a.removeStates([5], now: 3).removed == [5])
    }
}
