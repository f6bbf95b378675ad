/// Applying decoded updates with pending structs and deletions (spec §4, §4.6), and finishing transactions.
extension DocStore {
    var hasPending: Bool { !pendingStructs.isEmpty || !pendingDeletes.isEmpty }

    /// Ends the open transaction: GC + merge, client-id collision check, and (if asked) the
    /// transaction's v1 update. One mutating call keeps the class-property access checks to one.
    mutating func finishTransaction(encodeUpdate: Bool) -> [UInt8]? {
        tr.deleteSet.sortAndMerge()
        cleanupTransaction()
        if !tr.local, tr.beforeState.contains(where: { $0.client == localClient }) {
            // Someone else used our client id: pick a new one (as Yjs does).
            localClient = UInt64(UInt32.random(in: 1...UInt32.max))
        }
        let update = encodeUpdate ? transactionUpdate() : nil
        tr.active = false
        return update
    }

    /// Integrates a decoded update (§4 pseudocode), keeping what cannot be applied as pending.
    /// `update`'s struct arrays are consumed.
    mutating func applyDecoded(_ update: inout DecodedUpdate) {
        if update.clients.count <= 1 && pendingStructs.isEmpty && pendingDeletes.isEmpty {
            applySingleClient(&update)
            return
        }
        var input: [UInt64: [DecodedStruct]] = [:]
        var total = 0
        for (_, structs) in update.clients { total += structs.count }
        if total > 64, items.capacity < items.count + total { items.reserveCapacity(items.count + total) }
        for k in update.clients.indices {
            let client = update.clients[k].client
            var structs: [DecodedStruct] = []
            swap(&structs, &update.clients[k].structs)
            if let existing = input.removeValue(forKey: client) {
                input[client] = (existing + structs).sorted { $0.id.clock < $1.id.clock }
            } else {
                input[client] = structs
            }
        }
        let (rest, missing) = integrateStructs(&input)
        if !rest.isEmpty { mergeIntoPending(rest, missing) }
        var retry = !pendingStructs.isEmpty && pendingMissing.contains { state($0.key) > $0.value }
        let dsRest = applyDeleteSet(update.deleteSet)
        if !pendingDeletes.isEmpty {
            let again = applyDeleteSet(pendingDeletes)
            pendingDeletes = again.union(dsRest)
        } else {
            var d = dsRest
            d.sortAndMerge()
            pendingDeletes = d
        }
        while retry {
            retry = false
            var p: [UInt64: [DecodedStruct]] = [:]
            swap(&p, &pendingStructs)
            pendingMissing = [:]
            let (rest2, missing2) = integrateStructs(&p)
            pendingStructs = rest2
            pendingMissing = missing2
            if !pendingDeletes.isEmpty {
                var again = applyDeleteSet(pendingDeletes)
                again.sortAndMerge()
                pendingDeletes = again
            }
            if !pendingStructs.isEmpty {
                retry = pendingMissing.contains { state($0.key) > $0.value }
            }
        }
    }

    /// The common case (one client, nothing pending): integrate the structs in order, without
    /// the queue bookkeeping of `integrateStructs`. Same semantics for a single queue.
    private mutating func applySingleClient(_ update: inout DecodedUpdate) {
        if let (client, _) = update.clients.first {
            var structs: [DecodedStruct] = []
            swap(&structs, &update.clients[0].structs)
            if structs.count > 64, items.capacity < items.count + structs.count {
                items.reserveCapacity(items.count + structs.count)
            }
            var i = 0
            while i < structs.count {
                if structs[i].kind == .skip {
                    i += 1
                    continue
                }
                let st = state(client)
                let clock = structs[i].id.clock
                if st < clock {
                    mergeIntoPending([client: Array(structs[i...])], [client: clock - 1])
                    break
                }
                if st >= structs[i].endClock {
                    i += 1
                    continue
                }
                if st > clock {
                    structs[i].dropFirst(st - clock)
                    continue
                }
                if let miss = missingDependency(of: structs[i]) {
                    mergeIntoPending([client: Array(structs[i...])], [miss: state(miss)])
                    break
                }
                integrate(&structs[i])
                i += 1
            }
        }
        let dsRest = applyDeleteSet(update.deleteSet)
        if !dsRest.isEmpty {
            var d = dsRest
            d.sortAndMerge()
            pendingDeletes = d
        }
    }

    mutating func mergeIntoPending(_ rest: [UInt64: [DecodedStruct]], _ missing: [UInt64: UInt64]) {
        for (c, list) in rest {
            // Skips carry nothing (gaps are implicit in the clocks) and must never hide real structs
            // that cover the same clocks, so they are not kept.
            let real = list.filter { $0.kind != .skip }
            guard !real.isEmpty else { continue }
            let all = ((pendingStructs[c] ?? []) + real).sorted {
                $0.id.clock != $1.id.clock ? $0.id.clock < $1.id.clock : $0.length > $1.length
            }
            // Drop structs fully covered by an earlier one (the same IDs received twice).
            var out: [DecodedStruct] = []
            out.reserveCapacity(all.count)
            var end: UInt64 = 0
            for s in all where out.isEmpty || s.endClock > end {
                out.append(s)
                end = max(end, s.endClock)
            }
            pendingStructs[c] = out
        }
        for (c, clock) in missing {
            if let m = pendingMissing[c], m <= clock { continue }
            pendingMissing[c] = clock
        }
    }
}
