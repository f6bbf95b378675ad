/// An OTIO `Track.1`: children laid end to end.
public struct OTIOTrack: Sendable, Hashable, Codable {
    /// `"Video"` or `"Audio"` (other strings are kept).
    public var kind: String
    /// The track's name.
    public var name: String
    /// The children in order.
    public var children: [OTIOComposable]
    /// An optional trim of the whole track.
    public var sourceRange: TimeRange?
    /// Markers in the track's time frame.
    public var markers: [OTIOMarker]
    /// Effects, kept as JSON.
    public var effects: [JSONValue]
    /// False if disabled.
    public var enabled: Bool
    /// Free metadata.
    public var metadata: JSONObject

    /// Creates a track.
    public init(
        name: String = "",
        kind: String = "Video",
        children: [OTIOComposable] = [],
        markers: [OTIOMarker] = [],
        enabled: Bool = true,
        metadata: JSONObject = [:]
    ) {
        self.kind = kind
        self.name = name
        self.children = children
        self.sourceRange = nil
        self.markers = markers
        self.effects = []
        self.enabled = enabled
        self.metadata = metadata
    }

    /// The track's length: its source range's duration, or the sum of its children.
    /// - Throws: ``TimeError``.
    public func duration() throws(TimeError) -> Flicks {
        if let sourceRange { return try sourceRange.duration.flicks() }
        var total = Flicks.zero
        for child in children { total += try child.duration() }
        return total
    }

    /// Each child's `range_in_parent()`, as OTIO computes it: items follow one another; a
    /// transition covers `[cut − in_offset, cut + out_offset)` and moves nothing.
    /// - Throws: ``TimeError``.
    public func childRanges() throws(TimeError) -> [(start: Flicks, duration: Flicks)] {
        var out: [(start: Flicks, duration: Flicks)] = []
        var cursor = Flicks.zero
        for child in children {
            if case .transition(let t) = child {
                let i = try t.inOffset.flicks()
                let o = try t.outOffset.flicks()
                out.append((cursor - i, i + o))
            } else {
                let d = try child.duration()
                out.append((cursor, d))
                cursor += d
            }
        }
        return out
    }

    /// Decodes a `Track.1`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyCodingKey.self)
        name = try OTIOCoding.string(c, "name")
        kind = try OTIOCoding.string(c, "kind", default: "Video")
        children = try OTIOCoding.optional(c, "children", [OTIOComposable].self) ?? []
        sourceRange = try OTIOCoding.optional(c, "source_range", TimeRange.self)
        markers = try OTIOCoding.optional(c, "markers", [OTIOMarker].self) ?? []
        effects = try OTIOCoding.optional(c, "effects", [JSONValue].self) ?? []
        enabled = try OTIOCoding.optional(c, "enabled", Bool.self) ?? true
        metadata = try OTIOCoding.object(c, "metadata")
    }

    /// Encodes a `Track.1`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyCodingKey.self)
        try OTIOCoding.put(&c, "OTIO_SCHEMA", "Track.1")
        try OTIOCoding.put(&c, "name", name)
        try OTIOCoding.put(&c, "metadata", metadata)
        try OTIOCoding.putOptional(&c, "source_range", sourceRange)
        try OTIOCoding.put(&c, "effects", effects)
        try OTIOCoding.put(&c, "markers", markers)
        try OTIOCoding.put(&c, "enabled", enabled)
        try OTIOCoding.put(&c, "children", children)
        try OTIOCoding.put(&c, "kind", kind)
    }
}
