import CRDT

extension YAny {
    /// Converts a CRDT value to JSON (bytes and `undefined` become `null`).
    var jsonValue: JSONValue {
        switch self {
        case .undefined, .null, .bytes: .null
        case .integer(let i), .bigint(let i): .integer(i)
        case .float64(let d): d.isFinite ? .double(d) : .null
        case .bool(let b): .bool(b)
        case .string(let s): .string(s)
        case .array(let a): .array(a.map(\.jsonValue))
        case .object(let o): .object(o.dictionary.mapValues(\.jsonValue))
        }
    }

    /// A flicks value stored as a JS number (integral, within ±2^53).
    var flicksValue: Flicks? {
        guard let v = int64Value, v.magnitude <= UInt64(Flicks.maxExact) else { return nil }
        return Flicks(v)
    }

    init(_ f: Flicks) { self = .integer(f.value) }

    /// The same value with integral doubles as integers (JavaScript has one number type, and a
    /// replica may read back `1.0` as `1`), so comparisons see no spurious changes.
    var normalized: YAny {
        switch self {
        case .float64(let d):
            if d.isFinite, d.rounded() == d, abs(d) <= 9_007_199_254_740_991, let i = Int64(exactly: d) { return .integer(i) }
            return self
        case .bigint(let i): return .integer(i)
        case .array(let a): return .array(a.map(\.normalized))
        case .object(let o): return .object(YObject(o.keys.map { ($0, o[$0]!.normalized) }))
        default: return self
        }
    }
}

extension JSONValue {
    /// Converts JSON to a CRDT value (object keys sorted so every replica writes the same bytes).
    var yAny: YAny {
        switch self {
        case .null: .null
        case .bool(let b): .bool(b)
        case .integer(let i): .integer(i)
        case .double(let d): .float64(d)
        case .string(let s): .string(s)
        case .array(let a): .array(a.map(\.yAny))
        case .object(let o): .object(YObject(o.keys.sorted().map { ($0, o[$0]!.yAny) }))
        }
    }
}

extension FrameRate {
    var yAny: YAny { .object(YObject([("num", .integer(numerator)), ("den", .integer(denominator))])) }

    init?(yAny: YAny?) {
        guard let o = yAny?.objectValue, let n = o["num"]?.int64Value else { return nil }
        guard let r = try? FrameRate(n, o["den"]?.int64Value ?? 1) else { return nil }
        self = r
    }
}
