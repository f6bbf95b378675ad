import Foundation

/// A time or duration in flicks: 1/705,600,000 of a second, stored as an integer.
///
/// Every common frame rate (24, 25, 30, 48, 50, 60, 120 and their NTSC /1001 variants) and
/// sample rate (8k … 192k, 44.1k) divides a second into a whole number of flicks, so times on
/// frame or sample boundaries are exact. EditBay stores flicks as JavaScript numbers in the CRDT
/// document, so values are limited to ±(2^53 − 1) (about 148 days); the checked initialisers
/// throw ``TimeError/outOfRange`` beyond that.
///
/// Rounding rules: converting *to* flicks is exact for the rates above; otherwise, and when
/// converting *from* flicks to a coarser unit, the caller's ``TimeRounding`` applies (frames
/// default to ``TimeRounding/down``: the frame that contains the instant).
public struct Flicks: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Flicks in one second.
    public static let perSecond: Int64 = 705_600_000
    /// The largest magnitude stored exactly (2^53 − 1, JavaScript's `Number.MAX_SAFE_INTEGER`).
    public static let maxExact: Int64 = 9_007_199_254_740_991
    /// Zero.
    public static let zero = Flicks(0)

    /// The count of flicks.
    public var value: Int64

    /// Wraps a count of flicks.
    public init(_ value: Int64) { self.value = value }

    /// True if the value is within ±(2^53 − 1).
    public var isExactlyStorable: Bool { value.magnitude <= UInt64(Self.maxExact) }

    // MARK: seconds

    /// Whole seconds.
    /// - Throws: ``TimeError/outOfRange`` beyond ±(2^53 − 1) flicks.
    public init(seconds: Int64) throws(TimeError) {
        value = try TimeMath.checked(Int128(seconds) * Int128(Self.perSecond))
    }

    /// `numerator / denominator` seconds, rounded to a flick as asked (exact when possible).
    /// - Throws: ``TimeError/invalidRate`` if `denominator` is not positive, ``TimeError/outOfRange``.
    public init(seconds numerator: Int64, over denominator: Int64, rounding: TimeRounding = .nearest) throws(TimeError) {
        guard denominator > 0 else { throw TimeError.invalidRate.with(detail: "denominator \(denominator)") }
        value = try TimeMath.checked(TimeMath.divide(Int128(numerator) * Int128(Self.perSecond), Int128(denominator), rounding))
    }

    /// Decimal seconds (for example `1.5` from JSON), converted exactly and then rounded to a flick.
    /// - Throws: ``TimeError/notFinite`` for NaN, ``TimeError/outOfRange``.
    public init(seconds: Decimal, rounding: TimeRounding = .nearest) throws(TimeError) {
        guard !seconds.isNaN else { throw TimeError.notFinite }
        var product = seconds * Decimal(Self.perSecond)
        var rounded = Decimal()
        let mode: NSDecimalNumber.RoundingMode =
            switch rounding {
            case .down: .down
            case .up: .up
            case .nearest: .plain
            }
        NSDecimalRound(&rounded, &product, 0, mode)
        guard rounded.magnitude <= Decimal(Self.maxExact) else { throw TimeError.outOfRange }
        value = NSDecimalNumber(decimal: rounded).int64Value
    }

    /// Floating-point seconds, rounded to a flick. Prefer the exact initialisers for stored times.
    /// - Throws: ``TimeError/notFinite``, ``TimeError/outOfRange``.
    public init(seconds: Double, rounding: TimeRounding = .nearest) throws(TimeError) {
        guard seconds.isFinite else { throw TimeError.notFinite }
        let scaled = seconds * Double(Self.perSecond)
        let r: Double =
            switch rounding {
            case .down: scaled.rounded(.down)
            case .up: scaled.rounded(.up)
            case .nearest: scaled.rounded(.toNearestOrAwayFromZero)
            }
        guard abs(r) <= Double(Self.maxExact) else { throw TimeError.outOfRange }
        value = Int64(r)
    }

    /// The time in seconds as a floating-point number: for people and display, never for storage.
    public var seconds: Double { Double(value) / Double(Self.perSecond) }

    // MARK: frames

    /// The start of frame `frames` at `rate` (exact when the rate divides a second into whole flicks).
    /// - Throws: ``TimeError/outOfRange``.
    public init(frames: Int64, rate: FrameRate, rounding: TimeRounding = .nearest) throws(TimeError) {
        let n = Int128(frames) * Int128(Self.perSecond) * Int128(rate.denominator)
        value = try TimeMath.checked(TimeMath.divide(n, Int128(rate.numerator), rounding))
    }

    /// The frame number at `rate`; by default the frame that contains this instant (rounded down).
    public func frames(at rate: FrameRate, rounding: TimeRounding = .down) -> Int64 {
        let n = Int128(value) * Int128(rate.numerator)
        return Int64(TimeMath.divide(n, Int128(Self.perSecond) * Int128(rate.denominator), rounding))
    }

    /// True if this instant is exactly on a frame boundary at `rate`.
    public func isOnFrameBoundary(at rate: FrameRate) -> Bool {
        (Int128(value) * Int128(rate.numerator)) % (Int128(Self.perSecond) * Int128(rate.denominator)) == 0
    }

    // MARK: samples

    /// The start of audio sample `samples` at `sampleRate` Hz (exact for 8k … 192k and 44.1k).
    /// - Throws: ``TimeError/invalidRate``, ``TimeError/outOfRange``.
    public init(samples: Int64, sampleRate: Int64, rounding: TimeRounding = .nearest) throws(TimeError) {
        guard sampleRate > 0 else { throw TimeError.invalidRate.with(detail: "sample rate \(sampleRate)") }
        value = try TimeMath.checked(TimeMath.divide(Int128(samples) * Int128(Self.perSecond), Int128(sampleRate), rounding))
    }

    /// The sample index at `sampleRate` Hz; by default the sample containing this instant.
    /// A non-positive `sampleRate` gives 0.
    public func samples(at sampleRate: Int64, rounding: TimeRounding = .down) -> Int64 {
        guard sampleRate > 0 else { return 0 }
        return Int64(TimeMath.divide(Int128(value) * Int128(sampleRate), Int128(Self.perSecond), rounding))
    }

    // MARK: timecode

    /// The SMPTE timecode of the frame containing this instant. Drop-frame by default at
    /// 29.97 and 59.94 (as OTIO's `to_timecode` does), non-drop otherwise.
    /// - Throws: ``TimeError/invalidTimecode`` for negative times, ``TimeError/dropFrameUnsupported``.
    public func timecode(at rate: FrameRate, dropFrame: Bool? = nil) throws(TimeError) -> Timecode {
        try Timecode(frameNumber: frames(at: rate), rate: rate, dropFrame: dropFrame ?? rate.supportsDropFrame)
    }

    /// The start of the frame a timecode names.
    /// - Throws: ``TimeError/outOfRange``.
    public init(timecode: Timecode) throws(TimeError) {
        try self.init(frames: timecode.frameNumber, rate: timecode.rate)
    }

    // MARK: arithmetic

    public static func < (lhs: Flicks, rhs: Flicks) -> Bool { lhs.value < rhs.value }
    /// Sum (traps on Int64 overflow, like `Int64`).
    public static func + (lhs: Flicks, rhs: Flicks) -> Flicks { Flicks(lhs.value + rhs.value) }
    /// Difference.
    public static func - (lhs: Flicks, rhs: Flicks) -> Flicks { Flicks(lhs.value - rhs.value) }
    /// Adds in place.
    public static func += (lhs: inout Flicks, rhs: Flicks) { lhs.value += rhs.value }
    /// Subtracts in place.
    public static func -= (lhs: inout Flicks, rhs: Flicks) { lhs.value -= rhs.value }

    public var description: String { "\(value)f" }

    /// Decodes a bare integer.
    public init(from decoder: any Decoder) throws {
        value = try decoder.singleValueContainer().decode(Int64.self)
    }

    /// Encodes a bare integer.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(value)
    }
}
