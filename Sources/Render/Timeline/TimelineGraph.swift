import Timeline

/// A timeline turned into one libavfilter graph description with `[vout]` and `[aout]`
/// (OTIO semantics; see docs/render.md). Pure: build it from a view and probed sources.
public struct TimelineGraph: Sendable, Hashable {
    /// A clip's media file and what probing it found.
    public struct Source: Sendable, Hashable {
        /// The file.
        public var path: String
        /// Its probe result.
        public var info: MediaInfo

        /// Creates a source.
        public init(path: String, info: MediaInfo) {
            self.path = path
            self.info = info
        }
    }

    /// The graph description.
    public var description: String
    /// Output width.
    public var width: Int
    /// Output height.
    public var height: Int
    /// Output frame rate (the project's).
    public var rate: FrameRate
    /// Output frames (the timeline's duration at `rate`).
    public var frames: Int64
    /// Output audio samples at 48 kHz.
    public var samples: Int64
    /// The output duration.
    public var duration: Flicks

    /// The sample rate of every render.
    public static let sampleRate = 48_000

    /// Builds the graph for `view` at `preset`'s size.
    /// - Parameter sources: media by asset id, for every asset a rendered clip uses.
    /// - Throws: ``RenderError`` `INVALID_REQUEST` for an empty timeline or a bad size, `SOURCE_MISSING` for a clip whose asset has no source.
    public init(view: TimelineView, preset: RenderPreset, sources: [String: Source]) throws(RenderError) {
        let rate = view.meta.rate
        guard view.meta.width > 0, view.meta.height > 0 else {
            throw RenderError(.invalidRequest, "the project size \(view.meta.width)×\(view.meta.height) is not renderable")
        }
        let size = preset.outputSize(projectWidth: Int(view.meta.width), projectHeight: Int(view.meta.height))
        let frames = view.duration.frames(at: rate, rounding: .nearest)
        guard frames > 0 else { throw RenderError(.invalidRequest, "the timeline is empty: nothing to render") }
        let duration = (try? Flicks(frames: frames, rate: rate)) ?? view.duration
        let samples = duration.samples(at: Int64(Self.sampleRate), rounding: .nearest)

        var builder = Builder(width: size.width, height: size.height, rate: rate, scaler: preset.scaler, sources: sources)
        let video = try builder.video(view: view, frames: frames)
        let audio = try builder.audio(view: view, samples: samples)
        builder.chains.append("[\(video)]format=yuv420p[vout]")
        builder.chains.append("[\(audio)]\(FilterSyntax.conformAudio())[aout]")

        self.description = builder.chains.joined(separator: ";\n")
        self.width = size.width
        self.height = size.height
        self.rate = rate
        self.frames = frames
        self.samples = samples
        self.duration = duration
    }
}

/// Writes the chains of a ``TimelineGraph``.
private struct Builder {
    let width: Int
    let height: Int
    let rate: FrameRate
    let scaler: String
    let sources: [String: TimelineGraph.Source]
    var chains: [String] = []
    private var nextLabel = 0

    init(width: Int, height: Int, rate: FrameRate, scaler: String, sources: [String: TimelineGraph.Source]) {
        self.width = width
        self.height = height
        self.rate = rate
        self.scaler = scaler
        self.sources = sources
    }

    mutating func label(_ prefix: String) -> String {
        nextLabel += 1
        return "\(prefix)\(nextLabel)"
    }

    var sampleRate: Int64 { Int64(TimelineGraph.sampleRate) }
    /// Seconds of `frames` output frames.
    func frameSeconds(_ frames: Int64) -> Double { Double(frames) * Double(rate.denominator) / Double(rate.numerator) }
    func sampleSeconds(_ samples: Int64) -> Double { Double(samples) / Double(sampleRate) }

    func source(for clip: ClipRecord) throws(RenderError) -> TimelineGraph.Source {
        guard let s = sources[clip.asset] else {
            throw RenderError(.sourceMissing, "clip \(clip.id) uses asset \(clip.asset), which has no media file", clip: clip.id, asset: clip.asset)
        }
        return s
    }

    // MARK: video

    /// The label of the composited video, exactly `frames` long.
    mutating func video(view: TimelineView, frames: Int64) throws(RenderError) -> String {
        // Sound-only media on a video track shows nothing: those clips are left out (a hole, not black).
        let tracks = view.tracks.filter { $0.record.kind == .video && !$0.record.hidden }.map { t in
            var t = t
            t.clips.removeAll { c in sources[c.asset].map { $0.info.video == nil } ?? false }
            return t
        }
        var base: String
        var rest = tracks[...]
        if let bottom = tracks.first, bottom.clips.allSatisfy({ $0.opacity >= 1 }) {
            // The bottom track as one full-length stream: its clips and black gaps, cut or crossfaded.
            let layout = TrackLayout(clips: bottom.clips, units: { $0.frames(at: rate, rounding: .nearest) }, total: frames, gaps: true)
            var parts: [String] = []
            for g in layout.groups { parts += try videoGroup(g, alpha: false) }
            base = label("vt")
            chains.append(parts.map { "[\($0)]" }.joined() + (parts.count == 1 ? "null" : "concat=n=\(parts.count):v=1:a=0") + "[\(base)]")
            rest = rest.dropFirst()
        } else {
            base = label("vb")
            chains.append("color=c=black:s=\(width)x\(height):r=\(FilterSyntax.rate(rate)),setsar=1,format=yuv420p,trim=end_frame=\(frames)[\(base)]")
        }
        // Upper tracks: each group is shifted to its start and laid over what is below.
        for track in rest {
            let layout = TrackLayout(clips: track.clips, units: { $0.frames(at: rate, rounding: .nearest) }, total: frames, gaps: false)
            for g in layout.groups where g.pieces.contains(where: { if case .clip = $0.content { true } else { false } }) {
                let alpha = g.pieces.contains { p in
                    if case .clip(let c) = p.content { return c.opacity < 1 || p.fadeIn > 0 }
                    return false
                }
                let segments = try videoGroup(g, alpha: alpha)
                let shifted = label("vs")
                let join = segments.count == 1 ? "" : "concat=n=\(segments.count):v=1:a=0,"
                chains.append(segments.map { "[\($0)]" }.joined() + "\(join)setpts=PTS-STARTPTS+\(g.start)[\(shifted)]")
                let out = label("vo")
                chains.append("[\(base)][\(shifted)]overlay=eof_action=pass:repeatlast=0[\(out)]")
                base = out
            }
        }
        return base
    }

    /// One group's stream as consecutive segments to concatenate: each piece's part outside
    /// transitions, and for each transition an `xfade` of just the overlapping frames (the
    /// outgoing piece's tail and the incoming piece's head, cut out with `split` + `trim`).
    /// FFmpeg 5.1's xfade costs as much per frame it passes through as per frame it blends, so it
    /// only ever sees the transition itself.
    mutating func videoGroup(_ group: TrackLayout.Group, alpha: Bool) throws(RenderError) -> [String] {
        var segments: [String] = []
        var pendingTail: String?
        for (i, p) in group.pieces.enumerated() {
            let stream = try videoPiece(p, alpha: alpha)
            let head = p.transition
            let tail = i + 1 < group.pieces.count ? group.pieces[i + 1].transition : 0
            let main = p.streamLength - head - tail
            var parts: [(name: String, from: Int64, to: Int64)] = []
            if head > 0 { parts.append((label("vh"), 0, head)) }
            if main > 0 { parts.append((label("vm"), head, head + main)) }
            if tail > 0 { parts.append((label("vt"), head + main, p.streamLength)) }
            if parts.count == 1 && head == 0 && tail == 0 {
                segments.append(stream)
                continue
            }
            chains.append("[\(stream)]split=\(parts.count)" + parts.map { "[\($0.name)s]" }.joined())
            for part in parts {
                chains.append("[\(part.name)s]trim=start_frame=\(part.from):end_frame=\(part.to),setpts=PTS-STARTPTS[\(part.name)]")
            }
            var index = 0
            if head > 0, let outgoing = pendingTail {
                let x = label("vx")
                chains.append(
                    "[\(outgoing)][\(parts[0].name)]xfade=transition=\(Self.xfadeName(p.transitionKind))"
                        + ":duration=\(FilterSyntax.number(frameSeconds(head))):offset=0[\(x)]"
                )
                segments.append(x)
                index = 1
            }
            if main > 0 {
                segments.append(parts[index].name)
                index += 1
            }
            pendingTail = tail > 0 ? parts[index].name : nil
        }
        return segments
    }

    /// One piece's stream: `streamLength` frames, conformed.
    mutating func videoPiece(_ p: TrackLayout.Piece, alpha: Bool) throws(RenderError) -> String {
        let out = label("v")
        let n = p.streamLength
        let pixelFormat = alpha ? "yuva420p" : "yuv420p"
        guard case .clip(let clip) = p.content else {
            chains.append(
                "color=c=black:s=\(width)x\(height):r=\(FilterSyntax.rate(rate)),setsar=1,format=\(pixelFormat),trim=end_frame=\(n)[\(out)]"
            )
            return out
        }
        let src = try source(for: clip)
        let conform = FilterSyntax.conformVideo(width: width, height: height, rate: rate, pixelFormat: pixelFormat, scaler: scaler)
        var chain: [String]
        if src.info.kind == .image || src.info.video == nil {
            if src.info.video == nil {
                // Not reached: sound-only clips are removed from video tracks (kept for safety as black).
                chain = ["color=c=black:s=\(width)x\(height):r=\(FilterSyntax.rate(rate)),setsar=1,format=\(pixelFormat),trim=end_frame=\(n)"]
            } else {
                chain = ["movie=filename=\(FilterSyntax.escape(src.path))"]
                if let turn = src.info.video.flatMap({ FilterSyntax.upright($0.rotation) }) { chain.append(turn) }
                chain += [
                    FilterSyntax.holdStill(frames: n, width: width, height: height, rate: rate, pixelFormat: pixelFormat, scaler: scaler),
                ]
            }
        } else {
            // Media time of the stream's first frame: the in point, minus the head handle, plus any hidden head.
            let frame = clip.speed * frameSeconds(1)
            let wanted = clip.inPoint.seconds + Double(p.skipped - p.headHandle) * frame
            let start = max(0, wanted)
            let missing = wanted < 0 ? Int64((-wanted / frame).rounded()) : 0
            let mediaSeconds = Double(n - missing + 1) * frame
            // `sp` counts from the container's start; frame timestamps (and so `trim`) do not.
            let seek = start > 0 && Self.seeksByIndex(src.info) ? ":sp=\(FilterSyntax.number(start))" : ""
            let origin = src.info.startSeconds ?? 0
            chain = [
                "movie=filename=\(FilterSyntax.escape(src.path))\(seek)",
                "trim=start=\(FilterSyntax.number(start + origin)):duration=\(FilterSyntax.number(mediaSeconds))",
                "setpts=PTS-STARTPTS",
            ]
            if clip.speed != 1 { chain.append("setpts=PTS/\(FilterSyntax.number(clip.speed))") }
            if let turn = src.info.video.flatMap({ FilterSyntax.upright($0.rotation) }) { chain.append(turn) }
            chain.append(conform)
            if missing > 0 { chain.append("tpad=start=\(missing):start_mode=clone") }
        }
        chain.append(FilterSyntax.exactFrames(n))
        if alpha {
            if clip.opacity < 1 { chain.append("lutyuv=a=val*\(FilterSyntax.number(max(0, clip.opacity)))") }
            if p.fadeIn > 0 { chain.append("fade=t=in:s=\(p.headHandle):n=\(p.fadeIn):alpha=1") }
        } else if p.fadeIn > 0 {
            chain.append("fade=t=in:s=\(p.headHandle):n=\(p.fadeIn)")
        }
        chains.append(chain.joined(separator: ",") + "[\(out)]")
        return out
    }

    /// True for containers with an index, where `movie=…:sp=` lands on the keyframe before the
    /// in point. Others (MPEG-TS, raw streams) seek by byte position and can land past the only
    /// keyframe, so they are decoded from the start and `trim` alone finds the in point.
    static func seeksByIndex(_ info: MediaInfo) -> Bool {
        ["mov", "mp4", "matroska", "webm", "avi", "wav", "flac", "ogg", "mp3"].contains { info.container.contains($0) }
    }

    /// The xfade transition for a clip transition kind (`dissolve` and unknown kinds → `fade`).
    static func xfadeName(_ kind: String) -> String {
        let known: Set<String> = [
            "fade", "wipeleft", "wiperight", "wipeup", "wipedown", "slideleft", "slideright", "slideup", "slidedown", "circlecrop",
            "rectcrop", "distance", "fadeblack", "fadewhite", "radial", "smoothleft", "smoothright", "smoothup", "smoothdown",
            "circleopen", "circleclose", "dissolve", "pixelize", "hblur", "fadegrays",
        ]
        // OTIO's SMPTE_Dissolve is a cross-dissolve, which is xfade's `fade` (xfade's `dissolve` is a dither pattern).
        if kind == "dissolve" || kind == "SMPTE_Dissolve" { return "fade" }
        return known.contains(kind) ? kind : "fade"
    }

    // MARK: audio

    /// The label of the mixed sound, exactly `samples` long.
    mutating func audio(view: TimelineView, samples: Int64) throws(RenderError) -> String {
        let tracks = view.tracks.filter { $0.record.kind == .audio && !$0.record.muted && !$0.record.hidden && !$0.clips.isEmpty }
        guard !tracks.isEmpty else {
            let out = label("as")
            chains.append("anullsrc=r=\(sampleRate):cl=stereo,atrim=end_sample=\(samples),\(FilterSyntax.conformAudio())[\(out)]")
            return out
        }
        var trackLabels: [String] = []
        for track in tracks {
            let layout = TrackLayout(clips: track.clips, units: { $0.samples(at: sampleRate, rounding: .nearest) }, total: samples, gaps: true)
            var parts: [String] = []
            for g in layout.groups { parts.append(try audioGroup(g)) }
            let out = label("at")
            chains.append(parts.map { "[\($0)]" }.joined() + (parts.count == 1 ? "anull" : "concat=n=\(parts.count):v=0:a=1") + "[\(out)]")
            trackLabels.append(out)
        }
        if trackLabels.count == 1 { return trackLabels[0] }
        let out = label("am")
        chains.append(
            trackLabels.map { "[\($0)]" }.joined() + "amix=inputs=\(trackLabels.count):normalize=0:duration=longest,atrim=end_sample=\(samples)[\(out)]"
        )
        return out
    }

    mutating func audioGroup(_ group: TrackLayout.Group) throws(RenderError) -> String {
        var acc = try audioPiece(group.pieces[0])
        for p in group.pieces.dropFirst() {
            let next = try audioPiece(p)
            let out = label("ax")
            chains.append("[\(acc)][\(next)]acrossfade=ns=\(p.transition):c1=tri:c2=tri[\(out)]")
            acc = out
        }
        return acc
    }

    mutating func audioPiece(_ p: TrackLayout.Piece) throws(RenderError) -> String {
        let out = label("a")
        let n = p.streamLength
        let silence = "anullsrc=r=\(sampleRate):cl=stereo,atrim=end_sample=\(n),\(FilterSyntax.conformAudio())"
        guard case .clip(let clip) = p.content else {
            chains.append("\(silence)[\(out)]")
            return out
        }
        let src = try source(for: clip)
        guard src.info.audio != nil, src.info.kind != .image else {
            chains.append("\(silence)[\(out)]")
            return out
        }
        let sample = clip.speed / Double(sampleRate)
        let wanted = clip.inPoint.seconds + Double(p.skipped - p.headHandle) * sample
        let start = max(0, wanted)
        let missing = wanted < 0 ? Int64((-wanted / sample).rounded()) : 0
        let mediaSeconds = Double(n - missing + 1024) * sample
        let seek = start > 0 && Self.seeksByIndex(src.info) ? ":sp=\(FilterSyntax.number(start))" : ""
        let origin = src.info.startSeconds ?? 0
        var chain = [
            "amovie=filename=\(FilterSyntax.escape(src.path))\(seek)",
            "atrim=start=\(FilterSyntax.number(start + origin)):duration=\(FilterSyntax.number(mediaSeconds))",
            "asetpts=PTS-STARTPTS",
        ]
        chain += FilterSyntax.atempo(clip.speed)
        chain.append(FilterSyntax.conformAudio())
        if missing > 0 { chain.append("adelay=delays=\(missing)S:all=1") }
        chain.append(FilterSyntax.exactSamples(n))
        if clip.gain != 1 { chain.append("volume=\(FilterSyntax.number(max(0, clip.gain)))") }
        if p.fadeIn > 0 { chain.append("afade=t=in:ss=\(p.headHandle):ns=\(p.fadeIn)") }
        chains.append(chain.joined(separator: ",") + "[\(out)]")
        return out
    }
}
