/// An OTIO `Marker.2`: a named, coloured range in its owner's time frame (zero duration marks an instant).
public struct OTIOMarker: Sendable, Hashable, Codable {
    /// The marker's name (EditBay's `label`).
    public var name: String
    /// The marked range, in the owning item's time frame.
    public var markedRange: TimeRange
    /// One of OTIO's colour names (`RED`, `GREEN`, …).
    public var color: String
    /// A free comment.
    public var comment: String
    /// Free metadata, kept untouched.
    public var metadata: JSONObject

    /// Creates a marker.
    public init(name: String = "", markedRange: TimeRange, color: String = "RED", comment: String = "", metadata: JSONObject = [:]) {
        self.name = name
        self.markedRange = markedRange
        self.color = color
        self.comment = comment
        self.metadata = metadata
    }

    /// Decodes a `Marker.1`/`Marker.2`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyCodingKey.self)
        name = try OTIOCoding.string(c, "name")
        markedRange = try c.decode(TimeRange.self, forKey: AnyCodingKey("marked_range"))
        color = try OTIOCoding.string(c, "color", default: "RED")
        comment = try OTIOCoding.string(c, "comment")
        metadata = try OTIOCoding.object(c, "metadata")
    }

    /// Encodes a `Marker.2`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyCodingKey.self)
        try OTIOCoding.put(&c, "OTIO_SCHEMA", "Marker.2")
        try OTIOCoding.put(&c, "name", name)
        try OTIOCoding.put(&c, "metadata", metadata)
        try OTIOCoding.put(&c, "color", color)
        try OTIOCoding.put(&c, "comment", comment)
        try OTIOCoding.put(&c, "marked_range", markedRange)
    }
}
