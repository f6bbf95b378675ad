import Foundation

// The JSON view of the API contract: `{meta, tracks:[{id, kind, name, …, clips:[…]}], orphanClips,
// assets, markers, conflicts, gaps, duration}`. Times are integer flicks, each also given in
// seconds (`startSeconds`, …) for people; the seconds fields are ignored when decoding.

extension Flicks {
    fileprivate var secondsJSON: Double { seconds }
}

extension KeyedEncodingContainer where K == AnyCodingKey {
    fileprivate mutating func time(_ name: String, _ value: Flicks?) throws {
        guard let value else { return }
        try encode(value, forKey: AnyCodingKey(name))
        try encode(value.secondsJSON, forKey: AnyCodingKey(name + "Seconds"))
    }

    fileprivate mutating func put<T: Encodable>(_ name: String, _ value: T?) throws {
        if let value { try encode(value, forKey: AnyCodingKey(name)) }
    }
}

extension ClipRecord {
    /// Encodes the clip with `in` and with seconds next to each time.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyCodingKey.self)
        try c.put("id", id)
        try c.put("track", track)
        try c.put("asset", asset)
        try c.time("start", start)
        try c.time("duration", duration)
        try c.time("in", inPoint)
        try c.time("end", end)
        try c.put("speed", speed)
        try c.put("gain", gain)
        try c.put("opacity", opacity)
        try c.put("transitionIn", transitionIn)
        try c.put("name", name)
        try c.put("metadata", metadata)
    }
}

extension AssetRecord {
    /// Encodes the asset with seconds next to its duration.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyCodingKey.self)
        try c.put("id", id)
        try c.put("kind", kind)
        try c.put("name", name)
        try c.put("uri", uri)
        try c.time("duration", duration)
        try c.time("start", start)
        try c.put("width", width)
        try c.put("height", height)
        try c.put("rate", rate)
        try c.put("hasAudio", hasAudio)
        try c.put("status", status)
        try c.put("origin", origin)
    }
}

extension MarkerRecord {
    /// Encodes the marker with seconds next to its times.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyCodingKey.self)
        try c.put("id", id)
        try c.time("time", time)
        try c.time("duration", duration)
        try c.put("label", label)
        try c.put("color", color)
    }
}

extension Gap {
    /// Encodes the gap with its duration and seconds.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyCodingKey.self)
        try c.put("track", track)
        try c.time("start", start)
        try c.time("end", end)
        try c.time("duration", duration)
        try c.put("before", before)
        try c.put("after", after)
    }
}

extension TrackView: Codable {
    /// Decodes a track of the JSON view.
    public init(from decoder: any Decoder) throws {
        record = try TrackRecord(from: decoder)
        let c = try decoder.container(keyedBy: AnyCodingKey.self)
        clips = try c.decodeIfPresent([ClipRecord].self, forKey: AnyCodingKey("clips")) ?? []
    }

    /// Encodes the track's fields and its clips.
    public func encode(to encoder: any Encoder) throws {
        try record.encode(to: encoder)
        var c = encoder.container(keyedBy: AnyCodingKey.self)
        try c.put("clips", clips)
        try c.time("end", end)
    }
}

extension TimelineView: Codable {
    /// Decodes a JSON view (for `timeline convert` and imports); conflicts and gaps are recomputed
    /// from the entries, so stale ones in the input are ignored.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyCodingKey.self)
        let meta = try c.decode(ProjectMeta.self, forKey: AnyCodingKey("meta"))
        let tracks = try c.decodeIfPresent([TrackView].self, forKey: AnyCodingKey("tracks")) ?? []
        let orphans = try c.decodeIfPresent([ClipRecord].self, forKey: AnyCodingKey("orphanClips")) ?? []
        let assets = try c.decodeIfPresent([AssetRecord].self, forKey: AnyCodingKey("assets")) ?? []
        let markers = try c.decodeIfPresent([MarkerRecord].self, forKey: AnyCodingKey("markers")) ?? []
        let state = TimelineState(
            meta: meta,
            tracks: tracks.map(\.record),
            clips: tracks.flatMap(\.clips) + orphans,
            assets: assets,
            markers: markers
        )
        do throws(TimelineError) {
            self = try TimelineView(state: state)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: error.description, underlyingError: error))
        }
    }

    /// Encodes the contract's JSON view.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyCodingKey.self)
        try c.put("meta", meta)
        try c.put("tracks", tracks)
        try c.put("orphanClips", orphanClips)
        try c.put("assets", assets)
        try c.put("markers", markers)
        try c.put("conflicts", conflicts)
        try c.put("gaps", gaps)
        try c.time("duration", duration)
    }

    /// The JSON view as bytes (sorted keys).
    public func jsonData(pretty: Bool = false) throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted] : [.sortedKeys]
        return try e.encode(self)
    }
}
