import Foundation

/// Reads the fields of one JSON operation with precise errors, and remembers which fields were
/// used so unknown ones (typos) can be reported.
struct OperationFields {
    let op: String
    let object: JSONObject
    var used: Set<String> = ["op"]

    init(op: String, object: JSONObject) {
        self.op = op
        self.object = object
    }

    private func invalid(_ key: String, _ expected: String) -> TimelineError {
        TimelineError.invalidField.with("\(op).\(key) must be \(expected)", field: key)
    }

    private func missing(_ key: String) -> TimelineError {
        TimelineError.missingField.with("\(op) needs \(key)", field: key)
    }

    /// True if the key is present (null counts as present).
    mutating func has(_ key: String) -> Bool {
        used.insert(key)
        return object[key] != nil
    }

    /// True if the key is present with a JSON null.
    mutating func isNull(_ key: String) -> Bool {
        used.insert(key)
        return object[key] == .null
    }

    mutating func optionalString(_ key: String) throws(TimelineError) -> String? {
        used.insert(key)
        guard let v = object[key], v != .null else { return nil }
        guard case .string(let s) = v else { throw invalid(key, "a string") }
        return s
    }

    mutating func string(_ key: String) throws(TimelineError) -> String {
        guard let s = try optionalString(key) else { throw missing(key) }
        return s
    }

    mutating func optionalBool(_ key: String) throws(TimelineError) -> Bool? {
        used.insert(key)
        guard let v = object[key], v != .null else { return nil }
        guard case .bool(let b) = v else { throw invalid(key, "true or false") }
        return b
    }

    mutating func optionalDouble(_ key: String) throws(TimelineError) -> Double? {
        used.insert(key)
        guard let v = object[key], v != .null else { return nil }
        guard let d = v.doubleValue, d.isFinite else { throw invalid(key, "a number") }
        return d
    }

    mutating func optionalInt(_ key: String) throws(TimelineError) -> Int64? {
        used.insert(key)
        guard let v = object[key], v != .null else { return nil }
        guard let i = v.int64Value else { throw invalid(key, "an integer") }
        return i
    }

    mutating func optionalObject(_ key: String) throws(TimelineError) -> JSONObject? {
        used.insert(key)
        guard let v = object[key], v != .null else { return nil }
        guard case .object(let o) = v else { throw invalid(key, "an object") }
        return o
    }

    /// A time given as integer flicks under `key`, or as seconds under `keySeconds` (exact
    /// decimal, rounded to the nearest flick). Giving both is an error.
    mutating func optionalTime(_ key: String) throws(TimelineError) -> Flicks? {
        let secondsKey = key + "Seconds"
        used.insert(key)
        used.insert(secondsKey)
        let a = object[key].flatMap { $0 == .null ? nil : $0 }
        let b = object[secondsKey].flatMap { $0 == .null ? nil : $0 }
        if a != nil, b != nil { throw TimelineError.invalidField.with("give \(key) or \(secondsKey), not both", field: key) }
        if let a {
            guard let v = a.int64Value, v.magnitude <= UInt64(Flicks.maxExact) else {
                throw invalid(key, "an integer number of flicks within ±2^53")
            }
            return Flicks(v)
        }
        if let b {
            let decimal: Decimal?
            switch b {
            case .integer(let i): decimal = Decimal(i)
            case .double(let d) where d.isFinite: decimal = Decimal(string: "\(d)", locale: Locale(identifier: "en_US_POSIX"))
            case .string(let s): decimal = Decimal(string: s, locale: Locale(identifier: "en_US_POSIX"))
            default: decimal = nil
            }
            guard let decimal else { throw invalid(secondsKey, "a number of seconds") }
            do {
                return try Flicks(seconds: decimal)
            } catch {
                throw invalid(secondsKey, "a number of seconds within range")
            }
        }
        return nil
    }

    mutating func time(_ key: String) throws(TimelineError) -> Flicks {
        guard let t = try optionalTime(key) else { throw missing(key) }
        return t
    }

    mutating func optionalEnum<E: RawRepresentable & CaseIterable>(_ key: String, _: E.Type) throws(TimelineError) -> E?
    where E.RawValue == String {
        guard let s = try optionalString(key) else { return nil }
        guard let e = E(rawValue: s) else { throw invalid(key, "one of " + E.allCases.map(\.rawValue).joined(separator: ", ")) }
        return e
    }

    mutating func optionalRate(_ key: String) throws(TimelineError) -> FrameRate? {
        guard let o = try optionalObject(key) else { return nil }
        guard let n = o["num"]?.int64Value, let rate = try? FrameRate(n, o["den"]?.int64Value ?? 1) else {
            throw invalid(key, "{num, den} with positive integers")
        }
        return rate
    }

    /// Throws for any field the operation does not define.
    func finish() throws(TimelineError) {
        if let extra = object.keys.sorted().first(where: { !used.contains($0) }) {
            throw TimelineError.unknownField.with("\(op) has no field \(extra)", field: extra)
        }
    }
}
