import Foundation
import Logging
import ServiceLifecycle
import Storage

/// Told about every change of every job, whichever process made it.
public protocol JobObserver: Sendable {
    /// The job as it is just after a change (status, progress, step). Changes in quick succession may be
    /// seen once, as their latest state.
    func jobDidChange(_ job: JobSnapshot) async
}

/// Relays job changes from `NOTIFY editbay_job_changed` to an observer, so a serve process forwards the
/// progress of jobs run by any worker process (e.g. as `job-progress` on the live protocol).
///
/// A `Service`: run it in the application's `ServiceGroup`; it ends on graceful shutdown.
public struct JobEventRelay: Service {
    let database: Database
    let observer: any JobObserver
    let logger: Logger
    let onListening: (@Sendable () -> Void)?

    /// - Parameter onListening: called each time it (re)starts listening (tests).
    public init(database: Database, observer: any JobObserver, logger: Logger, onListening: (@Sendable () -> Void)? = nil) {
        self.database = database
        self.observer = observer
        self.logger = logger
        self.onListening = onListening
    }

    public func run() async throws {
        let listener = NotificationListener(database: database, channels: [JobRepository.Channel.changed], logger: logger)
        let queue = JobQueue(database: database)
        let observer = observer
        let logger = logger
        await cancelWhenGracefulShutdown {
            await listener.run(onListening: { onListening?() }) { _, payload in
                guard let change = JobChange(payload: payload) else { return }
                do {
                    if let job = try await queue.get(change.job) { await observer.jobDidChange(job) }
                } catch {
                    logger.warning("job relay: could not read a changed job", metadata: ["job": "\(change.job)", "error": "\(String(reflecting: error))"])
                }
            }
        }
    }
}

/// The payload of `editbay_job_changed`.
public struct JobChange: Sendable, Codable, Equatable {
    public var job: UUID
    public var project: UUID?
    public var status: String

    /// Parses a notification payload (nil when it is not one).
    public init?(payload: String) {
        guard let change = JSONText.decode(JobChange.self, payload) else { return nil }
        self = change
    }
}
