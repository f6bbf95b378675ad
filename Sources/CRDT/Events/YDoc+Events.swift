/// Building and dispatching change events at the end of a transaction (before GC, so that old
/// values are still readable).
extension YDoc {
    func computeEvents() -> [(type: Int32, event: YEvent)] {
        var out: [(Int32, YEvent)] = []
        let origin = currentOriginForEvents
        for (t, keys) in store.tr.changed {
            guard !store.isTypeDeleted(t) else { continue }
            let needed = typeObservers[t] != nil || hasDeepObserver(above: t)
            guard needed else { continue }
            var keyChanges: [String: YEvent.KeyChange] = [:]
            for case let key? in keys {
                if let change = keyChange(t, key) { keyChanges[key] = change }
            }
            let delta = keys.contains(nil) ? sequenceDelta(t) : []
            let event = YEvent(
                target: handle(for: t), path: [], keys: keyChanges, delta: delta, origin: origin, isLocal: store.tr.local)
            out.append((t, event))
        }
        return out
    }

    private func hasDeepObserver(above t: Int32) -> Bool {
        var cur = t
        var steps = 0
        while cur >= 0 && steps < DocStore.maxRenderDepth {
            if deepObservers[cur] != nil { return true }
            let item = store.types[Int(cur)].item
            if item < 0 { return false }
            cur = store.items[Int(item)].parent
            steps += 1
        }
        return false
    }

    /// Units of item `idx` added in this transaction (a locally extended item may be partly new).
    private func addedUnits(_ idx: Int32) -> UInt64 { addedUnitsOf(store.items[Int(idx)]) }

    private func deletedNow(_ id: ID) -> Bool { store.tr.deleteSet.contains(id) }

    private func keyChange(_ t: Int32, _ key: String) -> YEvent.KeyChange? {
        guard let item = store.types[Int(t)].map[key] else { return nil }
        func last(_ i: Int32) -> YAny? { store.jsonValue(ofItem: i, depth: 0).last }
        let it = store.items[Int(item)]
        if addedUnits(item) == it.length {
            var prev = it.left
            while prev >= 0, addedUnits(prev) == store.items[Int(prev)].length { prev = store.items[Int(prev)].left }
            let prevDeleted = prev >= 0 && deletedNow(store.items[Int(prev)].id)
            if deletedNow(it.id) {
                return prevDeleted ? YEvent.KeyChange(action: .delete, oldValue: last(prev)) : nil
            }
            return prevDeleted
                ? YEvent.KeyChange(action: .update, oldValue: last(prev)) : YEvent.KeyChange(action: .add, oldValue: nil)
        }
        if deletedNow(it.id) { return YEvent.KeyChange(action: .delete, oldValue: last(item)) }
        return nil
    }

    /// Sequence delta in Yjs' shape: `retain n`, `delete n`, and inserts (text: string runs and
    /// embeds; arrays: one `.array` of the inserted values per run).
    private func sequenceDelta(_ t: Int32) -> [YDelta] {
        let isText = (store.types[Int(t)].kind ?? store.guessKind(t)).isTextLike
        var ops: [YDelta] = []
        func retain(_ n: Int) {
            if case .retain(let m, nil)? = ops.last { ops[ops.count - 1] = .retain(m + n) } else { ops.append(.retain(n)) }
        }
        func delete(_ n: Int) {
            if case .delete(let m)? = ops.last { ops[ops.count - 1] = .delete(m + n) } else { ops.append(.delete(n)) }
        }
        var attrs = YObject()
        func insert(_ values: [YAny], text: String?) {
            let current: YObject? = attrs.isEmpty ? nil : attrs
            if isText {
                if let text {
                    if case .insert(.string(let prev), let a)? = ops.last, a == current {
                        ops[ops.count - 1] = .insert(.string(prev + text), attributes: current)
                    } else {
                        ops.append(.insert(.string(text), attributes: current))
                    }
                } else {
                    for v in values { ops.append(.insert(v, attributes: current)) }
                }
            } else if case .insert(.array(let prev), nil)? = ops.last {
                ops[ops.count - 1] = .insert(.array(prev + values))
            } else {
                ops.append(.insert(.array(values)))
            }
        }
        var p = store.types[Int(t)].start
        while p != Item.none {
            let it = store.items[Int(p)]
            p = it.right
            let addedHere = addedUnitsOf(it)
            if isText, !it.isDeleted, case .format(let key, let value) = it.content {
                // Inserted text is reported with the formatting in effect where it lands.
                DocStore.apply(format: key, value, to: &attrs)
            }
            if it.isDeleted {
                if addedHere < it.length && deletedNow(it.id) && it.isCountable { delete(Int(it.length - addedHere)) }
            } else if it.isCountable {
                let kept = it.length - addedHere
                if kept > 0 { retain(Int(kept)) }
                if addedHere > 0 {
                    switch it.content {
                    case .string(let s): insert([], text: String(decoding: s[Int(kept)...], as: UTF16.self))
                    case .embed(let j): insert([(try? YAny(jsonString: j)) ?? .null], text: nil)
                    case .type(_, let c): insert([store.json(of: c, depth: 1)], text: nil)
                    default:
                        let values = it.content.values
                        insert(Array(values[min(Int(kept), values.count)...]), text: nil)
                    }
                }
            }
        }
        if case .retain(_, nil)? = ops.last { ops.removeLast() }
        return ops
    }

    private func addedUnitsOf(_ it: Item) -> UInt64 {
        let before = store.beforeClock(it.id.client)
        if it.id.clock >= before { return it.length }
        return it.endClock > before ? it.endClock - before : 0
    }

    func dispatch(_ events: [(type: Int32, event: YEvent)]) {
        for (t, e) in events {
            for o in typeObservers[t] ?? [] { o.callback(e) }
        }
        guard !deepObservers.isEmpty else { return }
        for (observed, list) in deepObservers {
            var collected: [YEvent] = []
            for (t, e) in events {
                guard let path = path(from: observed, to: t) else { continue }
                var copy = e
                copy.path = path
                collected.append(copy)
            }
            if collected.isEmpty { continue }
            collected.sort { $0.path.count < $1.path.count }
            for o in list { o.callback(collected) }
        }
    }

    /// The path from type `ancestor` down to type `t`, or nil if `t` is not inside it.
    func path(from ancestor: Int32, to t: Int32) -> [YEvent.PathElement]? {
        var path: [YEvent.PathElement] = []
        var cur = t
        var steps = 0
        while cur != ancestor {
            let item = store.types[Int(cur)].item
            guard item >= 0, steps < DocStore.maxRenderDepth else { return nil }
            let it = store.items[Int(item)]
            if let key = it.parentSub {
                path.append(.key(key))
            } else {
                var index = 0
                var p = store.types[Int(it.parent)].start
                while p != Item.none && p != item {
                    if (store.items[Int(p)].flags & (Item.deletedFlag | Item.countableFlag) == Item.countableFlag) { index += Int(store.items[Int(p)].length) }
                    p = store.items[Int(p)].right
                }
                path.append(.index(index))
            }
            cur = it.parent
            steps += 1
        }
        return path.reversed()
    }
}
