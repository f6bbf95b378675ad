/// Exact integer helpers shared by the time types (128-bit intermediates, no floating point).
enum TimeMath {
    /// `numerator / denominator` rounded as asked; `denominator` must be positive.
    static func divide(_ numerator: Int128, _ denominator: Int128, _ rounding: TimeRounding) -> Int128 {
        precondition(denominator > 0)
        var q = numerator / denominator
        let r = numerator % denominator
        if r == 0 { return q }
        switch rounding {
        case .down:
            if r < 0 { q -= 1 }
        case .up:
            if r > 0 { q += 1 }
        case .nearest:
            let twice = r.magnitude * 2
            if twice >= denominator.magnitude { q += r > 0 ? 1 : -1 }
        }
        return q
    }

    static func gcd(_ a: Int64, _ b: Int64) -> Int64 {
        var (x, y) = (a.magnitude, b.magnitude)
        while y != 0 { (x, y) = (y, x % y) }
        return Int64(x)
    }

    /// Narrows to the exact flick range or throws.
    static func checked(_ v: Int128) throws(TimeError) -> Int64 {
        guard v >= -Int128(Flicks.maxExact), v <= Int128(Flicks.maxExact) else {
            throw TimeError.outOfRange.with(detail: "\(v) exceeds ±(2^53 − 1)")
        }
        return Int64(v)
    }
}
