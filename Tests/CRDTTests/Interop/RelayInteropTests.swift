import CRDT
import Testing

/// A Swift document as the y-websocket server in the middle: clients (Swift, pycrdt, Yjs) send their
/// updates to it, and what it relays is the update *it* emits when applying them (spec §4.8: exactly
/// what was integrated), fanned out to the other clients with random delays and reordering. Every
/// client and the server must end with the same JSON, and the server must have nothing pending.
@Suite struct RelayInteropTests {
    @Test(arguments: [UInt64(20_001)...20_150, 20_151...20_300])
    func swiftServerRelaysWhatItIntegrated(seeds: ClosedRange<UInt64>) throws {
        let py = try InteropHelper(.pycrdt)
        let js = try InteropHelper(.yjs)
        var relayed = 0
        for seed in seeds {
            var s = InteropScenario(seed: seed)
            let server = SwiftReplica(clientID: 1)
            var emitted: [[UInt8]] = []
            server.doc.onUpdate { update, _ in emitted.append(update) }
            var clients: [any InteropReplica] = []
            var helperDocs: [HelperReplica] = []
            var used: Set<UInt64> = [1]
            for i in 0..<s.int(2...4) {
                let id = s.clientID(avoiding: used)
                used.insert(id)
                switch s.int(0...2) {
                case 0: clients.append(SwiftReplica(clientID: id))
                case 1:
                    let r = try HelperReplica(helper: py, doc: "relay\(seed)c\(i)", clientID: id)
                    helperDocs.append(r)
                    clients.append(r)
                default:
                    let r = try HelperReplica(helper: js, doc: "relay\(seed)c\(i)", clientID: id)
                    helperDocs.append(r)
                    clients.append(r)
                }
            }
            var outbox: [[[UInt8]]] = Array(repeating: [], count: clients.count)
            for _ in 0..<s.int(10...30) {
                if s.chance(0.6) {
                    let c = s.int(0...(clients.count - 1))
                    for update in try clients[c].edit([s.op()]) {
                        // The server applies each client's updates in order (one connection)...
                        emitted.removeAll()
                        try server.apply(update)
                        // ...and broadcasts what it integrated to everyone, the sender included.
                        for message in emitted {
                            relayed += 1
                            for o in 0..<clients.count { outbox[o].append(message) }
                        }
                    }
                } else {
                    let o = s.int(0...(clients.count - 1))
                    if !outbox[o].isEmpty { try clients[o].apply(outbox[o].remove(at: s.int(0...(outbox[o].count - 1)))) }
                }
            }
            for o in 0..<clients.count {
                outbox[o].shuffle(using: &s.rng)
                for message in outbox[o] { try clients[o].apply(message) }
            }
            #expect(!server.doc.hasPendingStructs && !server.doc.hasPendingDeletes, "seed \(seed)")
            let expected = try server.json(InteropScenario.roots)
            for client in clients {
                let json = try client.json(InteropScenario.roots)
                if json.jsonEquals(expected) { continue }
                // yrs may leave relayed updates pending (spec §4.6); a resync from the server must fix it.
                if client.name.hasPrefix("pycrdt") {
                    try client.apply(try server.state(since: try client.stateVector()))
                    if try client.json(InteropScenario.roots).jsonEquals(expected) { continue }
                }
                Issue.record("seed \(seed): \(client.name) has \(json.jsonString), server \(expected.jsonString)")
            }
            for r in helperDocs { try r.free() }
        }
        #expect(relayed > seeds.count * 5)
    }
}
