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
