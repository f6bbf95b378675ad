import AsyncHTTPClient
import Foundation
import Logging
import Providers
import Synchronization
import Testing

/// Records what a provider reports through its ``GenerationContext``.
final class Recorder: Sendable {
    let saved = Mutex<[ProviderState]>([])
    let progress = Mutex<[ProviderProgress]>([])
    let logs = Mutex<[String]>([])
    let directory: URL

    init() {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("providers-tests-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// A context writing into this recorder; `onSave` runs before the state is recorded and may throw.
    func context(
        savedState: ProviderState? = nil,
        onSave: @escaping @Sendable (ProviderState) async throws -> Void = { _ in }
    ) -> GenerationContext {
        let logger = Logger(label: "providers-tests") { _ in CapturingLogHandler(lines: self) }
        return GenerationContext(
            temporaryDirectory: directory, savedState: savedState, logger: logger,
            progress: { [self] step in progress.withLock { $0.append(step) } },
            save: { [self] state in
                try await onSave(state)
                saved.withLock { $0.append(state) }
            }
        )
    }

    var statuses: [String] {
        progress.withLock { $0.compactMap { if case .status(let s) = $0 { s } else { nil } } }
    }

    /// Files left in the temporary directory.
    var files: [String] { (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [] }
}

/// Collects every log line (message and metadata) at trace level.
struct CapturingLogHandler: LogHandler {
    let lines: Recorder
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        lines.logs.withLock { $0.append("\(event.level) \(event.message) \(merged)") }
    }
}

/// Fast retry settings for tests.
let fastRetry = RetryPolicy(
    maxAttempts: 3, initialBackoff: .milliseconds(20), maxBackoff: .milliseconds(100), requestTimeout: .seconds(10),
    downloadTimeout: .seconds(30), maxRetryAfterWait: .seconds(5))

extension FakeProvider {
    func replicate(
        videoModel: String = "fake-owner/fake-video",
        token: String = FakeProvider.token,
        webhook: Bool = false,
        poll: Duration = .milliseconds(20),
        timeout: Duration = .seconds(30),
        retry: RetryPolicy = fastRetry,
        wakeups: PredictionWakeups? = nil,
        maxDownloadBytes: Int64 = 2 << 30
    ) -> ReplicateProvider {
        ReplicateProvider(
            configuration: ReplicateConfiguration(
                apiToken: Secret(token), baseURL: baseURL, videoModel: videoModel, imageModel: nil,
                webhookSecret: Secret(FakeProvider.webhookSecret), webhookURL: webhook ? sinkURL : nil,
                initialPollInterval: poll, maxPollInterval: poll * 4, predictionTimeout: timeout),
            client: HTTPClient.shared, retry: retry, wakeups: wakeups, maxDownloadBytes: maxDownloadBytes)
    }

    func openAI(token: String = FakeProvider.token) -> OpenAIConfiguration {
        OpenAIConfiguration(apiKey: Secret(token), baseURL: baseURL, imageModel: "gpt-image-1", speechModel: "tts-fake", voice: "alloy")
    }
}

/// A unique prompt carrying fault directives for the fake.
func prompt(_ directives: String = "") -> String {
    "a calm lake at dawn \(directives) #\(UUID().uuidString.prefix(8))"
}

/// Runs `body` and returns the ProviderError it throws (nil when it succeeds; any other error is an issue).
func providerError<T>(_ body: () async throws -> T) async -> ProviderError? {
    do {
        _ = try await body()
        return nil
    } catch let error as ProviderError {
        return error
    } catch {
        Issue.record("not a ProviderError: \(error)")
        return nil
    }
}
