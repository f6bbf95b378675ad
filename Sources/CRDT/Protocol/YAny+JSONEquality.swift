extension YAny {
    /// JSON equality as JavaScript's `equalityDeep` sees parsed JSON: numbers compare by value
    /// (`1` equals `1.0`), objects ignore key order.
    public func jsonEquals(_ other: YAny) -> Bool {
        switch (self, other) {
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.jsonEquals($1) }
        case (.object(let a), .object(let b)):
            guard a.count == b.count else { return false }
            for (k, v) in a {
                guard let w = b[k], v.jsonEquals(w) else { return false }
            }
            return true
        default:
            if let x = doubleValue, let y = other.doubleValue { return x == y }
            return self == other
        }
    }
}
