import CRDT

/// Random edit sequences for the differential tests: ops on a map `m`, an array `a` and a text `t`
/// (with emoji, ZWJ sequences, CJK and combining marks), and random JSON values.
struct InteropScenario {
    static let roots: YObject = {
        var r = YObject()
        r["m"] = "map"
        r["a"] = "array"
        r["t"] = "text"
        return r
    }()

    static let fragments: [String] = [
        "a", "bc", "Hello", " ", "😀", "世界", "👩‍👩‍👧", "é", "漢字かな", "🎬x", "\n", "Ω", "e\u{301}", "🇫🇷", "xyz", "한국어",
    ]
    static let keys = ["a", "b", "c", "d", "title", "ключ", "🔑"]

    var rng: SeededRNG

    init(seed: UInt64) { rng = SeededRNG(seed: seed) }

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }
    mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }
    mutating func fraction() -> YAny {
        // A few decimal digits keep the JSON short and exact in every language.
        .float64(Double(int(0...9999)) / 10000)
    }

    /// A random JSON-like value (numbers of every width, strings, booleans, null, bytes, nesting).
    mutating func value(depth: Int = 0) -> YAny {
        switch int(0...(depth < 2 ? 11 : 8)) {
        case 0: return .integer(Int64(int(-1000...1000)))
        case 1: return .integer(Int64.random(in: -(1 << 53)...(1 << 53), using: &rng))
        case 2: return .float64([0.5, -2.25, 0.1, 1e300, 3.14159, -0.001, 65536.5][int(0...6)])
        case 3: return .string(Self.fragments[int(0...(Self.fragments.count - 1))])
        case 4: return .bool(chance(0.5))
        case 5: return .null
        case 6: return .string("")
        case 7:
            let bytes = (0..<int(0...4)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            var o = YObject()
            o["$bytes"] = .string(InteropHex.encode(bytes))
            return .object(o)
        case 8: return .integer(Int64(int(0...1) == 0 ? 2_147_483_647 : -2_147_483_648))
        case 9, 10:
            return .array((0..<int(0...3)).map { _ in value(depth: depth + 1) })
        default:
            var o = YObject()
            for _ in 0..<int(0...3) { o[Self.keys[int(0...(Self.keys.count - 1))]] = value(depth: depth + 1) }
            return .object(o)
        }
    }

    /// Map keys that may hold nested types.
    static let nestedKeys = ["n1", "n2", "n3"]

    /// One random op (see ``InteropReplica``); a fifth of them create or edit nested types.
    mutating func op() -> YAny {
        if chance(0.2) { return nestedOp() }
        return flatOp()
    }

    /// Creates a nested map/array/text in `m`, or edits one (an op for each kind; the one matching the
    /// value found at the key runs).
    mutating func nestedOp() -> YAny {
        var o = YObject()
        o["r"] = "m"
        o["key"] = .string(Self.nestedKeys[int(0...(Self.nestedKeys.count - 1))])
        if chance(0.25) {
            o["k"] = "mn"
            o["t"] = .string(["map", "array", "text"][int(0...2)])
        } else {
            o["k"] = "ne"
            o["map"] = chance(0.7) ? inner(kind: "ms") : inner(kind: "md")
            o["array"] = chance(0.7) ? inner(kind: "ai") : inner(kind: "ad")
            o["text"] = chance(0.7) ? inner(kind: "ti") : inner(kind: "td")
        }
        return .object(o)
    }

    /// A flat op of `kind` without a root (it runs on a nested type).
    mutating func inner(kind: String) -> YAny {
        while true {
            guard case .object(var o) = flatOp(), o["k"]?.stringValue == kind else { continue }
            o["r"] = nil
            return .object(o)
        }
    }

    mutating func flatOp() -> YAny {
        var o = YObject()
        switch int(0...9) {
        case 0, 1:
            o["k"] = "ms"
            o["r"] = "m"
            o["key"] = .string(Self.keys[int(0...(Self.keys.count - 1))])
            o["v"] = value()
        case 2:
            o["k"] = "md"
            o["r"] = "m"
            o["key"] = .string(Self.keys[int(0...(Self.keys.count - 1))])
        case 3:
            o["k"] = "ai"
            o["r"] = "a"
            o["f"] = fraction()
            o["vs"] = .array((0..<int(1...3)).map { _ in value(depth: 1) })
        case 4:
            o["k"] = "ad"
            o["r"] = "a"
            o["f"] = fraction()
            o["n"] = .integer(Int64(int(1...3)))
        case 5, 6, 7:
            o["k"] = "ti"
            o["r"] = "t"
            o["f"] = fraction()
            var s = ""
            for _ in 0..<int(1...3) { s += Self.fragments[int(0...(Self.fragments.count - 1))] }
            o["s"] = .string(s)
        default:
            o["k"] = "td"
            o["r"] = "t"
            o["f"] = fraction()
            o["n"] = .integer(Int64(int(1...4)))
        }
        return .object(o)
    }

    /// A client id: mostly small, sometimes 32-bit or up to 2^53 − 1 (yrs' range).
    mutating func clientID(avoiding used: Set<UInt64>) -> UInt64 {
        while true {
            let id: UInt64
            switch int(0...3) {
            case 0: id = UInt64(int(1...20))
            case 1: id = UInt64.random(in: 1...UInt64(UInt32.max), using: &rng)
            case 2: id = UInt64.random(in: 1...((1 << 53) - 1), using: &rng)
            default: id = UInt64(int(1...100_000))
            }
            if !used.contains(id) { return id }
        }
    }
}
