/// The kind of file a graph is encoded into (the extensions: mp4/m4v/mov, ts, png, jpg/jpeg, m4a/aac, wav).
public enum OutputFormat: String, Sendable, Hashable, Codable, CaseIterable {
    /// MP4: H.264 (libx264, yuv420p) + AAC 48 kHz stereo, `movflags=+faststart`. Needs `[vout]`; `[aout]` optional.
    case mp4
    /// MPEG transport stream: H.264 + AAC like ``mp4`` (timestamps start near 1.4 s, as broadcast and HLS expect).
    case mpegts
    /// One PNG image (RGB) from the first `[vout]` frame.
    case png
    /// One JPEG image from the first `[vout]` frame.
    case jpeg
    /// Audio only: AAC 48 kHz stereo in an M4A (MP4) file. Needs `[aout]`.
    case m4a
    /// Audio only: 16-bit PCM 48 kHz stereo WAV. Needs `[aout]`.
    case wav

    /// The format for a file name's extension (mp4/mov/m4v, png, jpg/jpeg, m4a/aac, wav), if known.
    public init?(pathExtension ext: String) {
        switch ext.lowercased() {
        case "mp4", "m4v", "mov": self = .mp4
        case "ts": self = .mpegts
        case "png": self = .png
        case "jpg", "jpeg": self = .jpeg
        case "m4a", "aac": self = .m4a
        case "wav": self = .wav
        default: return nil
        }
    }

    /// True for the single-image formats.
    public var isImage: Bool { self == .png || self == .jpeg }
    /// True if the format carries video.
    public var hasVideo: Bool { self == .mp4 || self == .mpegts || isImage }
    /// True if the format carries audio.
    public var hasAudio: Bool { self == .mp4 || self == .mpegts || self == .m4a || self == .wav }

    /// libavformat's muxer name.
    var muxerName: String {
        switch self {
        case .mp4: "mp4"
        case .mpegts: "mpegts"
        case .png, .jpeg: "image2"
        case .m4a: "ipod"
        case .wav: "wav"
        }
    }
}

/// Encoder settings for ``GraphEncoder``.
public struct EncoderSettings: Sendable, Hashable, Codable {
    /// libx264 `preset` (ultrafast … veryslow).
    public var x264Preset: String
    /// libx264 constant rate factor (0 = lossless … 51; 18–23 is visually good).
    public var crf: Int
    /// libx264 `tune`, if any (e.g. `fastdecode`, `zerolatency`).
    public var x264Tune: String?
    /// Keyframe interval in frames (0 = libx264's default, 250).
    public var keyframeInterval: Int
    /// AAC bit rate in bits per second.
    public var audioBitRate: Int
    /// Encoder threads (0 = automatic).
    public var encoderThreads: Int
    /// Filter graph slice threads (0 = automatic).
    public var filterThreads: Int
    /// JPEG quality scale 2 (best) … 31.
    public var jpegQuality: Int
    /// Clockwise rotation players should apply (0, 90, 180, 270), written as the MP4 display
    /// matrix; the pixels are stored as they come (like a phone recording held sideways).
    public var displayRotation: Int

    /// Creates settings; the defaults are the `final` render preset's.
    public init(
        x264Preset: String = "veryfast",
        crf: Int = 20,
        x264Tune: String? = nil,
        keyframeInterval: Int = 0,
        audioBitRate: Int = 192_000,
        encoderThreads: Int = 0,
        filterThreads: Int = 0,
        jpegQuality: Int = 3,
        displayRotation: Int = 0
    ) {
        self.x264Preset = x264Preset
        self.crf = crf
        self.x264Tune = x264Tune
        self.keyframeInterval = keyframeInterval
        self.audioBitRate = audioBitRate
        self.encoderThreads = encoderThreads
        self.filterThreads = filterThreads
        self.jpegQuality = jpegQuality
        self.displayRotation = displayRotation
    }
}
