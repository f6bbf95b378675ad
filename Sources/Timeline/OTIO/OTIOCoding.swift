/// Shared helpers for the OTIO Codable implementations.
enum OTIOCoding {
    typealias Reader = KeyedDecodingContainer<AnyCodingKey>
    typealias Writer = KeyedEncodingContainer<AnyCodingKey>

    /// Splits `"Clip.2"` into `("Clip", 2)`.
    static func splitSchema(_ s: String) -> (name: String, version: Int) {
        guard let dot = s.lastIndex(of: "."), let v = Int(s[s.index(after: dot)...]) else { return (s, 0) }
        return (String(s[..<dot]), v)
    }

    static func schema(_ c: Reader) throws -> String {
        try c.decode(String.self, forKey: AnyCodingKey("OTIO_SCHEMA"))
    }

    static func string(_ c: Reader, _ key: String, default value: String = "") throws -> String {
        try c.decodeIfPresent(String.self, forKey: AnyCodingKey(key)) ?? value
    }

    static func object(_ c: Reader, _ key: String) throws -> JSONObject {
        try c.decodeIfPresent(JSONObject.self, forKey: AnyCodingKey(key)) ?? [:]
    }

    static func optional<T: Decodable>(_ c: Reader, _ key: String, _ type: T.Type) throws -> T? {
        try c.decodeIfPresent(T.self, forKey: AnyCodingKey(key))
    }

    static func put<T: Encodable>(_ c: inout Writer, _ key: String, _ value: T) throws {
        try c.encode(value, forKey: AnyCodingKey(key))
    }

    /// Writes `null` for nil (OTIO writes absent optional ranges as null).
    static func putOptional<T: Encodable>(_ c: inout Writer, _ key: String, _ value: T?) throws {
        if let value { try c.encode(value, forKey: AnyCodingKey(key)) } else { try c.encodeNil(forKey: AnyCodingKey(key)) }
    }
}
