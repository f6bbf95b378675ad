import Foundation
import Logging

/// What an earlier attempt left behind so that a retry resumes the same provider job instead of paying again.
///
/// The job stores it (as JSON) when ``GenerationContext/save`` is called and passes it back as
/// ``GenerationContext/savedState`` on the next attempt.
public struct ProviderState: Sendable, Codable, Hashable {
    /// The provider that created the job (``GenerationProvider/id``).
    public var providerID: String
    /// The provider's job id, e.g. a Replicate prediction id.
    public var providerJobID: String
    /// When the provider job was created; deadlines count from here across attempts.
    public var createdAt: Date
    /// Anything else the provider needs to resume.
    public var details: [String: String]

    /// Creates a state record.
    public init(providerID: String, providerJobID: String, createdAt: Date, details: [String: String] = [:]) {
        self.providerID = providerID
        self.providerJobID = providerJobID
        self.createdAt = createdAt
        self.details = details
    }
}

/// Progress a provider reports while it works.
public enum ProviderProgress: Sendable, Hashable {
    /// Fraction done, 0 to 1.
    case fraction(Double)
    /// A status in the provider's words, e.g. `"starting"`, `"processing"`, `"downloading"`.
    case status(String)
}

/// Where and how a provider runs one generation.
public struct GenerationContext: Sendable {
    /// A directory the provider may write its downloads to; the caller owns and cleans it.
    public var temporaryDirectory: URL
    /// The state an earlier attempt saved, if any: resume that provider job instead of creating one.
    public var savedState: ProviderState?
    /// Called as the work advances.
    public var progress: @Sendable (ProviderProgress) async -> Void
    /// Persists resumable state. Async providers call it right after creating their job and before polling it;
    /// if it throws, the provider cancels its job (nobody could resume it) and fails with `STATE_NOT_SAVED`.
    public var save: @Sendable (ProviderState) async throws -> Void
    /// Where the provider logs (never secrets).
    public var logger: Logger

    /// Creates a context.
    public init(
        temporaryDirectory: URL,
        savedState: ProviderState? = nil,
        logger: Logger = Logger(label: "editbay.providers"),
        progress: @escaping @Sendable (ProviderProgress) async -> Void = { _ in },
        save: @escaping @Sendable (ProviderState) async throws -> Void = { _ in }
    ) {
        self.temporaryDirectory = temporaryDirectory
        self.savedState = savedState
        self.logger = logger
        self.progress = progress
        self.save = save
    }
}

/// The result of a generation: a local file and what the provider said about it.
public struct GeneratedOutput: Sendable, Hashable {
    /// The downloaded media, inside the context's temporary directory.
    public var file: URL
    /// Its MIME type, e.g. `video/mp4`, `image/png`, `audio/mpeg`.
    public var mediaType: String
    /// Its size in bytes.
    public var byteCount: Int64
    /// The provider that made it.
    public var providerID: String
    /// The provider's job id (a Replicate prediction id), nil for synchronous APIs.
    public var providerJobID: String?
    /// The provider's metadata (model, version, metrics, ...), secrets excluded.
    public var metadata: [String: JSONValue]

    /// Creates an output record.
    public init(
        file: URL,
        mediaType: String,
        byteCount: Int64,
        providerID: String,
        providerJobID: String?,
        metadata: [String: JSONValue]
    ) {
        self.file = file
        self.mediaType = mediaType
        self.byteCount = byteCount
        self.providerID = providerID
        self.providerJobID = providerJobID
        self.metadata = metadata
    }
}
