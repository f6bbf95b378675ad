import CRDT

/// A replica backed by the Swift engine (`YDoc`), running the same ops as the helpers.
final class SwiftReplica: InteropReplica {
    let doc: YDoc
    let name: String
    private var captured: [[UInt8]] = []

    init(clientID: UInt64) {
        doc = YDoc(clientID: clientID)
        name = "swift#\(clientID)"
        doc.onUpdate { [unowned self] update, _ in self.captured.append(update) }
    }

    func edit(_ ops: [YAny]) throws -> [[UInt8]] {
        captured.removeAll()
        try doc.transact { () throws -> Void in
            for op in ops { try run(op) }
        }
        defer { captured.removeAll() }
        return captured
    }

    func apply(_ update: [UInt8]) throws {
        try doc.applyUpdate(update)
        captured.removeAll()
    }

    func state(since stateVector: [UInt8]?) throws -> [UInt8] {
        guard let stateVector else { return doc.encodeStateAsUpdate() }
        return doc.encodeStateAsUpdate(against: try StateVector(encoded: stateVector))
    }

    func stateVector() throws -> [UInt8] { doc.stateVector.encoded }

    func json(_ roots: YObject) throws -> YAny {
        try SwiftReplica.render(doc, roots: roots)
    }

    /// Renders the roots of `doc` with the vector JSON conventions (`$bytes`, `$bigint`, `$doc`).
    static func render(_ doc: YDoc, roots: YObject) throws -> YAny {
        var out = YObject()
        for (name, kind) in roots {
            let value: YAny
            switch kind.stringValue {
            case "map": value = doc.getMap(name).toJSON()
            case "array": value = doc.getArray(name).toJSON()
            case "text": value = doc.getText(name).toJSON()
            case "xml": value = doc.getXmlFragment(name).toJSON()
            default: throw InteropFailure("unknown root kind \(kind)")
            }
            out[name] = normalize(value)
        }
        return .object(out)
    }

    /// Byte arrays, bigints and undefined as the vectors and helpers write them.
    static func normalize(_ value: YAny) -> YAny {
        switch value {
        case .bytes(let b):
            var o = YObject()
            o["$bytes"] = .string(InteropHex.encode(b))
            return .object(o)
        case .bigint(let i):
            var o = YObject()
            o["$bigint"] = .string(String(i))
            return .object(o)
        case .undefined: return .null
        case .array(let a): return .array(a.map(normalize))
        case .object(let o):
            var out = YObject()
            for (k, v) in o { out[k] = normalize(v) }
            return .object(out)
        default: return value
        }
    }

    /// `{"$bytes": hex}` in op values becomes a byte array, as the helpers do.
    static func opValue(_ value: YAny) -> YAny {
        switch value {
        case .object(let o):
            if o.count == 1, let hex = o["$bytes"]?.stringValue { return .bytes(InteropHex.decode(hex)) }
            var out = YObject()
            for (k, v) in o { out[k] = opValue(v) }
            return .object(out)
        case .array(let a): return .array(a.map(opValue))
        default: return value
        }
    }

    static func index(_ fraction: Double, _ length: Int) -> Int {
        max(0, min(Int((fraction * Double(length + 1)).rounded(.down)), length))
    }

    /// The UTF-16 offset of the `scalars`-th Unicode scalar of `s`.
    static func utf16Offset(_ s: String, scalars: Int) -> Int {
        var units = 0
        for (i, scalar) in s.unicodeScalars.enumerated() {
            if i == scalars { break }
            units += scalar.utf16.count
        }
        return units
    }

    private enum Target {
        case map(YMap)
        case array(YArray)
        case text(YText)
    }

    private func run(_ op: YAny) throws {
        guard let o = op.objectValue, let k = o["k"]?.stringValue, let root = o["r"]?.stringValue else {
            throw InteropFailure("bad op \(op.jsonString)")
        }
        switch k {
        case "ms", "md", "mn", "ne": try run(o, on: .map(doc.getMap(root)))
        case "ai", "ad": try run(o, on: .array(doc.getArray(root)))
        default: try run(o, on: .text(doc.getText(root)))
        }
    }

    private func run(_ o: YObject, on target: Target) throws {
        let k = try o.string("k")
        let f = o["f"]?.doubleValue ?? 0
        let n = Int(o["n"]?.int64Value ?? 0)
        switch (k, target) {
        case ("ms", .map(let m)):
            m.set(try o.string("key"), Self.opValue(o["v"] ?? .null))
        case ("md", .map(let m)):
            m.delete(try o.string("key"))
        case ("mn", .map(let m)):
            switch try o.string("t") {
            case "map": m.setMap(try o.string("key"))
            case "array": m.setArray(try o.string("key"))
            default: m.setText(try o.string("key"))
            }
        case ("ne", .map(let m)):
            // An edit inside the nested type at key (if it is one): the op for its kind runs on it.
            switch m.get(try o.string("key")) {
            case .map(let child)?: try run(try o.object("map"), on: .map(child))
            case .array(let child)?: try run(try o.object("array"), on: .array(child))
            case .text(let child)?: try run(try o.object("text"), on: .text(child))
            default: break
            }
        case ("ai", .array(let a)):
            try a.insert(contentsOf: try o.array("vs").map(Self.opValue), at: Self.index(f, a.count))
        case ("ad", .array(let a)):
            let count = a.count
            guard count > 0 else { return }
            let i = min(Int((f * Double(count)).rounded(.down)), count - 1)
            try a.delete(at: i, count: min(count - i, n))
        case ("ti", .text(let t)):
            let s = t.toString()
            let scalars = s.unicodeScalars.count
            try t.insert(try o.string("s"), at: Self.utf16Offset(s, scalars: Self.index(f, scalars)))
        case ("tu", .text(let t)):
            // Raw UTF-16 positions: may split a surrogate pair (spec §4.10).
            try t.insert(try o.string("s"), at: Self.index(f, t.length))
        case ("tdu", .text(let t)):
            let count = t.length
            guard count > 0 else { return }
            let i = min(Int((f * Double(count)).rounded(.down)), count - 1)
            try t.delete(at: i, count: min(count - i, n))
        case ("td", .text(let t)):
            let s = t.toString()
            let scalars = s.unicodeScalars.count
            guard scalars > 0 else { return }
            let i = min(Int((f * Double(scalars)).rounded(.down)), scalars - 1)
            let j = min(scalars, i + n)
            let start = Self.utf16Offset(s, scalars: i)
            try t.delete(at: start, count: Self.utf16Offset(s, scalars: j) - start)
        default:
            throw InteropFailure("op \(k) does not apply to this target")
        }
    }
}
