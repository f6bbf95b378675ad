/// What to generate: the union of what the generation kinds need; each provider reads the fields of its kind.
public struct GenerationRequest: Sendable, Codable, Hashable {
    /// The kind of media wanted.
    public var kind: GenerationKind
    /// The prompt (video, image, script).
    public var prompt: String?
    /// The text to speak (speech).
    public var text: String?
    /// The voice (speech); the provider's configured default when nil.
    public var voice: String?
    /// The wanted duration in seconds (video).
    public var durationSeconds: Double?
    /// The wanted width in pixels (video, image).
    public var width: Int?
    /// The wanted height in pixels (video, image).
    public var height: Int?
    /// The wanted frame rate (video).
    public var fps: Double?
    /// A local image file for the first frame (video); uploaded as a data URI.
    public var firstFramePath: String?
    /// A local image file for the last frame (video); uploaded as a data URI.
    public var lastFramePath: String?
    /// The wanted container or codec, e.g. `"mp3"` or `"wav"` (speech); the configured default when nil.
    public var outputFormat: String?
    /// Extra model parameters, passed through to the provider's input unchanged (they win over derived ones).
    public var parameters: [String: JSONValue]

    /// Creates a request; only `kind` is required.
    public init(
        kind: GenerationKind,
        prompt: String? = nil,
        text: String? = nil,
        voice: String? = nil,
        durationSeconds: Double? = nil,
        width: Int? = nil,
        height: Int? = nil,
        fps: Double? = nil,
        firstFramePath: String? = nil,
        lastFramePath: String? = nil,
        outputFormat: String? = nil,
        parameters: [String: JSONValue] = [:]
    ) {
        self.kind = kind
        self.prompt = prompt
        self.text = text
        self.voice = voice
        self.durationSeconds = durationSeconds
        self.width = width
        self.height = height
        self.fps = fps
        self.firstFramePath = firstFramePath
        self.lastFramePath = lastFramePath
        self.outputFormat = outputFormat
        self.parameters = parameters
    }
}
