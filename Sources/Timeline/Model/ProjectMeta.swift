import CRDT

/// The project's settings: the `meta` map of the document.
public struct ProjectMeta: Sendable, Hashable, Codable {
    /// The schema version this code writes and understands.
    public static let currentSchema: Int64 = 1

    /// The document's schema version (`meta.schema`).
    public var schema: Int64
    /// The project's name.
    public var name: String
    /// The project frame rate (`{num, den}`).
    public var rate: FrameRate
    /// Frame width in pixels.
    public var width: Int64
    /// Frame height in pixels.
    public var height: Int64
    /// Audio sample rate in Hz.
    public var sampleRate: Int64
    /// Free metadata (for example an imported OTIO timeline's metadata).
    public var metadata: JSONObject

    /// Creates project settings (defaults: 1920×1080 at 24 fps, 48 kHz).
    public init(
        name: String,
        rate: FrameRate = .fps24,
        width: Int64 = 1920,
        height: Int64 = 1080,
        sampleRate: Int64 = 48_000,
        metadata: JSONObject = [:]
    ) {
        self.schema = Self.currentSchema
        self.name = name
        self.rate = rate
        self.width = width
        self.height = height
        self.sampleRate = sampleRate
        self.metadata = metadata
    }

    /// Reads `meta`; missing optional fields take the defaults.
    /// - Throws: ``TimelineError/notAProject`` without `schema`, ``TimelineError/unsupportedSchema`` if newer.
    init(fields o: YObject) throws(TimelineError) {
        guard let schema = o["schema"]?.int64Value else { throw TimelineError.notAProject.with("meta.schema is missing") }
        guard schema <= Self.currentSchema, schema >= 1 else {
            throw TimelineError.unsupportedSchema.with("schema \(schema); this server reads \(Self.currentSchema)")
        }
        self.schema = schema
        name = o["name"]?.stringValue ?? ""
        rate = FrameRate(yAny: o["rate"]) ?? .fps24
        width = o["width"]?.int64Value ?? 1920
        height = o["height"]?.int64Value ?? 1080
        sampleRate = o["sampleRate"]?.int64Value ?? 48_000
        if case .object(let m)? = o["metadata"]?.jsonValue { metadata = m } else { metadata = [:] }
    }

    var fields: [String: YAny] {
        var f: [String: YAny] = [
            "schema": .integer(schema), "name": .string(name), "rate": rate.yAny, "width": .integer(width),
            "height": .integer(height), "sampleRate": .integer(sampleRate),
        ]
        if !metadata.isEmpty { f["metadata"] = JSONValue.object(metadata).yAny }
        return f
    }
}
