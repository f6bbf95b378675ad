// Tolerant decoders for the JSON view: optional fields may be left out (hand-written or older
// files) and take the same defaults as in the CRDT document.

private typealias C = KeyedDecodingContainer<AnyCodingKey>

extension C {
    fileprivate func opt<T: Decodable>(_ key: String, _ type: T.Type = T.self) throws -> T? {
        try decodeIfPresent(T.self, forKey: AnyCodingKey(key))
    }

    fileprivate func req<T: Decodable>(_ key: String, _ type: T.Type = T.self) throws -> T {
        try decode(T.self, forKey: AnyCodingKey(key))
    }
}

extension ProjectMeta {
    /// Decodes `meta`; only `name` is required.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyCodingKey.self)
        self.init(
            name: try c.req("name"),
            rate: try c.opt("rate") ?? .fps24,
            width: try c.opt("width") ?? 1920,
            height: try c.opt("height") ?? 1080,
            sampleRate: try c.opt("sampleRate") ?? 48_000,
            metadata: try c.opt("metadata") ?? [:]
        )
        schema = try c.opt("schema") ?? Self.currentSchema
    }
}

extension TrackRecord {
    /// Decodes a track; `id` and `kind` are required.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyCodingKey.self)
        self.init(
            id: try c.req("id"),
            kind: try c.req("kind"),
            name: try c.opt("name") ?? "",
            order: try c.opt("order") ?? "",
            muted: try c.opt("muted") ?? false,
            hidden: try c.opt("hidden") ?? false,
            locked: try c.opt("locked") ?? false,
            metadata: try c.opt("metadata") ?? [:]
        )
    }
}

extension ClipRecord {
    /// Decodes a clip; `id`, `track`, `asset`, `start` and `duration` are required.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyCodingKey.self)
        self.init(
            id: try c.req("id"),
            track: try c.req("track"),
            asset: try c.req("asset"),
            start: try c.req("start"),
            duration: try c.req("duration"),
            inPoint: try c.opt("in") ?? .zero,
            speed: try c.opt("speed") ?? 1,
            gain: try c.opt("gain") ?? 1,
            opacity: try c.opt("opacity") ?? 1,
            transitionIn: try c.opt("transitionIn"),
            name: try c.opt("name") ?? "",
            metadata: try c.opt("metadata") ?? [:]
        )
    }
}

extension AssetRecord {
    /// Decodes an asset; `id` and `kind` are required.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyCodingKey.self)
        self.init(
            id: try c.req("id"),
            kind: try c.req("kind"),
            name: try c.opt("name") ?? "",
            uri: try c.opt("uri") ?? "",
            duration: try c.opt("duration"),
            start: try c.opt("start") ?? .zero,
            width: try c.opt("width"),
            height: try c.opt("height"),
            rate: try c.opt("rate"),
            hasAudio: try c.opt("hasAudio") ?? false,
            status: try c.opt("status") ?? .ready,
            origin: try c.opt("origin") ?? ["type": .string("upload")]
        )
    }
}

extension MarkerRecord {
    /// Decodes a marker; `id` and `time` are required.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyCodingKey.self)
        self.init(
            id: try c.req("id"),
            time: try c.req("time"),
            duration: try c.opt("duration") ?? .zero,
            label: try c.opt("label") ?? "",
            color: try c.opt("color") ?? "red"
        )
    }
}

extension ClipTransition {
    /// Decodes `{kind?, duration, inOffset?}`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyCodingKey.self)
        self.init(kind: try c.opt("kind") ?? "dissolve", duration: try c.req("duration"), inOffset: try c.opt("inOffset"))
    }
}
