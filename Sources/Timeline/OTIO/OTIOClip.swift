/// An OTIO `Clip.2` (reads `Clip.1` too): a trimmed range of media.
public struct OTIOClip: Sendable, Hashable, Codable {
    /// The key of the default media reference.
    public static let defaultMediaKey = "DEFAULT_MEDIA"

    /// The clip's name.
    public var name: String
    /// The trim, in the media's time frame; nil means the whole available range.
    public var sourceRange: TimeRange?
    /// Media references by key.
    public var mediaReferences: [String: OTIOMediaReference]
    /// Which of ``mediaReferences`` is used.
    public var activeMediaReferenceKey: String
    /// Markers in the clip's (media) time frame.
    public var markers: [OTIOMarker]
    /// Effects, kept as JSON (`LinearTimeWarp.1` is read as speed on import).
    public var effects: [JSONValue]
    /// False if the clip is disabled.
    public var enabled: Bool
    /// Free metadata.
    public var metadata: JSONObject

    /// Creates a clip with one reference under `DEFAULT_MEDIA`.
    public init(
        name: String = "",
        sourceRange: TimeRange?,
        mediaReference: OTIOMediaReference = OTIOMediaReference(kind: .missing),
        markers: [OTIOMarker] = [],
        effects: [JSONValue] = [],
        enabled: Bool = true,
        metadata: JSONObject = [:]
    ) {
        self.name = name
        self.sourceRange = sourceRange
        self.mediaReferences = [Self.defaultMediaKey: mediaReference]
        self.activeMediaReferenceKey = Self.defaultMediaKey
        self.markers = markers
        self.effects = effects
        self.enabled = enabled
        self.metadata = metadata
    }

    /// The active media reference, if present.
    public var mediaReference: OTIOMediaReference? { mediaReferences[activeMediaReferenceKey] }

    /// OTIO's `trimmed_range()`: the source range, or the media's available range.
    public var trimmedRange: TimeRange? { sourceRange ?? mediaReference?.availableRange }

    /// Decodes `Clip.2`, or `Clip.1` (its single `media_reference` becomes `DEFAULT_MEDIA`).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyCodingKey.self)
        let version = OTIOCoding.splitSchema(try OTIOCoding.schema(c)).version
        name = try OTIOCoding.string(c, "name")
        sourceRange = try OTIOCoding.optional(c, "source_range", TimeRange.self)
        if version <= 1 {
            let ref = try OTIOCoding.optional(c, "media_reference", OTIOMediaReference.self) ?? OTIOMediaReference(kind: .missing)
            mediaReferences = [Self.defaultMediaKey: ref]
            activeMediaReferenceKey = Self.defaultMediaKey
        } else {
            mediaReferences = try OTIOCoding.optional(c, "media_references", [String: OTIOMediaReference].self) ?? [:]
            activeMediaReferenceKey = try OTIOCoding.string(c, "active_media_reference_key", default: Self.defaultMediaKey)
        }
        markers = try OTIOCoding.optional(c, "markers", [OTIOMarker].self) ?? []
        effects = try OTIOCoding.optional(c, "effects", [JSONValue].self) ?? []
        enabled = try OTIOCoding.optional(c, "enabled", Bool.self) ?? true
        metadata = try OTIOCoding.object(c, "metadata")
    }

    /// Encodes a `Clip.2`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyCodingKey.self)
        try OTIOCoding.put(&c, "OTIO_SCHEMA", "Clip.2")
        try OTIOCoding.put(&c, "name", name)
        try OTIOCoding.put(&c, "metadata", metadata)
        try OTIOCoding.putOptional(&c, "source_range", sourceRange)
        try OTIOCoding.put(&c, "effects", effects)
        try OTIOCoding.put(&c, "markers", markers)
        try OTIOCoding.put(&c, "enabled", enabled)
        try OTIOCoding.put(&c, "media_references", mediaReferences)
        try OTIOCoding.put(&c, "active_media_reference_key", activeMediaReferenceKey)
    }
}
