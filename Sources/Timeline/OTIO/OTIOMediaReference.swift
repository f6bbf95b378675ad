/// An OTIO media reference: where a clip's media lives.
public struct OTIOMediaReference: Sendable, Hashable, Codable {
    /// The kind of reference and its own fields.
    public enum Kind: Sendable, Hashable {
        /// `ExternalReference.1`: a URL.
        case external(targetURL: String)
        /// `MissingReference.1`: offline media; the clip stays valid.
        case missing
        /// `GeneratorReference.1`: media made by a generator (solid colour, AI-fill placeholder, …).
        case generator(kind: String, parameters: JSONObject)
        /// Any other schema (for example `ImageSequenceReference.1`), kept as read.
        case unknown(schema: String, fields: JSONObject)
    }

    /// What the reference is.
    public var kind: Kind
    /// The reference's name.
    public var name: String
    /// How much media exists, if known.
    public var availableRange: TimeRange?
    /// Free metadata.
    public var metadata: JSONObject

    /// Creates a reference.
    public init(kind: Kind, name: String = "", availableRange: TimeRange? = nil, metadata: JSONObject = [:]) {
        self.kind = kind
        self.name = name
        self.availableRange = availableRange
        self.metadata = metadata
    }

    /// Decodes any media reference; unknown schemas are kept whole.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyCodingKey.self)
        let schema = try OTIOCoding.schema(c)
        name = try OTIOCoding.string(c, "name")
        metadata = try OTIOCoding.object(c, "metadata")
        switch OTIOCoding.splitSchema(schema).name {
        case "ExternalReference":
            kind = .external(targetURL: try OTIOCoding.string(c, "target_url"))
            availableRange = try OTIOCoding.optional(c, "available_range", TimeRange.self)
        case "MissingReference":
            kind = .missing
            availableRange = try OTIOCoding.optional(c, "available_range", TimeRange.self)
        case "GeneratorReference":
            kind = .generator(kind: try OTIOCoding.string(c, "generator_kind"), parameters: try OTIOCoding.object(c, "parameters"))
            availableRange = try OTIOCoding.optional(c, "available_range", TimeRange.self)
        default:
            var fields = try JSONObject(from: decoder)
            fields["OTIO_SCHEMA"] = nil
            kind = .unknown(schema: schema, fields: fields)
            availableRange = try? OTIOCoding.optional(c, "available_range", TimeRange.self)
        }
    }

    /// Encodes the reference with its schema.
    public func encode(to encoder: any Encoder) throws {
        if case .unknown(let schema, var fields) = kind {
            fields["OTIO_SCHEMA"] = .string(schema)
            try fields.encode(to: encoder)
            return
        }
        var c = encoder.container(keyedBy: AnyCodingKey.self)
        switch kind {
        case .external(let url):
            try OTIOCoding.put(&c, "OTIO_SCHEMA", "ExternalReference.1")
            try OTIOCoding.put(&c, "target_url", url)
        case .missing:
            try OTIOCoding.put(&c, "OTIO_SCHEMA", "MissingReference.1")
        case .generator(let kind, let parameters):
            try OTIOCoding.put(&c, "OTIO_SCHEMA", "GeneratorReference.1")
            try OTIOCoding.put(&c, "generator_kind", kind)
            try OTIOCoding.put(&c, "parameters", parameters)
        case .unknown: break
        }
        try OTIOCoding.put(&c, "name", name)
        try OTIOCoding.put(&c, "metadata", metadata)
        try OTIOCoding.putOptional(&c, "available_range", availableRange)
    }
}
