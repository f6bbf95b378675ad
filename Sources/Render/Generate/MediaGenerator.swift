import Foundation
import Timeline

/// Local media generators built on ``GraphEncoder``: test patterns, tones, title cards, bridges
/// between two clips, and conforming any media to an exact length, size and rate. They need no
/// network and no `ffmpeg` binary; the jobs layer's local providers use them, and so do the tests.
public enum MediaGenerator {
    /// A frame geometry and rate for generated video.
    public struct Format: Sendable, Hashable, Codable {
        /// Width in pixels (even).
        public var width: Int
        /// Height in pixels (even).
        public var height: Int
        /// Frame rate.
        public var rate: FrameRate

        /// Creates a format.
        public init(width: Int, height: Int, rate: FrameRate) {
            self.width = width
            self.height = height
            self.rate = rate
        }

        var size: String { "\(width)x\(height)" }
    }

    /// `testsrc2`'s moving test pattern, with a sine tone if `toneFrequency` is given, into `path` (format from the extension).
    @discardableResult
    public static func testPattern(
        to path: String,
        duration: Flicks,
        format: Format,
        toneFrequency: Double? = 440,
        settings: EncoderSettings = EncoderSettings()
    ) async throws(RenderError) -> GraphEncoder.Summary {
        let d = FilterSyntax.seconds(duration)
        var graph = "testsrc2=s=\(format.size):r=\(FilterSyntax.rate(format.rate)):d=\(d),format=yuv420p[vout]"
        if let f = toneFrequency { graph += ";sine=f=\(FilterSyntax.number(f)):r=48000:d=\(d)[aout]" }
        return try await GraphEncoder.encode(graph: graph, to: path, settings: settings, expectedDuration: duration)
    }

    /// A solid colour (FFmpeg colour syntax: `red`, `0x2040FF`, …), with a tone of `toneAmplitude`
    /// (linear, 0…1) if `toneFrequency` is given, into `path` (mp4, png or jpeg).
    @discardableResult
    public static func solidColor(
        _ color: String,
        to path: String,
        duration: Flicks,
        format: Format,
        toneFrequency: Double? = nil,
        toneAmplitude: Double = 0.5,
        settings: EncoderSettings = EncoderSettings()
    ) async throws(RenderError) -> GraphEncoder.Summary {
        let d = FilterSyntax.seconds(duration)
        var graph = "color=c=\(FilterSyntax.escape(color)):s=\(format.size):r=\(FilterSyntax.rate(format.rate)):d=\(d),format=yuv420p[vout]"
        let isImage = OutputFormat(pathExtension: URL(fileURLWithPath: path).pathExtension)?.isImage ?? false
        if let f = toneFrequency, !isImage { graph += ";" + toneSource(frequency: f, amplitude: toneAmplitude, duration: duration) + "[aout]" }
        return try await GraphEncoder.encode(graph: graph, to: path, settings: settings, expectedDuration: duration)
    }

    /// A pure sine tone of peak `amplitude` (linear, 0…1; RMS is `amplitude/√2`), 48 kHz stereo,
    /// into an audio file (`.wav` or `.m4a`).
    @discardableResult
    public static func tone(to path: String, frequency: Double = 440, amplitude: Double = 0.5, duration: Flicks) async throws(RenderError) -> GraphEncoder.Summary {
        try await GraphEncoder.encode(graph: toneSource(frequency: frequency, amplitude: amplitude, duration: duration) + "[aout]", to: path, expectedDuration: duration)
    }

    /// A title card: `text` centred in DejaVu Sans on `background`, for `duration`, with silence.
    @discardableResult
    public static func titleCard(
        text: String,
        to path: String,
        duration: Flicks,
        format: Format,
        fontSize: Int? = nil,
        textColor: String = "white",
        background: String = "black",
        fontFile: String = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        settings: EncoderSettings = EncoderSettings()
    ) async throws(RenderError) -> GraphEncoder.Summary {
        guard FileManager.default.fileExists(atPath: fontFile) else { throw RenderError(.invalidRequest, "the font \(fontFile) is not installed (fonts-dejavu-core)") }
        let d = FilterSyntax.seconds(duration)
        let size = fontSize ?? max(12, format.height / 12)
        // expansion=none: the text is shown as given, with no %{…} expansion.
        let drawtext = "drawtext=fontfile=\(FilterSyntax.escape(fontFile)):expansion=none:text=\(FilterSyntax.escape(text)):fontsize=\(size)"
            + ":fontcolor=\(FilterSyntax.escape(textColor)):x=(w-text_w)/2:y=(h-text_h)/2"
        var graph = "color=c=\(FilterSyntax.escape(background)):s=\(format.size):r=\(FilterSyntax.rate(format.rate)):d=\(d),\(drawtext),format=yuv420p[vout]"
        let isImage = OutputFormat(pathExtension: URL(fileURLWithPath: path).pathExtension)?.isImage ?? false
        if !isImage { graph += ";anullsrc=r=48000:cl=stereo,atrim=end_sample=\(duration.samples(at: 48_000))[aout]" }
        return try await GraphEncoder.encode(graph: graph, to: path, settings: settings, expectedDuration: duration)
    }

    /// A bridge: the last frame of `clipA` dissolving into the first frame of `clipB` over
    /// `duration`, silent, at `format`.
    @discardableResult
    public static func bridge(
        from clipA: String,
        to clipB: String,
        output path: String,
        duration: Flicks,
        format: Format,
        settings: EncoderSettings = EncoderSettings()
    ) async throws(RenderError) -> GraphEncoder.Summary {
        let a = try await MediaProbe.probe(path: clipA)
        _ = try await MediaProbe.probe(path: clipB)
        let frames = max(2, duration.frames(at: format.rate, rounding: .nearest))
        // Seek near A's end and take its last frame (reverse buffers only that last stretch).
        let tail = max(0, (a.durationSeconds ?? 0) - 1)
        let still = FilterSyntax.holdStill(frames: frames, width: format.width, height: format.height, rate: format.rate)
        let first = a.kind == .image ? "movie=filename=\(FilterSyntax.escape(clipA))" : "movie=filename=\(FilterSyntax.escape(clipA)):sp=\(FilterSyntax.number(tail)),reverse"
        let d = FilterSyntax.seconds(duration)
        let graph = """
            \(first),trim=end_frame=1,\(still)[a];\
            movie=filename=\(FilterSyntax.escape(clipB)),trim=end_frame=1,\(still)[b];\
            [a][b]xfade=transition=fade:duration=\(d):offset=0,\(FilterSyntax.exactFrames(frames))[vout];\
            anullsrc=r=48000:cl=stereo,atrim=end_sample=\(duration.samples(at: 48_000))[aout]
            """
        return try await GraphEncoder.encode(graph: graph, to: path, settings: settings, expectedDuration: duration)
    }

    /// Makes `input` exactly `duration` long at `format`, with 48 kHz stereo sound (silence if it
    /// has none): letterboxed, SAR 1, constant frame rate, the last frame held (and silence
    /// added) if it is short, cut if it is long. A still image is held for the whole duration.
    @discardableResult
    public static func conform(
        input: String,
        to path: String,
        duration: Flicks,
        width: Int,
        height: Int,
        rate: FrameRate,
        settings: EncoderSettings = EncoderSettings(),
        cancellation: RenderCancellation = RenderCancellation(),
        progress: RenderProgressHandler? = nil
    ) async throws(RenderError) -> GraphEncoder.Summary {
        let info = try await MediaProbe.probe(path: input)
        let frames = duration.frames(at: rate, rounding: .nearest)
        let samples = duration.samples(at: 48_000, rounding: .nearest)
        guard frames > 0 else { throw RenderError(.invalidRequest, "the duration is shorter than one frame") }
        let src = FilterSyntax.escape(input)
        var graph = ""
        if info.video != nil {
            let video =
                info.kind == .image
                ? FilterSyntax.holdStill(frames: frames, width: width, height: height, rate: rate)
                : FilterSyntax.conformVideo(width: width, height: height, rate: rate) + "," + FilterSyntax.exactFrames(frames)
            let turn = info.video.flatMap { FilterSyntax.upright($0.rotation) }.map { $0 + "," } ?? ""
            graph = "movie=filename=\(src),\(turn)\(video)[vout];"
        } else {
            graph = "color=c=black:s=\(width)x\(height):r=\(FilterSyntax.rate(rate)),setsar=1,format=yuv420p,trim=end_frame=\(frames)[vout];"
        }
        if info.audio != nil {
            graph += "amovie=filename=\(src),\(FilterSyntax.conformAudio()),\(FilterSyntax.exactSamples(samples))[aout]"
        } else {
            graph += "anullsrc=r=48000:cl=stereo,atrim=end_sample=\(samples)[aout]"
        }
        return try await GraphEncoder.encode(
            graph: graph,
            to: path,
            format: .mp4,
            settings: settings,
            expectedDuration: duration,
            cancellation: cancellation,
            progress: progress
        )
    }

    static func toneSource(frequency: Double, amplitude: Double, duration: Flicks) -> String {
        let a = FilterSyntax.number(amplitude)
        let f = FilterSyntax.number(frequency)
        return "aevalsrc=exprs=\(a)*sin(2*PI*\(f)*t)|\(a)*sin(2*PI*\(f)*t):s=48000:d=\(FilterSyntax.seconds(duration)),"
            + "aformat=channel_layouts=stereo"
    }
}
