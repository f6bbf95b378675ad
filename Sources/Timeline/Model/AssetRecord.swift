import CRDT

/// One asset as stored in `assets` (id → map).
public struct AssetRecord: Sendable, Hashable, Codable {
    /// The asset's id.
    public var id: String
    /// Its kind.
    public var kind: AssetKind
    /// The display name.
    public var name: String
    /// The blob key or URL of the media.
    public var uri: String
    /// The media's length (nil for images, text, or not yet known).
    public var duration: Flicks?
    /// The media time of its first frame (for example a source timecode of one hour); clip `in`
    /// points count from here. Defaults to zero.
    public var start: Flicks
    /// Pixel width, if known.
    public var width: Int64?
    /// Pixel height, if known.
    public var height: Int64?
    /// The media frame rate, if known.
    public var rate: FrameRate?
    /// True if a video asset carries sound.
    public var hasAudio: Bool
    /// Ready, pending, failed or missing.
    public var status: AssetStatus
    /// Where it came from, e.g. `{"type": "upload"}` or `{"type": "job", "job": "…"}`.
    public var origin: JSONObject

    /// Creates an asset record.
    public init(
        id: String,
        kind: AssetKind,
        name: String = "",
        uri: String = "",
        duration: Flicks? = nil,
        start: Flicks = .zero,
        width: Int64? = nil,
        height: Int64? = nil,
        rate: FrameRate? = nil,
        hasAudio: Bool = false,
        status: AssetStatus = .ready,
        origin: JSONObject = ["type": .string("upload")]
    ) {
        self.id = id
        self.kind = kind
        self.name = name
        self.uri = uri
        self.duration = duration
        self.start = start
        self.width = width
        self.height = height
        self.rate = rate
        self.hasAudio = hasAudio
        self.status = status
        self.origin = origin
    }

    static func parse(id: String, _ o: YObject) -> Result<AssetRecord, EntryProblem> {
        guard let k = o["kind"]?.stringValue, let kind = AssetKind(rawValue: k) else {
            return .failure(EntryProblem(collection: .assets, id: id, reason: "kind is missing or unknown"))
        }
        var origin: JSONObject = [:]
        if case .object(let m)? = o["origin"]?.jsonValue { origin = m }
        return .success(
            AssetRecord(
                id: id,
                kind: kind,
                name: o["name"]?.stringValue ?? "",
                uri: o["uri"]?.stringValue ?? "",
                duration: o["duration"]?.flicksValue,
                start: o["start"]?.flicksValue ?? .zero,
                width: o["width"]?.int64Value,
                height: o["height"]?.int64Value,
                rate: FrameRate(yAny: o["rate"]),
                hasAudio: o["hasAudio"]?.boolValue ?? false,
                status: o["status"]?.stringValue.flatMap(AssetStatus.init(rawValue:)) ?? .ready,
                origin: origin
            )
        )
    }

    var fields: [String: YAny] {
        var f: [String: YAny] = [
            "kind": .string(kind.rawValue), "name": .string(name), "uri": .string(uri), "start": YAny(start), "hasAudio": .bool(hasAudio),
            "status": .string(status.rawValue), "origin": JSONValue.object(origin).yAny,
        ]
        if let duration { f["duration"] = YAny(duration) }
        if let width { f["width"] = .integer(width) }
        if let height { f["height"] = .integer(height) }
        if let rate { f["rate"] = rate.yAny }
        return f
    }
}
