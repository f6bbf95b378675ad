/// A child of an OTIO track or stack.
public enum OTIOComposable: Sendable, Hashable, Codable {
    /// A `Clip.1`/`Clip.2`.
    case clip(OTIOClip)
    /// A `Gap.1`.
    case gap(OTIOGap)
    /// A `Transition.1`.
    case transition(OTIOTransition)
    /// A nested `Track.1`.
    case track(OTIOTrack)
    /// A nested `Stack.1`.
    case stack(OTIOStack)
    /// Any other schema (or an unsupported version of a known one), kept as read.
    case unknown(schema: String, fields: JSONObject)

    /// Decodes by `OTIO_SCHEMA`; unknown schemas are kept whole.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyCodingKey.self)
        let schema = try OTIOCoding.schema(c)
        let (name, version) = OTIOCoding.splitSchema(schema)
        switch (name, version) {
        case ("Clip", 1), ("Clip", 2): self = .clip(try OTIOClip(from: decoder))
        case ("Gap", 1): self = .gap(try OTIOGap(from: decoder))
        case ("Transition", 1): self = .transition(try OTIOTransition(from: decoder))
        case ("Track", 1): self = .track(try OTIOTrack(from: decoder))
        case ("Stack", 1): self = .stack(try OTIOStack(from: decoder))
        default:
            var fields = try JSONObject(from: decoder)
            fields["OTIO_SCHEMA"] = nil
            self = .unknown(schema: schema, fields: fields)
        }
    }

    /// Encodes the child with its schema.
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .clip(let v): try v.encode(to: encoder)
        case .gap(let v): try v.encode(to: encoder)
        case .transition(let v): try v.encode(to: encoder)
        case .track(let v): try v.encode(to: encoder)
        case .stack(let v): try v.encode(to: encoder)
        case .unknown(let schema, var fields):
            fields["OTIO_SCHEMA"] = .string(schema)
            try fields.encode(to: encoder)
        }
    }

    /// The child's length in its parent (OTIO's `duration()`); transitions take no length.
    /// Unknown items count by their `source_range` duration when they have one, else zero.
    /// - Throws: ``TimeError`` for bad rates or values.
    public func duration() throws(TimeError) -> Flicks {
        switch self {
        case .clip(let c): return try c.trimmedRange?.duration.flicks() ?? .zero
        case .gap(let g): return try g.sourceRange.duration.flicks()
        case .transition: return .zero
        case .track(let t): return try t.duration()
        case .stack(let s): return try s.duration()
        case .unknown(_, let fields):
            guard let d = fields["source_range"]?.objectValue?["duration"]?.objectValue,
                let value = d["value"]?.doubleValue, let rate = d["rate"]?.doubleValue
            else { return .zero }
            return try RationalTime(value: value, rate: rate).flicks()
        }
    }
}
