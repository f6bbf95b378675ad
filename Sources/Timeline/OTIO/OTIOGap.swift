/// An OTIO `Gap.1`: empty time on a track.
public struct OTIOGap: Sendable, Hashable, Codable {
    /// The gap's name.
    public var name: String
    /// Its range; only the duration matters.
    public var sourceRange: TimeRange
    /// Markers on the gap.
    public var markers: [OTIOMarker]
    /// Effects, kept as JSON.
    public var effects: [JSONValue]
    /// Free metadata (for example `ai_fill`).
    public var metadata: JSONObject

    /// Creates a gap of `duration` at `rate`.
    public init(name: String = "", duration: Flicks, rate: FrameRate, metadata: JSONObject = [:]) {
        self.name = name
        sourceRange = TimeRange(start: .zero, duration: duration, rate: rate)
        markers = []
        effects = []
        self.metadata = metadata
    }

    /// Decodes a `Gap.1`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyCodingKey.self)
        name = try OTIOCoding.string(c, "name")
        sourceRange = try c.decode(TimeRange.self, forKey: AnyCodingKey("source_range"))
        markers = try OTIOCoding.optional(c, "markers", [OTIOMarker].self) ?? []
        effects = try OTIOCoding.optional(c, "effects", [JSONValue].self) ?? []
        metadata = try OTIOCoding.object(c, "metadata")
    }

    /// Encodes a `Gap.1`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyCodingKey.self)
        try OTIOCoding.put(&c, "OTIO_SCHEMA", "Gap.1")
        try OTIOCoding.put(&c, "name", name)
        try OTIOCoding.put(&c, "metadata", metadata)
        try OTIOCoding.put(&c, "source_range", sourceRange)
        try OTIOCoding.put(&c, "effects", effects)
        try OTIOCoding.put(&c, "markers", markers)
        try OTIOCoding.put(&c, "enabled", true)
    }
}
