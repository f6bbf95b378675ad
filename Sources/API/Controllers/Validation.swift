import Foundation

/// Input checks shared by the controllers; each failure names the field.
enum Validation {
    /// Trims and lower-cases an email and checks its shape (one `@`, a dotted domain, at most 254 bytes).
    static func email(_ raw: String?, field: String = "email") throws(APIError) -> String {
        guard let raw else { throw APIError.validation(field, "email is required") }
        let email = raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard email.utf8.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
            !parts[1].hasPrefix("."), !parts[1].hasSuffix("."), !email.contains(where: \.isWhitespace)
        else { throw APIError.validation(field, "email is not a valid address") }
        return email
    }

    static func password(_ raw: String?, field: String = "password") throws(APIError) -> String {
        guard let raw else { throw APIError.validation(field, "password is required") }
        guard (8...128).contains(raw.count) else { throw APIError.validation(field, "password must be 8 to 128 characters") }
        return raw
    }

    /// A trimmed, non-empty name of at most `maximum` characters, without control characters.
    static func name(_ raw: String?, field: String, maximum: Int = 200) throws(APIError) -> String {
        guard let raw else { throw APIError.validation(field, "\(field) is required") }
        let name = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty else { throw APIError.validation(field, "\(field) must not be empty") }
        guard name.count <= maximum else { throw APIError.validation(field, "\(field) must be at most \(maximum) characters") }
        guard !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw APIError.validation(field, "\(field) must not contain control characters")
        }
        return name
    }

    static func uuid(_ raw: String?, field: String) throws(APIError) -> UUID {
        guard let raw, let id = UUID(uuidString: raw) else { throw APIError.validation(field, "\(field) must be a UUID") }
        return id
    }
}
