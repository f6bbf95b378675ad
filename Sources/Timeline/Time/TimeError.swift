/// An error from a time conversion: an invalid rate, an unparsable timecode, or a value outside
/// the range EditBay stores exactly.
///
/// Compare with the static members (`error == .invalidTimecode`) or read ``code``, a stable string.
public struct TimeError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Base: String, Sendable, Hashable {
        case invalidRate = "INVALID_RATE"
        case invalidTimecode = "INVALID_TIMECODE"
        case outOfRange = "TIME_OUT_OF_RANGE"
        case notFinite = "TIME_NOT_FINITE"
        case dropFrameUnsupported = "DROP_FRAME_UNSUPPORTED"
    }

    private let base: Base
    /// Human-readable context.
    public let detail: String

    private init(_ base: Base, _ detail: String = "") {
        self.base = base
        self.detail = detail
    }

    /// A stable machine-readable code such as `INVALID_TIMECODE`.
    public var code: String { base.rawValue }

    public var description: String { detail.isEmpty ? "TimeError(\(code))" : "TimeError(\(code): \(detail))" }

    public static func == (lhs: TimeError, rhs: TimeError) -> Bool { lhs.base == rhs.base }
    public func hash(into hasher: inout Hasher) { hasher.combine(base) }

    /// A frame or sample rate is zero, negative, or not representable as a ratio of integers.
    public static let invalidRate = TimeError(.invalidRate)
    /// A timecode string or field is malformed or names a frame that does not exist.
    public static let invalidTimecode = TimeError(.invalidTimecode)
    /// The result does not fit in the exact range (±(2^53 − 1) flicks).
    public static let outOfRange = TimeError(.outOfRange)
    /// A floating-point input was NaN or infinite.
    public static let notFinite = TimeError(.notFinite)
    /// Drop-frame timecode was asked for at a rate that has none (only 30000/1001 and 60000/1001 do).
    public static let dropFrameUnsupported = TimeError(.dropFrameUnsupported)

    /// Returns a copy carrying extra context.
    public func with(detail: String) -> TimeError { TimeError(base, detail) }
}
