/// An OTIO `Stack.1`: children layered at the same time (`children[0]` is the bottom layer).
public struct OTIOStack: Sendable, Hashable, Codable {
    /// The stack's name (`"tracks"` for a timeline's top-level stack).
    public var name: String
    /// The layers, bottom first.
    public var children: [OTIOComposable]
    /// An optional trim.
    public var sourceRange: TimeRange?
    /// Markers in the stack's time frame (timeline markers live on the top-level stack).
    public var markers: [OTIOMarker]
    /// Effects, kept as JSON.
    public var effects: [JSONValue]
    /// False if disabled.
    public var enabled: Bool
    /// Free metadata.
    public var metadata: JSONObject

    /// Creates a stack.
    public init(name: String = "tracks", children: [OTIOComposable] = [], markers: [OTIOMarker] = [], metadata: JSONObject = [:]) {
        self.name = name
        self.children = children
        self.sourceRange = nil
        self.markers = markers
        self.effects = []
        self.enabled = true
        self.metadata = metadata
    }

    /// The stack's length: its source range's duration, or its longest child.
    /// - Throws: ``TimeError``.
    public func duration() throws(TimeError) -> Flicks {
        if let sourceRange { return try sourceRange.duration.flicks() }
        var longest = Flicks.zero
        for child in children { longest = max(longest, try child.duration()) }
        return longest
    }

    /// Decodes a `Stack.1`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyCodingKey.self)
        name = try OTIOCoding.string(c, "name")
        children = try OTIOCoding.optional(c, "children", [OTIOComposable].self) ?? []
        sourceRange = try OTIOCoding.optional(c, "source_range", TimeRange.self)
        markers = try OTIOCoding.optional(c, "markers", [OTIOMarker].self) ?? []
        effects = try OTIOCoding.optional(c, "effects", [JSONValue].self) ?? []
        enabled = try OTIOCoding.optional(c, "enabled", Bool.self) ?? true
        metadata = try OTIOCoding.object(c, "metadata")
    }

    /// Encodes a `Stack.1`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyCodingKey.self)
        try OTIOCoding.put(&c, "OTIO_SCHEMA", "Stack.1")
        try OTIOCoding.put(&c, "name", name)
        try OTIOCoding.put(&c, "metadata", metadata)
        try OTIOCoding.putOptional(&c, "source_range", sourceRange)
        try OTIOCoding.put(&c, "effects", effects)
        try OTIOCoding.put(&c, "markers", markers)
        try OTIOCoding.put(&c, "enabled", enabled)
        try OTIOCoding.put(&c, "children", children)
    }
}
