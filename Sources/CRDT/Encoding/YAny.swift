/// A value of lib0's self-describing `any` encoding: the JSON-like values stored in maps,
/// arrays, embeds and format attributes.
///
/// JavaScript has one number type, but lib0 writes integers, floats and bigints with different
/// tags, so the cases keep them apart: ``integer(_:)`` for whole numbers, ``float64(_:)`` for
/// every other number (float32 values are widened), ``bigint(_:)`` for JS `bigint`.
/// ``undefined`` is distinct from ``null``, and ``bytes(_:)`` (a `Uint8Array`) is distinct from an array.
public enum YAny: Sendable, Hashable {
    /// JavaScript `undefined` (tag 127).
    case undefined
    /// `null` (tag 126).
    case null
    /// An integral number (written with tag 125 when |n| ≤ 2^31 − 1, as JS does). Decoded integral
    /// numbers always use this case, whatever tag carried them.
    case integer(Int64)
    /// A non-integral or very large number (tags 124 and 123).
    case float64(Double)
    /// A JavaScript `bigint` (tag 122, 64-bit two's complement).
    case bigint(Int64)
    /// `true` / `false` (tags 120 / 121).
    case bool(Bool)
    /// A string (tag 119).
    case string(String)
    /// A `Uint8Array` (tag 116).
    case bytes([UInt8])
    /// An array (tag 117).
    case array([YAny])
    /// An object with ordered keys (tag 118).
    case object(YObject)
}

extension YAny {
    /// A JavaScript number: `.integer` when integral (and not negative zero), else `.float64`.
    public static func number(_ d: Double) -> YAny {
        if d.isFinite, d.rounded(.towardZero) == d, !(d == 0 && d.sign == .minus), d.magnitude < 9.2e18 {
            return .integer(Int64(d))
        }
        return .float64(d)
    }

    /// The string payload, if this is a string.
    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
    /// The numeric payload as a Double, for integer, float64 and bigint values.
    public var doubleValue: Double? {
        switch self {
        case .integer(let i), .bigint(let i): return Double(i)
        case .float64(let d): return d
        default: return nil
        }
    }
    /// The numeric payload as an Int64 when it is integral and exactly representable.
    public var int64Value: Int64? {
        switch self {
        case .integer(let i), .bigint(let i): return i
        case .float64(let d):
            guard d.isFinite, d.rounded() == d, let i = Int64(exactly: d) else { return nil }
            return i
        default: return nil
        }
    }
    /// The boolean payload, if this is a boolean.
    public var boolValue: Bool? { if case .bool(let b) = self { return b } else { return nil } }
    /// The array payload, if this is an array.
    public var arrayValue: [YAny]? { if case .array(let a) = self { return a } else { return nil } }
    /// The object payload, if this is an object.
    public var objectValue: YObject? { if case .object(let o) = self { return o } else { return nil } }
    /// True for ``null`` and ``undefined``.
    public var isNullish: Bool {
        switch self {
        case .null, .undefined: return true
        default: return false
        }
    }
}

extension YAny: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByNilLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .float64(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(nilLiteral: ()) { self = .null }
    public init(arrayLiteral elements: YAny...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, YAny)...) {
        var o = YObject()
        for (k, v) in elements { o[k] = v }
        self = .object(o)
    }
}
