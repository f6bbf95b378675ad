/// OpenTimelineIO's `RationalTime`: `value` frames at `rate` frames per second, both as OTIO
/// stores them (floating point). Used only at the OTIO boundary; EditBay stores ``Flicks``.
public struct RationalTime: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The number of frames (may be fractional in files written by other tools).
    public var value: Double
    /// Frames per second.
    public var rate: Double

    /// Creates a time of `value` frames at `rate`.
    public init(value: Double, rate: Double) {
        self.value = value
        self.rate = rate
    }

    /// Expresses `flicks` at `rate`: the value is a whole number when the time is on a frame
    /// boundary (always, for times EditBay creates at the project rate), else the nearest double.
    public init(_ flicks: Flicks, rate: FrameRate) {
        self.rate = rate.doubleValue
        if flicks.isOnFrameBoundary(at: rate) {
            value = Double(flicks.frames(at: rate))
        } else {
            value = Double(flicks.value) * Double(rate.numerator) / (Double(Flicks.perSecond) * Double(rate.denominator))
        }
    }

    /// The exact rate this time uses (see ``FrameRate/init(approximating:)``).
    /// - Throws: ``TimeError/invalidRate``.
    public var frameRate: FrameRate {
        get throws(TimeError) { try FrameRate(approximating: rate) }
    }

    /// Converts to flicks: exact for a whole `value` at a recognised rate; a fractional value is
    /// rounded to the nearest flick.
    /// - Throws: ``TimeError/invalidRate``, ``TimeError/notFinite``, ``TimeError/outOfRange``.
    public func flicks() throws(TimeError) -> Flicks {
        guard value.isFinite else { throw TimeError.notFinite }
        let r = try frameRate
        if value == value.rounded(), abs(value) < 9.0e15 {
            return try Flicks(frames: Int64(value), rate: r)
        }
        let f = value * Double(Flicks.perSecond) * Double(r.denominator) / Double(r.numerator)
        guard abs(f) <= Double(Flicks.maxExact) else { throw TimeError.outOfRange }
        return Flicks(Int64(f.rounded(.toNearestOrAwayFromZero)))
    }

    public var description: String { "\(value)@\(rate)" }

    private enum CodingKeys: String, CodingKey {
        case schema = "OTIO_SCHEMA"
        case value, rate
    }

    /// Decodes `{"OTIO_SCHEMA": "RationalTime.1", "value": …, "rate": …}`; `value` and `rate` are required.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        value = try c.decode(Double.self, forKey: .value)
        rate = try c.decode(Double.self, forKey: .rate)
    }

    /// Encodes as `RationalTime.1`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode("RationalTime.1", forKey: .schema)
        try c.encode(rate, forKey: .rate)
        try c.encode(value, forKey: .value)
    }
}
