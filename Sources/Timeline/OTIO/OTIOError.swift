/// An error reading or converting OpenTimelineIO JSON.
///
/// ``code`` is stable; ``detail`` names the JSON path of the problem (never the file's content).
public struct OTIOError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Base: String, Sendable, Hashable {
        case invalidJSON = "OTIO_INVALID_JSON"
        case invalidDocument = "OTIO_INVALID_DOCUMENT"
        case notATimeline = "OTIO_NOT_A_TIMELINE"
        case invalidTime = "OTIO_INVALID_TIME"
    }

    private let base: Base
    /// Context: the coding path and what was wrong.
    public let detail: String

    private init(_ base: Base, _ detail: String = "") {
        self.base = base
        self.detail = detail
    }

    /// A stable code such as `OTIO_INVALID_DOCUMENT`.
    public var code: String { base.rawValue }
    public var description: String { detail.isEmpty ? "OTIOError(\(code))" : "OTIOError(\(code): \(detail))" }
    public static func == (lhs: OTIOError, rhs: OTIOError) -> Bool { lhs.base == rhs.base }
    public func hash(into hasher: inout Hasher) { hasher.combine(base) }

    /// The input is not JSON.
    public static let invalidJSON = OTIOError(.invalidJSON)
    /// A required field is missing or has the wrong type (for example a `RationalTime` without `rate`).
    public static let invalidDocument = OTIOError(.invalidDocument)
    /// The top-level object is not a `Timeline.1`.
    public static let notATimeline = OTIOError(.notATimeline)
    /// A time could not be converted exactly (bad rate, out of range).
    public static let invalidTime = OTIOError(.invalidTime)

    /// Returns a copy carrying extra context.
    public func with(detail: String) -> OTIOError { OTIOError(base, detail) }
}
