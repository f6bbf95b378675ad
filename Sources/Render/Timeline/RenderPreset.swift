/// Output size and encoder settings for a timeline render.
public struct RenderPreset: Sendable, Hashable, Codable {
    /// The preset's name (`final`, `preview`).
    public var name: String
    /// Scale the project frame down to at most this height (nil = the project's size).
    public var maxHeight: Int?
    /// Encoder settings.
    public var encoder: EncoderSettings
    /// libswscale algorithm for conforming sources (`bicubic`, `bilinear`, `fast_bilinear`, …).
    public var scaler: String
    /// Options for every source's decoder (AVCodecContext options by name, e.g.
    /// `skip_loop_filter=all`); options a decoder does not know are ignored.
    public var decoderOptions: [String: String]

    /// Creates a preset.
    public init(
        name: String,
        maxHeight: Int? = nil,
        encoder: EncoderSettings = EncoderSettings(),
        scaler: String = "bicubic",
        decoderOptions: [String: String] = [:]
    ) {
        self.name = name
        self.maxHeight = maxHeight
        self.encoder = encoder
        self.scaler = scaler
        self.decoderOptions = decoderOptions
    }

    /// The project's size; x264 `veryfast`, CRF 20 (visually transparent for most material),
    /// AAC 192 kbit/s; bicubic scaling.
    public static let final = RenderPreset(name: "final", encoder: EncoderSettings(x264Preset: "veryfast", crf: 20, audioBitRate: 192_000))

    /// At most 360 lines high; x264 `ultrafast` with `tune=fastdecode`, CRF 26, AAC 128 kbit/s;
    /// fast bilinear scaling; one filter thread (the sources are decoded and scaled on threads of
    /// their own, and slice threads on 360p pictures cost more than they save); sources decoded
    /// without their in-loop deblocking filter (`skip_loop_filter=all`: H.264/HEVC with
    /// deblocking decode 20–30 % faster, and the blocking it leaves is hardly visible once the
    /// picture is scaled down). Several times faster than ``final`` at 1080p.
    public static let preview = RenderPreset(
        name: "preview",
        maxHeight: 360,
        encoder: EncoderSettings(x264Preset: "ultrafast", crf: 26, x264Tune: "fastdecode", audioBitRate: 128_000, filterThreads: 1),
        scaler: "fast_bilinear",
        decoderOptions: ["skip_loop_filter": "all"]
    )

    /// The built-in presets.
    public static let all: [RenderPreset] = [.final, .preview]

    /// The built-in preset called `name`, if any.
    public static func named(_ name: String) -> RenderPreset? { all.first { $0.name == name } }

    /// The output size for a project of `width`×`height`: even numbers, aspect kept.
    public func outputSize(projectWidth width: Int, projectHeight height: Int) -> (width: Int, height: Int) {
        guard let maxHeight, height > maxHeight else { return (max(2, width / 2 * 2), max(2, height / 2 * 2)) }
        let w = Int((Double(width) * Double(maxHeight) / Double(height) / 2).rounded()) * 2
        return (max(2, w), max(2, maxHeight / 2 * 2))
    }
}
