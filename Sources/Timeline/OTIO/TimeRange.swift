/// OpenTimelineIO's `TimeRange`: a start time and a duration (`TimeRange.1`).
public struct TimeRange: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The first instant of the range.
    public var startTime: RationalTime
    /// The length of the range.
    public var duration: RationalTime

    /// Creates a range.
    public init(startTime: RationalTime, duration: RationalTime) {
        self.startTime = startTime
        self.duration = duration
    }

    /// A range of `duration` flicks from `start`, at `rate`.
    public init(start: Flicks, duration: Flicks, rate: FrameRate) {
        startTime = RationalTime(start, rate: rate)
        self.duration = RationalTime(duration, rate: rate)
    }

    /// Start and duration in flicks.
    /// - Throws: ``TimeError`` if a rate is invalid or a value out of range.
    public func flicks() throws(TimeError) -> (start: Flicks, duration: Flicks) {
        (try startTime.flicks(), try duration.flicks())
    }

    public var description: String { "[\(startTime) +\(duration))" }

    private enum CodingKeys: String, CodingKey {
        case schema = "OTIO_SCHEMA"
        case startTime = "start_time"
        case duration
    }

    /// Decodes a `TimeRange.1`; both fields are required (as in OTIO).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        startTime = try c.decode(RationalTime.self, forKey: .startTime)
        duration = try c.decode(RationalTime.self, forKey: .duration)
    }

    /// Encodes as `TimeRange.1`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode("TimeRange.1", forKey: .schema)
        try c.encode(duration, forKey: .duration)
        try c.encode(startTime, forKey: .startTime)
    }
}
