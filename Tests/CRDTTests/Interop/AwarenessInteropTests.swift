import CRDT
import Testing

/// `Awareness` against the reference y-protocols `Awareness` (Yjs) in the node helper: random
/// sequences of local changes, remote updates (newer, equal and older clocks, removals, removal of
/// our own state), explicit removals and timeout checks, with the same injected clock on both
/// sides. After every step the events, states, clocks, update times and encoded updates must match.
@Suite(.serialized) struct AwarenessInteropTests {
    struct Event: Hashable, CustomStringConvertible {
        var event: String
        var added: [UInt64]
        var updated: [UInt64]
        var removed: [UInt64]
        var description: String { "\(event)(+\(added) ~\(updated) -\(removed))" }
    }

    static func events(_ c: Awareness.Changes, alwaysUpdate: Bool = false) -> [Event] {
        var out: [Event] = []
        if c.hasContentChange { out.append(Event(event: "change", added: c.added.sorted(), updated: c.changed.sorted(), removed: c.removed.sorted())) }
        if alwaysUpdate || !c.isEmpty { out.append(Event(event: "update", added: c.added.sorted(), updated: c.updated.sorted(), removed: c.removed.sorted())) }
        return out
    }

    static func events(_ answer: YObject) throws -> [Event] {
        try answer.array("changes").map { value in
            let o = try #require(value.objectValue)
            func ids(_ key: String) throws -> [UInt64] { try o.array(key).compactMap { $0.int64Value.map(UInt64.init) }.sorted() }
            return Event(event: try o.string("event"), added: try ids("added"), updated: try ids("updated"), removed: try ids("removed"))
        }
    }

    static func randomState(_ s: inout InteropScenario) -> YAny {
        var user = YObject()
        user["name"] = .string(["Ada", "Bob \"B\"", "Ünï/cödé 😀", "back\\slash", "tab\tnew\nline\u{1}", "世界"][s.int(0...5)])
        user["color"] = .string("#\(s.int(100_000...999_999))")
        var state = YObject()
        state["user"] = .object(user)
        switch s.int(0...3) {
        case 0: state["cursor"] = .null
        case 1: state["cursor"] = ["anchor": .integer(Int64(s.int(0...500))), "head": .integer(Int64(s.int(0...500)))]
        case 2: state["zoom"] = .float64([0.1, 1.5, 1e21, 1e-7, 123456.789, -2.5e-300][s.int(0...5)])
        default: state["tags"] = .array([.bool(s.chance(0.5)), .string("x"), .integer(-7)])
        }
        return .object(state)
    }

    @Test func matchesYjsAwareness() throws {
        let js = try InteropHelper(.yjs)
        var compared = 0
        for seed in UInt64(1)...40 {
            var s = InteropScenario(seed: seed)
            let own: UInt64 = [1, 12345, 4_294_967_295][s.int(0...2)]
            let pool: [UInt64] = [own, 2, 3, 77, 9_007_199_254_740_991]
            var now: UInt64 = 1_000
            var swift = Awareness(clientID: own, now: now)
            let doc = "aw\(seed)"
            try js.call(["cmd": "aw_new", "doc": .string(doc), "client": .integer(Int64(own)), "now": .integer(Int64(now))])
            for step in 0..<60 {
                now += UInt64(s.int(0...1) == 0 ? s.int(0...2_000) : s.int(0...20_000))
                var context = "seed \(seed) step \(step)"
                var expected: [Event]
                var answer: YObject
                switch s.int(0...9) {
                case 0, 1:
                    let state: YAny? = s.chance(0.15) ? nil : Self.randomState(&s)
                    context += " setLocal \(state?.jsonString ?? "nil")"
                    expected = Self.events(swift.setLocalState(state, now: now), alwaysUpdate: true)
                    answer = try js.call(["cmd": "aw_set_local", "doc": .string(doc), "state": state ?? .null, "now": .integer(Int64(now))])
                case 2...6:
                    var entries: [AwarenessUpdate.Entry] = []
                    for _ in 0..<s.int(1...3) {
                        let id = pool[s.int(0...(pool.count - 1))]
                        let known = swift.meta[id]?.clock ?? 0
                        let clock = UInt64(max(0, Int(known) + s.int(-1...2)))
                        entries.append(.init(clientID: id, clock: clock, state: s.chance(0.3) ? nil : Self.randomState(&s)))
                    }
                    let bytes = AwarenessUpdate(entries: entries).encode()
                    context += " apply \(entries.map { "\($0.clientID)@\($0.clock)=\($0.stateJSON.prefix(20))" }) known \(swift.meta.mapValues(\.clock))"
                    expected = Self.events(try swift.apply(encoded: bytes, now: now))
                    answer = try js.call(["cmd": "aw_apply", "doc": .string(doc), "update": .string(InteropHex.encode(bytes)), "now": .integer(Int64(now))])
                case 7:
                    let clients = pool.filter { _ in s.chance(0.4) }
                    expected = Self.events(swift.removeStates(clients, now: now))
                    answer = try js.call(["cmd": "aw_remove", "doc": .string(doc), "clients": .array(clients.map { .integer(Int64($0)) }), "now": .integer(Int64(now))])
                default:
                    let (renewed, removed) = swift.checkTimeouts(now: now)
                    expected = Self.events(renewed, alwaysUpdate: !renewed.isEmpty) + Self.events(removed)
                    answer = try js.call(["cmd": "aw_timeout", "doc": .string(doc), "now": .integer(Int64(now))])
                }
                let got = try Self.events(answer)
                #expect(got == expected, "\(context): Yjs \(got), Swift \(expected)")
                if got != expected { return }

                // Same states, clocks and update times.
                let snapshot = try js.call(["cmd": "aw_states", "doc": .string(doc)])
                let states = try snapshot.object("states")
                #expect(states.count == swift.states.count, "\(context)")
                for (id, state) in swift.states {
                    #expect(states[String(id)].map { $0.jsonEquals(state) } == true, "\(context) state of \(id)")
                }
                let clocks = try snapshot.object("clocks")
                let updated = try snapshot.object("updated")
                #expect(clocks.count == swift.meta.count, "\(context)")
                for (id, meta) in swift.meta {
                    #expect(clocks[String(id)]?.int64Value == Int64(meta.clock), "\(context) clock of \(id)")
                    #expect(updated[String(id)]?.int64Value == Int64(meta.lastUpdated), "\(context) lastUpdated of \(id)")
                }
                // Byte-identical encoded updates (JSON.stringify included).
                let known = swift.meta.keys.sorted()
                let mine = swift.encodeUpdate(clients: known).encode()
                let theirs = try js.call(["cmd": "aw_encode", "doc": .string(doc), "clients": .array(known.map { .integer(Int64($0)) })]).bytes("update")
                #expect(mine == theirs, "\(context)")
                compared += 1
            }
            try js.call(["cmd": "free", "doc": .string(doc)])
        }
        #expect(compared == 40 * 60)
    }
}
