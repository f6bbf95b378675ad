/// An OTIO `Transition.1` between the items before and after it on a track. It does not change
/// the track's length: `in_offset` and `out_offset` are handles taken from its neighbours.
public struct OTIOTransition: Sendable, Hashable, Codable {
    /// The transition's name.
    public var name: String
    /// `SMPTE_Dissolve` or `Custom`.
    public var transitionType: String
    /// Length before the cut.
    public var inOffset: RationalTime
    /// Length after the cut.
    public var outOffset: RationalTime
    /// Free metadata.
    public var metadata: JSONObject

    /// Creates a transition.
    public init(name: String = "", transitionType: String, inOffset: RationalTime, outOffset: RationalTime, metadata: JSONObject = [:]) {
        self.name = name
        self.transitionType = transitionType
        self.inOffset = inOffset
        self.outOffset = outOffset
        self.metadata = metadata
    }

    /// Decodes a `Transition.1`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyCodingKey.self)
        name = try OTIOCoding.string(c, "name")
        transitionType = try OTIOCoding.string(c, "transition_type", default: "SMPTE_Dissolve")
        inOffset = try c.decode(RationalTime.self, forKey: AnyCodingKey("in_offset"))
        outOffset = try c.decode(RationalTime.self, forKey: AnyCodingKey("out_offset"))
        metadata = try OTIOCoding.object(c, "metadata")
    }

    /// Encodes a `Transition.1`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyCodingKey.self)
        try OTIOCoding.put(&c, "OTIO_SCHEMA", "Transition.1")
        try OTIOCoding.put(&c, "name", name)
        try OTIOCoding.put(&c, "metadata", metadata)
        try OTIOCoding.put(&c, "transition_type", transitionType)
        try OTIOCoding.put(&c, "in_offset", inOffset)
        try OTIOCoding.put(&c, "out_offset", outOffset)
    }
}
