import Foundation
import Jobs
import Logging
import Providers
import Storage
import Timeline

/// Where job kinds read a project's timeline. The server reads the live room when one is loaded and the
/// stored log otherwise; `editbay worker` reads the stored log.
public protocol ProjectTimelines: Sendable {
    /// The project's timeline as it is now (everything acknowledged so far).
    func currentView(of projectID: UUID) async throws -> TimelineView
    /// The timeline pinned by a version, nil when the project has no such version.
    func view(of projectID: UUID, version: UUID) async throws -> TimelineView?
}

/// What the job kinds run with: storage, the timelines, and the generation providers.
public struct JobKindEnvironment: Sendable {
    public var database: Database
    public var blobs: BlobStore
    public var timelines: any ProjectTimelines
    /// Every provider that can be chosen, by id (the local ones always, the HTTP ones when configured).
    public var providers: [String: any GenerationProvider]
    /// The provider used for each kind when a job names none (the local ones unless configured otherwise).
    public var defaultProviders: [GenerationKind: String]
    /// Where jobs keep their working files (removed when each attempt ends).
    public var scratchDirectory: String
    public var logger: Logger

    public init(
        database: Database,
        blobs: BlobStore,
        timelines: any ProjectTimelines,
        providers: [any GenerationProvider] = [],
        defaultProviders: [GenerationKind: String] = [:],
        scratchDirectory: String = NSTemporaryDirectory(),
        logger: Logger
    ) {
        self.database = database
        self.blobs = blobs
        self.timelines = timelines
        var all: [String: any GenerationProvider] = [:]
        for provider in LocalProviders.all + providers { all[provider.id] = provider }
        self.providers = all
        self.defaultProviders = LocalProviders.defaults.merging(defaultProviders) { _, configured in configured }
        self.scratchDirectory = scratchDirectory
        self.logger = logger
    }

    /// The provider a job asked for, or the default for `kind`.
    /// - Throws: ``JobError`` `UNKNOWN_PROVIDER` or `UNSUPPORTED_KIND` (not retryable).
    func provider(named id: String?, for kind: GenerationKind) throws(JobError) -> any GenerationProvider {
        let chosen = id ?? defaultProviders[kind] ?? ""
        guard let provider = providers[chosen] else {
            throw JobError(.unknownProvider, "no provider \"\(chosen)\"; available: \(providers.keys.sorted().joined(separator: ", "))")
        }
        guard provider.capabilities.contains(kind) else {
            throw JobError(.unsupportedKind, "provider \(chosen) cannot make \(kind.rawValue)")
        }
        return provider
    }

    /// Every job kind EditBay runs.
    public var handlers: [any JobHandler] {
        [
            FillGapJob(environment: self),
            GenerateImageJob(environment: self),
            GenerateVoiceJob(environment: self),
            GenerateVideoJob(environment: self),
            GenerateScriptJob(environment: self),
            RenderJob(environment: self),
        ]
    }

    /// A scratch directory for one attempt, removed by the caller.
    func makeScratch(for job: JobSnapshot) throws -> URL {
        let url = URL(fileURLWithPath: scratchDirectory).appendingPathComponent("editbay-job-\(job.id.uuidString.lowercased())-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// The local providers: offline, free, and not AI.
public enum LocalProviders {
    public static var all: [any GenerationProvider] {
        [LocalImageProvider(), LocalVideoProvider(), LocalSpeechProvider(), LocalScriptProvider()]
    }

    static var defaults: [GenerationKind: String] {
        [.image: LocalImageProvider.identifier, .video: LocalVideoProvider.identifier, .speech: "local-speech", .script: "local-script"]
    }
}

extension JobError.Code {
    /// The job named a provider that is not configured.
    public static let unknownProvider = JobError.Code("UNKNOWN_PROVIDER")
    /// The provider cannot make what the job asks for.
    public static let unsupportedKind = JobError.Code("UNSUPPORTED_KIND")
    /// The job's project no longer exists.
    public static let projectNotFound = JobError.Code("PROJECT_NOT_FOUND")
    /// The version to render does not exist.
    public static let versionNotFound = JobError.Code("VERSION_NOT_FOUND")
}

/// The timeline's JSON values (jobs' params and results); Providers has a JSON type of its own for model parameters.
typealias JSONValue = Timeline.JSONValue
