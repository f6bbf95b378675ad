/// An error from probing, encoding or rendering, with a stable code users can act on.
///
/// `code` never changes meaning; `message` is for people and names the clip, asset or file
/// involved where there is one.
public struct RenderError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The stable error codes.
    public struct Code: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
        /// The code as sent to clients (e.g. `SOURCE_MISSING`).
        public let rawValue: String
        /// Wraps a code string.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The code string.
        public var description: String { rawValue }

        /// The file does not exist or cannot be read.
        public static let fileNotFound = Code(rawValue: "FILE_NOT_FOUND")
        /// The file is not media FFmpeg can decode (no stream, or no frame decodes).
        public static let undecodableMedia = Code(rawValue: "UNDECODABLE_MEDIA")
        /// A clip's source could not be resolved to a file, or the file is missing.
        public static let sourceMissing = Code(rawValue: "SOURCE_MISSING")
        /// A clip's source exists but does not decode.
        public static let sourceUndecodable = Code(rawValue: "SOURCE_UNDECODABLE")
        /// The request cannot be rendered as given (bad size, empty timeline, unknown preset, …).
        public static let invalidRequest = Code(rawValue: "INVALID_REQUEST")
        /// The filter graph could not be built or configured.
        public static let graphFailed = Code(rawValue: "GRAPH_FAILED")
        /// An encoder is missing or refused its settings.
        public static let encoderFailed = Code(rawValue: "ENCODER_FAILED")
        /// Writing the output file failed.
        public static let outputFailed = Code(rawValue: "OUTPUT_FAILED")
        /// The render was cancelled; no output file was left behind.
        public static let cancelled = Code(rawValue: "CANCELLED")
    }

    /// The stable code.
    public var code: Code
    /// What went wrong, for people.
    public var message: String
    /// The clip concerned, if any.
    public var clip: String?
    /// The asset concerned, if any.
    public var asset: String?

    /// Creates an error.
    public init(_ code: Code, _ message: String, clip: String? = nil, asset: String? = nil) {
        self.code = code
        self.message = message
        self.clip = clip
        self.asset = asset
    }

    /// `CODE: message`.
    public var description: String { "\(code.rawValue): \(message)" }
}
