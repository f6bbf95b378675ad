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

    /// A media stream the graph reads: one clip's video or sound, from its seek point on.
    ///
    /// In ``description`` it is a `movie=`/`amovie=` source; in ``fedDescription`` it is the open
    /// input `[label]` that the renderer feeds from its own demuxer and decoder (see docs/render.md).
    public struct Input: Sendable, Hashable {
        /// Which stream of the file.
        public enum Kind: String, Sendable, Hashable {
            /// The best video stream (FFmpeg's choice, as `movie` makes it).
            case video
            /// The best audio stream.
            case audio
        }

        /// The open input's label in ``fedDescription`` (e.g. `s3`).
        public var label: String
        /// Video or sound.
        public var kind: Kind
        /// The media file.
        public var path: String
        /// Seconds from the container's start to seek to (to the keyframe at or before it), or 0 to read from the start.
        public var seek: Double
        /// Output seconds at which the graph starts using this stream (a hint for when to start decoding it).
        public var startSeconds: Double
        /// The media the chain keeps, in the stream's timestamps, if it trims the stream: from the
        /// first frame at or after `trimStart` for `trimDuration` seconds (nil for stills).
        public var trimStart: Double?
        /// See ``trimStart``.
        public var trimDuration: Double?
        /// Filters that work on each picture alone (turning it upright, scaling it to fit) which
        /// the renderer runs on the stream's decode thread, while the picture is still in that
        /// core's cache, instead of in ``fedDescription`` (in ``description`` they stay in the
        /// chain, after the trim: the pictures are the same either way). Nil for none.
        public var decodeFilters: String?
        /// The pixel format ``decodeFilters`` output (the chain's).
        public var decodeFormat: String?
        /// The clip it belongs to (named in errors).
        public var clip: String
        /// The clip's asset (named in errors).
        public var asset: String

        /// The `movie=`/`amovie=` source equivalent to this input (what the `ffmpeg` tool reads).
        public var movieSource: String {
            let filter = kind == .video ? "movie" : "amovie"
            return "\(filter)=filename=\(FilterSyntax.escape(path))" + (seek > 0 ? ":sp=\(FilterSyntax.number(seek))" : "")
        }
    }

    /// The graph description, self-contained: sources are `movie=`/`amovie=` filters, so it runs
    /// anywhere a graph description does (the benchmark hands it to the `ffmpeg` tool).
    public var description: String
    /// The same graph with every ``Input`` left as an open input `[label]`: what the renderer
    /// configures, feeding each from its own decoder thread.
    public var fedDescription: String
    /// The media streams the graph reads, in the order their chains appear.
    public var inputs: [Input]
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
        builder.append("[\(video)]format=yuv420p[vout]")
        builder.append("[\(audio)]\(FilterSyntax.conformAudio())[aout]")

        self.description = builder.chains.map { c in c.input.map { builder.inputs[$0].movieSource + "," + c.movie } ?? c.movie }
            .joined(separator: ";\n")
        self.fedDescription = builder.chains.map { c in c.input.map { "[\(builder.inputs[$0].label)]" + c.fed } ?? c.fed }
            .joined(separator: ";\n")
        self.inputs = builder.inputs
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
    /// Chains in order, as written in each description; a chain that reads a media stream names
    /// its input (the source is written differently in the two, and the fed one leaves out the
    /// filters its decode thread runs).
    private(set) var chains: [(input: Int?, movie: String, fed: String)] = []
    private(set) var inputs: [TimelineGraph.Input] = []
    private var nextLabel = 0

    init(width: Int, height: Int, rate: FrameRate, scaler: String, sources: [String: TimelineGraph.Source]) {
        self.width = width
        self.height = height
        self.rate = rate
        self.scaler = scaler
        self.sources = sources
    }

    mutating func append(_ chain: String) { chains.append((nil, chain, chain)) }

    /// Appends a chain that starts with `clip`'s media stream (seeked to `seek` when > 0):
    /// `head`, then the per-picture filters `pixels` (which the fed graph leaves to the decode
    /// thread, where they output `pixelFormat`), then `tail`.
    mutating func append(
        reading kind: TimelineGraph.Input.Kind,
        of clip: ClipRecord,
        at seek: Double,
        from startSeconds: Double,
        trim: (start: Double, duration: Double)?,
        _ head: [String],
        pixels: [String] = [],
        pixelFormat: String? = nil,
        _ tail: [String]
    ) throws(RenderError) {
        let src = try source(for: clip)
        inputs.append(
            TimelineGraph.Input(
                label: label("s"),
                kind: kind,
                path: src.path,
                seek: seek,
                startSeconds: startSeconds,
                trimStart: trim?.start,
                trimDuration: trim?.duration,
                decodeFilters: pixels.isEmpty ? nil : pixels.joined(separator: ","),
                decodeFormat: pixels.isEmpty ? nil : pixelFormat,
                clip: clip.id,
                asset: clip.asset
            )
        )
        chains.append((inputs.count - 1, (head + pixels + tail).joined(separator: ","), (head + tail).joined(separator: ",")))
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
            append(parts.map { "[\($0)]" }.joined() + (parts.count == 1 ? "null" : "concat=n=\(parts.count):v=1:a=0") + "[\(base)]")
            rest = rest.dropFirst()
        } else {
            base = label("vb")
            append("color=c=black:s=\(width)x\(height):r=\(FilterSyntax.rate(rate)),setsar=1,format=yuv420p,trim=end_frame=\(frames)[\(base)]")
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
                append(segments.map { "[\($0)]" }.joined() + "\(join)setpts=PTS-STARTPTS+\(g.start)[\(shifted)]")
                let out = label("vo")
                append("[\(base)][\(shifted)]overlay=eof_action=pass:repeatlast=0[\(out)]")
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
            append("[\(stream)]split=\(parts.count)" + parts.map { "[\($0.name)s]" }.joined())
            for part in parts {
                append("[\(part.name)s]trim=start_frame=\(part.from):end_frame=\(part.to),setpts=PTS-STARTPTS[\(part.name)]")
            }
            var index = 0
            if head > 0, let outgoing = pendingTail {
                let x = label("vx")
                append(
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
            append(
                "color=c=black:s=\(width)x\(height):r=\(FilterSyntax.rate(rate)),setsar=1,format=\(pixelFormat),trim=end_frame=\(n)[\(out)]"
            )
            return out
        }
        let src = try source(for: clip)
        // Output seconds where this stream's first frame is shown.
        let startSeconds = frameSeconds(p.start - p.headHandle)
        let turn = src.info.video.flatMap { FilterSyntax.upright($0.rotation) }
        // The chain: head (cut, retime), pixels (upright, fit: per picture, left to the decode
        // thread in the fed graph), tail (letterbox, rate, length, opacity, fades).
        var head: [String] = []
        var pixels: [String] = []
        var tail: [String] = []
        var seek = 0.0
        var trim: (start: Double, duration: Double)?
        if src.info.video == nil {
            // Not reached: sound-only clips are removed from video tracks (kept for safety as black).
            tail = ["color=c=black:s=\(width)x\(height):r=\(FilterSyntax.rate(rate)),setsar=1,format=\(pixelFormat),trim=end_frame=\(n)"]
        } else if src.info.kind == .image {
            if let turn { head.append(turn) }
            head.append(FilterSyntax.holdStill(frames: n, width: width, height: height, rate: rate, pixelFormat: pixelFormat, scaler: scaler))
        } else {
            // Media time of the stream's first frame: the in point, minus the head handle, plus any hidden head.
            let frame = clip.speed * frameSeconds(1)
            let wanted = clip.inPoint.seconds + Double(p.skipped - p.headHandle) * frame
            let start = max(0, wanted)
            let missing = wanted < 0 ? Int64((-wanted / frame).rounded()) : 0
            let mediaSeconds = Double(n - missing + 1) * frame
            // The seek counts from the container's start; frame timestamps (and so `trim`) do not.
            if start > 0 && Self.seeksByIndex(src.info) { seek = start }
            let origin = src.info.startSeconds ?? 0
            trim = (start + origin, mediaSeconds)
            head = [
                "trim=start=\(FilterSyntax.number(start + origin)):duration=\(FilterSyntax.number(mediaSeconds))",
                "setpts=PTS-STARTPTS",
            ]
            if clip.speed != 1 { head.append("setpts=PTS/\(FilterSyntax.number(clip.speed))") }
            if let turn { pixels.append(turn) }
            pixels.append(FilterSyntax.fit(width: width, height: height, scaler: scaler))
            tail.append(FilterSyntax.letterbox(width: width, height: height, rate: rate, pixelFormat: pixelFormat))
            if missing > 0 { tail.append("tpad=start=\(missing):start_mode=clone") }
        }
        tail.append(FilterSyntax.exactFrames(n))
        if alpha {
            if clip.opacity < 1 { tail.append("lutyuv=a=val*\(FilterSyntax.number(max(0, clip.opacity)))") }
            if p.fadeIn > 0 { tail.append("fade=t=in:s=\(p.headHandle):n=\(p.fadeIn):alpha=1") }
        } else if p.fadeIn > 0 {
            tail.append("fade=t=in:s=\(p.headHandle):n=\(p.fadeIn)")
        }
        tail[tail.count - 1] += "[\(out)]"
        if src.info.video == nil {
            append(tail.joined(separator: ","))
        } else {
            try append(reading: .video, of: clip, at: seek, from: startSeconds, trim: trim, head, pixels: pixels, pixelFormat: pixelFormat, tail)
        }
        return out
    }

    /// True for containers with an index, where a seek lands on the keyframe before the
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
            append("anullsrc=r=\(sampleRate):cl=stereo,atrim=end_sample=\(samples),\(FilterSyntax.conformAudio())[\(out)]")
            return out
        }
        var trackLabels: [String] = []
        for track in tracks {
            let layout = TrackLayout(clips: track.clips, units: { $0.samples(at: sampleRate, rounding: .nearest) }, total: samples, gaps: true)
            var parts: [String] = []
            for g in layout.groups { parts.append(try audioGroup(g)) }
            let out = label("at")
            append(parts.map { "[\($0)]" }.joined() + (parts.count == 1 ? "anull" : "concat=n=\(parts.count):v=0:a=1") + "[\(out)]")
            trackLabels.append(out)
        }
        if trackLabels.count == 1 { return trackLabels[0] }
        let out = label("am")
        append(
            trackLabels.map { "[\($0)]" }.joined() + "amix=inputs=\(trackLabels.count):normalize=0:duration=longest,atrim=end_sample=\(samples)[\(out)]"
        )
        return out
    }

    mutating func audioGroup(_ group: TrackLayout.Group) throws(RenderError) -> String {
        var acc = try audioPiece(group.pieces[0])
        for p in group.pieces.dropFirst() {
            let next = try audioPiece(p)
            let out = label("ax")
            append("[\(acc)][\(next)]acrossfade=ns=\(p.transition):c1=tri:c2=tri[\(out)]")
            acc = out
        }
        return acc
    }

    mutating func audioPiece(_ p: TrackLayout.Piece) throws(RenderError) -> String {
        let out = label("a")
        let n = p.streamLength
        let silence = "anullsrc=r=\(sampleRate):cl=stereo,atrim=end_sample=\(n),\(FilterSyntax.conformAudio())"
        guard case .clip(let clip) = p.content else {
            append("\(silence)[\(out)]")
            return out
        }
        let src = try source(for: clip)
        guard src.info.audio != nil, src.info.kind != .image else {
            append("\(silence)[\(out)]")
            return out
        }
        let sample = clip.speed / Double(sampleRate)
        let wanted = clip.inPoint.seconds + Double(p.skipped - p.headHandle) * sample
        let start = max(0, wanted)
        let missing = wanted < 0 ? Int64((-wanted / sample).rounded()) : 0
        let mediaSeconds = Double(n - missing + 1024) * sample
        let seek = start > 0 && Self.seeksByIndex(src.info) ? start : 0
        let origin = src.info.startSeconds ?? 0
        var chain = [
            "atrim=start=\(FilterSyntax.number(start + origin)):duration=\(FilterSyntax.number(mediaSeconds))",
            "asetpts=PTS-STARTPTS",
        ]
        chain += FilterSyntax.atempo(clip.speed)
        chain.append(FilterSyntax.conformAudio())
        if missing > 0 { chain.append("adelay=delays=\(missing)S:all=1") }
        chain.append(FilterSyntax.exactSamples(n))
        if clip.gain != 1 { chain.append("volume=\(FilterSyntax.number(max(0, clip.gain)))") }
        if p.fadeIn > 0 { chain.append("afade=t=in:ss=\(p.headHandle):ns=\(p.fadeIn)") }
        chain[chain.count - 1] += "[\(out)]"
        try append(reading: .audio, of: clip, at: seek, from: sampleSeconds(p.start - p.headHandle), trim: (start + origin, mediaSeconds), [], chain)
        return out
    }
}
