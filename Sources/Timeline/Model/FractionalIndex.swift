/// Fractional-index keys for track order: strings that sort between any two others, so a
/// reorder changes one field of one track and concurrent reorders never duplicate a track.
///
/// Keys use the 62 digits `0-9A-Za-z` in ASCII order and never end in `0`, so there is always
/// room between two keys. Two replicas may pick the same key concurrently; readers then order
/// by `(order, id)`, which is the same everywhere.
public enum FractionalIndex {
    static let digits = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
    static let base = digits.count

    static func digitValue(_ c: Character) -> Int? { digits.firstIndex(of: c) }

    /// True if `key` is non-empty, uses only the 62 digits and does not end in `0`.
    public static func isValid(_ key: String) -> Bool {
        guard let last = key.last, last != "0" else { return false }
        return key.allSatisfy { digitValue($0) != nil }
    }

    /// A key strictly between `lower` and `upper` (nil means unbounded).
    /// Returns nil if the bounds are invalid keys or not in increasing order.
    public static func between(_ lower: String?, _ upper: String?) -> String? {
        if let lower, !isValid(lower) { return nil }
        if let upper, !isValid(upper) { return nil }
        if let lower, let upper, lower >= upper { return nil }
        return midpoint(Array(lower ?? ""), upper.map(Array.init))
    }

    /// `n` increasing keys after `lower` (for renumbering).
    public static func sequence(count n: Int, after lower: String? = nil) -> [String] {
        var out: [String] = []
        var prev = lower
        for _ in 0..<n {
            let k = between(prev, nil) ?? "V"
            out.append(k)
            prev = k
        }
        return out
    }

    private static func midpoint(_ a: [Character], _ b: [Character]?) -> String {
        if let b {
            var n = 0
            while n < b.count, (n < a.count ? a[n] : "0") == b[n] { n += 1 }
            if n > 0 {
                let rest = midpoint(n < a.count ? Array(a[n...]) : [], Array(b[n...]))
                return String(b[0..<n]) + rest
            }
        }
        let da = a.isEmpty ? 0 : digitValue(a[0])!
        let db = b.map { digitValue($0[0])! } ?? base
        if db - da > 1 {
            return String(digits[(da + db) / 2])
        }
        if let b, b.count > 1 {
            return String(b[0])
        }
        return String(digits[da]) + midpoint(a.count > 1 ? Array(a[1...]) : [], nil)
    }
}
