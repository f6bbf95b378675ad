import Timeline

/// What ``MediaProbe`` found in a media file.
public struct MediaInfo: Sendable, Hashable, Codable {
    /// The kind of media: moving pictures (with or without sound), sound only, or a still image.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// Moving pictures, with or without sound.
        case video
        /// Sound only.
        case audio
        /// A still image.
        case image
    }

    /// A video stream's properties.
    public struct Video: Sendable, Hashable, Codable {
        /// Codec name (e.g. `h264`, `png`).
        public var codec: String
        /// Coded width in pixels.
        public var width: Int
        /// Coded height in pixels.
        public var height: Int
        /// The average frame rate as an exact ratio, if the container states one.
        public var frameRate: FrameRate?
        /// Clockwise rotation to apply for display (0, 90, 180 or 270), from the display matrix.
        public var rotation: Int
        /// Pixel format name (e.g. `yuv420p`), if known.
        public var pixelFormat: String?
        /// Frames in the stream, if the container says.
        public var frameCount: Int64?
    }

    /// An audio stream's properties.
    public struct Audio: Sendable, Hashable, Codable {
        /// Codec name (e.g. `aac`, `pcm_s16le`).
        public var codec: String
        /// Sample rate in Hz.
        public var sampleRate: Int
        /// Number of channels.
        public var channels: Int
        /// Channel layout description (e.g. `stereo`).
        public var channelLayout: String?
    }

    /// The kind of media.
    public var kind: Kind
    /// libavformat's name for the container (e.g. `mov,mp4,m4a,3gp,3g2,mj2`, `wav`, `png_pipe`).
    public var container: String
    /// The container's first timestamp in seconds (0 for most MP4s, about 1.4 for MPEG-TS); media
    /// times such as a clip's in point count from here. Nil when unknown.
    public var startSeconds: Double?
    /// The length in seconds (nil for still images or when unknown).
    public var durationSeconds: Double?
    /// The length in flicks, rounded to the nearest flick (nil for still images or when unknown).
    public var duration: Flicks?
    /// The best video stream, if any (cover art attached to audio files is not counted).
    public var video: Video?
    /// The best audio stream, if any.
    public var audio: Audio?

    /// True if the media has sound.
    public var hasAudio: Bool { audio != nil }
}
