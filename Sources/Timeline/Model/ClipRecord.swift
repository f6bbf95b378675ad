import CRDT

/// One clip as stored in `clips` (id → map). Times are flicks.
public struct ClipRecord: Sendable, Hashable, Codable {
    /// The clip's id.
    public var id: String
    /// The id of the track it is on (a move changes only this field).
    public var track: String
    /// The id of its asset.
    public var asset: String
    /// Where it starts on the timeline.
    public var start: Flicks
    /// Its length on the timeline.
    public var duration: Flicks
    /// The offset into the asset's media of its first frame (JSON key `in`).
    public var inPoint: Flicks
    /// Playback speed (1 = normal); the clip uses `duration × speed` of media.
    public var speed: Double
    /// Linear audio gain (1 = unchanged).
    public var gain: Double
    /// Opacity, 0…1.
    public var opacity: Double
    /// A transition into the clip, if any.
    public var transitionIn: ClipTransition?
    /// The display name.
    public var name: String
    /// Free metadata (for example OTIO metadata kept on import).
    public var metadata: JSONObject

    /// The first instant after the clip.
    public var end: Flicks { start + duration }

    /// How much media the clip uses: `duration × speed`, rounded up to a flick (clamped to the
    /// exact range, so absurd speeds written by a foreign client cannot trap).
    public var mediaDuration: Flicks {
        if speed == 1 { return duration }
        let product = (Double(duration.value) * speed).rounded(.up)
        guard product.isFinite, product < Double(Flicks.maxExact) else { return Flicks(Flicks.maxExact) }
        return Flicks(Int64(max(product, 0)))
    }

    /// Creates a clip record.
    public init(
        id: String,
        track: String,
        asset: String,
        start: Flicks,
        duration: Flicks,
        inPoint: Flicks = .zero,
        speed: Double = 1,
        gain: Double = 1,
        opacity: Double = 1,
        transitionIn: ClipTransition? = nil,
        name: String = "",
        metadata: JSONObject = [:]
    ) {
        self.id = id
        self.track = track
        self.asset = asset
        self.start = start
        self.duration = duration
        self.inPoint = inPoint
        self.speed = speed
        self.gain = gain
        self.opacity = opacity
        self.transitionIn = transitionIn
        self.name = name
        self.metadata = metadata
    }

    enum CodingKeys: String, CodingKey {
        case id, track, asset, start, duration, inPoint = "in", speed, gain, opacity, transitionIn, name, metadata
    }

    static func parse(id: String, _ o: YObject) -> Result<ClipRecord, EntryProblem> {
        func problem(_ r: String) -> Result<ClipRecord, EntryProblem> { .failure(EntryProblem(collection: .clips, id: id, reason: r)) }
        guard let track = o["track"]?.stringValue else { return problem("track is missing") }
        guard let asset = o["asset"]?.stringValue else { return problem("asset is missing") }
        guard let start = o["start"]?.flicksValue else { return problem("start is missing or not an integer") }
        guard let duration = o["duration"]?.flicksValue, duration > .zero else { return problem("duration is missing or not positive") }
        let speed = o["speed"]?.doubleValue ?? 1
        let gain = o["gain"]?.doubleValue ?? 1
        let opacity = o["opacity"]?.doubleValue ?? 1
        guard speed.isFinite, speed > 0 else { return problem("speed must be a positive number") }
        guard gain.isFinite, opacity.isFinite else { return problem("gain and opacity must be finite numbers") }
        var metadata: JSONObject = [:]
        if case .object(let m)? = o["metadata"]?.jsonValue { metadata = m }
        return .success(
            ClipRecord(
                id: id,
                track: track,
                asset: asset,
                start: start,
                duration: duration,
                inPoint: o["in"]?.flicksValue ?? .zero,
                speed: speed,
                gain: gain,
                opacity: opacity,
                transitionIn: ClipTransition(yAny: o["transitionIn"]),
                name: o["name"]?.stringValue ?? "",
                metadata: metadata
            )
        )
    }

    var fields: [String: YAny] {
        var f: [String: YAny] = [
            "track": .string(track), "asset": .string(asset), "start": YAny(start), "duration": YAny(duration), "in": YAny(inPoint),
            "speed": .float64(speed), "gain": .float64(gain), "opacity": .float64(opacity), "name": .string(name),
        ]
        if let transitionIn { f["transitionIn"] = transitionIn.yAny }
        if !metadata.isEmpty { f["metadata"] = JSONValue.object(metadata).yAny }
        return f
    }
}
