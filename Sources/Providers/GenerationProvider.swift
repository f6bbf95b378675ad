/// What a provider can generate.
public enum GenerationKind: String, Sendable, Codable, CaseIterable, Hashable {
    /// A video clip (e.g. a bridge between two frames).
    case video
    /// A still image.
    case image
    /// Spoken audio from text.
    case speech
    /// A text script.
    case script
}

/// One generation backend: an AI API reached over HTTP, or a local generator that works offline.
///
/// A provider turns a ``GenerationRequest`` into a media file on local disk. It never touches the timeline,
/// storage or jobs: the caller (a job) stores the file, lands it and reports progress.
///
/// ```swift
/// let output = try await provider.generate(request, context: context)
/// // output.file is a downloaded file under context.temporaryDirectory
/// ```
public protocol GenerationProvider: Sendable {
    /// Stable identifier, e.g. `"replicate"`, used in job params and ``ProviderState``.
    var id: String { get }
    /// Name shown to users, e.g. "Replicate (AI video)".
    var displayName: String { get }
    /// Whether the output is made by a generative AI model (UI and docs must label it so).
    var isAI: Bool { get }
    /// The kinds this provider can generate with its current configuration.
    var capabilities: Set<GenerationKind> { get }
    /// Generates media for `request` and downloads it into `context.temporaryDirectory`.
    ///
    /// - Parameters:
    ///   - request: What to generate.
    ///   - context: Where to put files, how to report progress, and the resumable state of an earlier attempt.
    /// - Returns: The local file and what the provider said about it.
    /// - Throws: ``ProviderError``; its ``ProviderError/isRetryable`` says whether retrying the job may help.
    func generate(_ request: GenerationRequest, context: GenerationContext) async throws(ProviderError) -> GeneratedOutput
}
