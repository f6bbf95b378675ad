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

/// An ordered string-keyed object for ``YAny/object(_:)``.
///
/// Keys keep their insertion order (so re-encoding is byte-stable); setting an existing key keeps
/// its position and replaces the value (as assigning a property of a JavaScript object does).
/// Equality and hashing ignore key order, like JSON object equality.
public struct YObject: Sendable, Hashable, Sequence {
    /// Keys in insertion order.
    public private(set) var keys: [String] = []
    private var storage: [String: YAny] = [:]

    /// Creates an empty object.
    public init() {}

    /// Creates an object from key/value pairs (a repeated key keeps its first position and last value).
    public init(_ pairs: [(String, YAny)]) {
        for (k, v) in pairs { self[k] = v }
    }

    /// The number of keys.
    public var count: Int { keys.count }
    /// True if the object has no keys.
    public var isEmpty: Bool { keys.isEmpty }

    /// Reads or writes a value; assigning `nil` removes the key.
    public subscript(key: String) -> YAny? {
        get { storage[key] }
        set {
            if let newValue {
                if storage.updateValue(newValue, forKey: key) == nil { keys.append(key) }
            } else if storage.removeValue(forKey: key) != nil {
                keys.removeAll { $0 == key }
            }
        }
    }

    /// The entries as a dictionary (order lost).
    public var dictionary: [String: YAny] { storage }

    public func makeIterator() -> AnyIterator<(key: String, value: YAny)> {
        var i = 0
        let keys = self.keys
        let storage = self.storage
        return AnyIterator {
            guard i < keys.count else { return nil }
            let k = keys[i]
            i += 1
            return (k, storage[k] ?? .undefined)
        }
    }

    public static func == (lhs: YObject, rhs: YObject) -> Bool { lhs.storage == rhs.storage }
    public func hash(into hasher: inout Hasher) { hasher.combine(storage) }
}

extension YObject: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, YAny)...) {
        self.init()
        for (k, v) in elements { self[k] = v }
    }
}
