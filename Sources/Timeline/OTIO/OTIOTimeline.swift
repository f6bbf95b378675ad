import Foundation

/// An OTIO `Timeline.1`: a named top-level stack of tracks.
///
/// ```swift
/// let timeline = try OTIOTimeline(jsonData: data)   // read a .otio file
/// let data = try timeline.jsonData()                // write one
/// ```
public struct OTIOTimeline: Sendable, Hashable, Codable {
    /// The timeline's name.
    public var name: String
    /// The timecode of the timeline's first frame (for example `01:00:00:00`), if set.
    public var globalStartTime: RationalTime?
    /// The tracks, bottom layer first.
    public var tracks: OTIOStack
    /// Free metadata, kept untouched.
    public var metadata: JSONObject

    /// Creates a timeline.
    public init(name: String, globalStartTime: RationalTime? = nil, tracks: OTIOStack = OTIOStack(), metadata: JSONObject = [:]) {
        self.name = name
        self.globalStartTime = globalStartTime
        self.tracks = tracks
        self.metadata = metadata
    }

    /// Reads OTIO JSON (`otio_json`).
    /// - Throws: ``OTIOError`` naming the JSON path of the problem.
    public init(jsonData data: Data) throws(OTIOError) {
        let top: JSONObject
        do {
            top = try JSONDecoder().decode(JSONObject.self, from: data)
        } catch {
            throw OTIOError.invalidJSON
        }
        guard let schema = top["OTIO_SCHEMA"]?.stringValue, OTIOCoding.splitSchema(schema) == ("Timeline", 1) else {
            throw OTIOError.notATimeline.with(detail: "OTIO_SCHEMA is \(top["OTIO_SCHEMA"]?.stringValue ?? "missing")")
        }
        do {
            self = try JSONDecoder().decode(OTIOTimeline.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw OTIOError.invalidDocument.with(detail: "missing \(key.stringValue) at \(Self.path(context.codingPath))")
        } catch let DecodingError.typeMismatch(_, context) {
            throw OTIOError.invalidDocument.with(detail: "wrong type at \(Self.path(context.codingPath))")
        } catch let DecodingError.valueNotFound(_, context) {
            throw OTIOError.invalidDocument.with(detail: "null at \(Self.path(context.codingPath))")
        } catch {
            throw OTIOError.invalidDocument
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
    }

    /// Writes OTIO JSON (sorted keys, indented), loadable by `opentimelineio` 0.18.
    public func jsonData() throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .prettyPrinted]
        return try e.encode(self)
    }

    /// The timeline's length: the top-level stack's.
    /// - Throws: ``TimeError``.
    public func duration() throws(TimeError) -> Flicks { try tracks.duration() }

    /// Decodes a `Timeline.1`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyCodingKey.self)
        name = try OTIOCoding.string(c, "name")
        globalStartTime = try OTIOCoding.optional(c, "global_start_time", RationalTime.self)
        tracks = try OTIOCoding.optional(c, "tracks", OTIOStack.self) ?? OTIOStack()
        metadata = try OTIOCoding.object(c, "metadata")
    }

    /// Encodes a `Timeline.1`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyCodingKey.self)
        try OTIOCoding.put(&c, "OTIO_SCHEMA", "Timeline.1")
        try OTIOCoding.put(&c, "name", name)
        try OTIOCoding.put(&c, "metadata", metadata)
        try OTIOCoding.putOptional(&c, "global_start_time", globalStartTime)
        try OTIOCoding.put(&c, "tracks", tracks)
    }
}
