extension EditOperation {
    /// The operation as a JSON object (times as integer flicks; absent optionals omitted).
    public var jsonObject: JSONObject {
        var o: JSONObject = ["op": .string(name)]
        func put(_ k: String, _ v: String?) { if let v { o[k] = .string(v) } }
        func put(_ k: String, _ v: Flicks?) { if let v { o[k] = .integer(v.value) } }
        func put(_ k: String, _ v: Bool?) { if let v { o[k] = .bool(v) } }
        func put(_ k: String, _ v: Double?) { if let v { o[k] = .double(v) } }
        func put(_ k: String, _ v: Int64?) { if let v { o[k] = .integer(v) } }
        func put(_ k: String, _ v: FrameRate?) { if let v { o[k] = .object(["num": .integer(v.numerator), "den": .integer(v.denominator)]) } }
        switch self {
        case .updateProject(let x):
            put("name", x.name); put("rate", x.rate); put("width", x.width); put("height", x.height); put("sampleRate", x.sampleRate)
        case .addTrack(let x):
            put("id", x.id); o["kind"] = .string(x.kind.rawValue); put("name", x.name); put("after", x.after); put("before", x.before)
        case .updateTrack(let x):
            put("track", x.track); put("name", x.name); put("muted", x.muted); put("hidden", x.hidden); put("locked", x.locked)
        case .moveTrack(let x):
            put("track", x.track); put("after", x.after); put("before", x.before)
        case .removeTrack(let x):
            put("track", x.track)
        case .addAsset(let x):
            let a = x.asset
            if !a.id.isEmpty { put("id", a.id) }
            o["kind"] = .string(a.kind.rawValue); put("name", a.name); put("uri", a.uri); put("duration", a.duration); put("start", a.start)
            put("width", a.width); put("height", a.height); put("rate", a.rate); put("hasAudio", a.hasAudio)
            o["status"] = .string(a.status.rawValue); o["origin"] = .object(a.origin)
        case .updateAsset(let x):
            put("asset", x.asset); put("name", x.name); put("uri", x.uri); put("duration", x.duration); put("width", x.width)
            put("height", x.height); put("rate", x.rate); put("hasAudio", x.hasAudio); put("status", x.status?.rawValue)
        case .removeAsset(let x):
            put("asset", x.asset)
        case .addClip(let x):
            put("id", x.id); put("track", x.track); put("asset", x.asset); put("start", x.start); put("duration", x.duration)
            put("in", x.inPoint); put("name", x.name)
        case .moveClip(let x):
            put("clip", x.clip); put("track", x.track); put("start", x.start)
        case .trimClip(let x):
            put("clip", x.clip); put("start", x.start); put("duration", x.duration); put("in", x.inPoint)
        case .slipClip(let x):
            put("clip", x.clip); put("in", x.inPoint)
        case .splitClip(let x):
            put("clip", x.clip); put("at", x.at); put("newId", x.newID)
        case .removeClip(let x):
            put("clip", x.clip)
        case .rippleDelete(let x):
            switch x.target {
            case .clip(let c): put("clip", c)
            case .range(let t, let s, let d): put("track", t); put("start", s); put("duration", d)
            }
        case .setClip(let x):
            put("clip", x.clip); put("gain", x.gain); put("opacity", x.opacity); put("speed", x.speed); put("name", x.name)
            if x.removeTransitionIn { o["transitionIn"] = .null }
            if let t = x.transitionIn {
                o["transitionIn"] = .object(["kind": .string(t.kind), "duration": .integer(t.duration.value), "inOffset": .integer(t.inOffset.value)])
            }
        case .addMarker(let x):
            put("id", x.id); put("time", x.time); put("duration", x.duration); put("label", x.label); put("color", x.color)
        case .moveMarker(let x):
            put("marker", x.marker); put("time", x.time)
        case .updateMarker(let x):
            put("marker", x.marker); put("label", x.label); put("color", x.color); put("duration", x.duration)
        case .removeMarker(let x):
            put("marker", x.marker)
        }
        return o
    }
}
