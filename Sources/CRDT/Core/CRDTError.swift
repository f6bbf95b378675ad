/// An error raised by the CRDT engine: malformed input, impossible operations or out-of-range values.
///
/// The error is a struct wrapping a private enum so new cases can be added without breaking API.
/// Compare errors with the static members (`error == .unexpectedEnd`) or switch on ``code``,
/// a stable string meant for logs, metrics and API error envelopes.
public struct CRDTError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Base: String, Sendable, Hashable {
        case unexpectedEnd = "UNEXPECTED_END"
        case integerOutOfRange = "INTEGER_OUT_OF_RANGE"
        case unknownAnyTag = "UNKNOWN_ANY_TAG"
        case lengthTooLarge = "LENGTH_TOO_LARGE"
        case nestingTooDeep = "NESTING_TOO_DEEP"
        case malformedUpdate = "MALFORMED_UPDATE"
        case unknownContentRef = "UNKNOWN_CONTENT_REF"
        case unknownTypeRef = "UNKNOWN_TYPE_REF"
        case invalidJSON = "INVALID_JSON"
        case indexOutOfRange = "INDEX_OUT_OF_RANGE"
        case typeMismatch = "TYPE_MISMATCH"
        case invalidOperation = "INVALID_OPERATION"
    }

    private let base: Base
    /// Extra human-readable context (never contains document content beyond small snippets).
    public let detail: String

    private init(_ base: Base, _ detail: String = "") {
        self.base = base
        self.detail = detail
    }

    /// A stable machine-readable code such as `UNEXPECTED_END` or `MALFORMED_UPDATE`.
    public var code: String { base.rawValue }

    public var description: String { detail.isEmpty ? "CRDTError(\(code))" : "CRDTError(\(code): \(detail))" }

    public static func == (lhs: CRDTError, rhs: CRDTError) -> Bool { lhs.base == rhs.base }
    public func hash(into hasher: inout Hasher) { hasher.combine(base) }

    /// The input ended in the middle of a value.
    public static let unexpectedEnd = CRDTError(.unexpectedEnd)
    /// A variable-length integer is larger than 2^53 − 1 (JavaScript's safe integer range).
    public static let integerOutOfRange = CRDTError(.integerOutOfRange)
    /// An `any` value has a tag lib0 does not define.
    public static let unknownAnyTag = CRDTError(.unknownAnyTag)
    /// A length prefix is larger than the remaining input or a configured bound.
    public static let lengthTooLarge = CRDTError(.lengthTooLarge)
    /// Nested values are deeper than the decoder allows.
    public static let nestingTooDeep = CRDTError(.nestingTooDeep)
    /// An update is structurally invalid.
    public static let malformedUpdate = CRDTError(.malformedUpdate)
    /// An item uses a content ref outside 1...9.
    public static let unknownContentRef = CRDTError(.unknownContentRef)
    /// A ContentType names a type ref this engine does not know.
    public static let unknownTypeRef = CRDTError(.unknownTypeRef)
    /// JSON text could not be parsed.
    public static let invalidJSON = CRDTError(.invalidJSON)
    /// An index or range is outside the bounds of a shared type.
    public static let indexOutOfRange = CRDTError(.indexOutOfRange)
    /// A root type was requested with a different kind than it already has.
    public static let typeMismatch = CRDTError(.typeMismatch)
    /// The operation is not possible in the current state (e.g. editing a type that is not in a document).
    public static let invalidOperation = CRDTError(.invalidOperation)

    /// Returns a copy of this error carrying extra context.
    public func with(detail: String) -> CRDTError { CRDTError(base, detail) }
}
