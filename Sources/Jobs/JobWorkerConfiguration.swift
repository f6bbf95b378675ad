import Foundation

/// How a worker pool (and a landing applier) runs. Every setting has a default and an environment variable.
///
/// | variable | default | meaning |
/// | --- | --- | --- |
/// | `EDITBAY_JOB_WORKERS` | 4 | jobs run at once by this process (0 turns the workers off) |
/// | `EDITBAY_JOB_POLL_INTERVAL` | 5 | seconds between polls when no `NOTIFY` arrives |
/// | `EDITBAY_JOB_HEARTBEAT_INTERVAL` | 5 | seconds between heartbeats of a running job |
/// | `EDITBAY_JOB_LEASE` | 30 | seconds without heartbeat after which another worker takes a job over |
/// | `EDITBAY_JOB_RETRY_BASE_DELAY` | 2 | seconds before the first retry; doubles per attempt, with jitter |
/// | `EDITBAY_JOB_RETRY_MAX_DELAY` | 300 | the longest wait before a retry |
/// | `EDITBAY_WORKER_ID` | host-pid-random | the name written to `jobs.locked_by` |
public struct JobWorkerConfiguration: Sendable {
    /// Written to `locked_by`; unique per process.
    public var workerID: String
    /// Slots: jobs run at once.
    public var concurrency: Int
    /// Wait between polls when nothing is notified.
    public var pollInterval: Duration
    /// Between heartbeats of a running job; also how soon a cancel is seen if its `NOTIFY` was missed.
    public var heartbeatInterval: Duration
    /// How old a heartbeat must be before the job is taken over by another worker.
    public var lease: Duration
    /// The first retry's delay; attempt n waits `base × 2^(n-1)`, capped, times a random factor in 0.5…1.
    public var retryBaseDelay: Duration
    /// The cap of the retry delay.
    public var retryMaxDelay: Duration
    /// How often a job that waits for its landing (applied by another process) looks at it.
    public var landingPollInterval: Duration
    /// Called for each thing a pool does (tests and metrics); must return quickly.
    public var onEvent: (@Sendable (JobWorkerEvent) -> Void)?

    public init(
        workerID: String = JobWorkerConfiguration.defaultWorkerID(),
        concurrency: Int = 4,
        pollInterval: Duration = .seconds(5),
        heartbeatInterval: Duration = .seconds(5),
        lease: Duration = .seconds(30),
        retryBaseDelay: Duration = .seconds(2),
        retryMaxDelay: Duration = .seconds(300),
        landingPollInterval: Duration = .milliseconds(250),
        onEvent: (@Sendable (JobWorkerEvent) -> Void)? = nil
    ) {
        self.workerID = workerID
        self.concurrency = concurrency
        self.pollInterval = pollInterval
        self.heartbeatInterval = heartbeatInterval
        self.lease = lease
        self.retryBaseDelay = retryBaseDelay
        self.retryMaxDelay = retryMaxDelay
        self.landingPollInterval = landingPollInterval
        self.onEvent = onEvent
    }

    /// Reads the settings from the environment (see the table above).
    /// - Throws: ``JobError`` `INVALID_CONFIGURATION` naming the variable with a bad value.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) throws(JobError) {
        self.init(workerID: Self.defaultWorkerID())
        if let id = environment["EDITBAY_WORKER_ID"], !id.isEmpty { workerID = id }
        if let text = environment["EDITBAY_JOB_WORKERS"] {
            guard let value = Int(text.trimmingCharacters(in: .whitespaces)), (0...1024).contains(value) else {
                throw JobError(.invalidConfiguration, "EDITBAY_JOB_WORKERS must be a whole number from 0 to 1024, not '\(text)'")
            }
            concurrency = value
        }
        pollInterval = try Self.seconds(environment, "EDITBAY_JOB_POLL_INTERVAL", default: pollInterval)
        heartbeatInterval = try Self.seconds(environment, "EDITBAY_JOB_HEARTBEAT_INTERVAL", default: heartbeatInterval)
        lease = try Self.seconds(environment, "EDITBAY_JOB_LEASE", default: lease)
        retryBaseDelay = try Self.seconds(environment, "EDITBAY_JOB_RETRY_BASE_DELAY", default: retryBaseDelay)
        retryMaxDelay = try Self.seconds(environment, "EDITBAY_JOB_RETRY_MAX_DELAY", default: retryMaxDelay)
        guard lease > heartbeatInterval * 2 else {
            throw JobError(.invalidConfiguration, "EDITBAY_JOB_LEASE must be more than twice EDITBAY_JOB_HEARTBEAT_INTERVAL")
        }
    }

    private static func seconds(_ environment: [String: String], _ name: String, default value: Duration) throws(JobError) -> Duration {
        guard let text = environment[name] else { return value }
        guard let seconds = Double(text.trimmingCharacters(in: .whitespaces)), seconds.isFinite, seconds > 0, seconds <= 86_400 else {
            throw JobError(.invalidConfiguration, "\(name) must be a number of seconds above 0 and at most 86400, not '\(text)'")
        }
        return .seconds(fromDouble: seconds)
    }

    /// `host-pid-xxxx`.
    public static func defaultWorkerID() -> String {
        let random = UInt16.random(in: .min ... .max)
        return "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)-\(String(random, radix: 16))"
    }

    /// The delay before the run after attempt `attempt` (1-based) failed.
    func retryDelay(afterAttempt attempt: Int) -> Duration {
        let exponent = Double(max(0, min(attempt - 1, 30)))
        let capped = min(retryBaseDelay.seconds * pow(2, exponent), retryMaxDelay.seconds)
        return .seconds(fromDouble: capped * Double.random(in: 0.5...1))
    }
}

/// What a worker pool did, for tests and metrics.
public enum JobWorkerEvent: Sendable, Equatable {
    /// The pool listens for `NOTIFY` (again, after a reconnect).
    case listening
    /// A slot found nothing to run and waits.
    case idle(slot: Int)
    /// A waiting slot woke up.
    case woke(slot: Int, reason: WakeReason)
    /// A job was claimed (`takeover`: its previous worker's heartbeat had lapsed).
    case claimed(job: UUID, attempt: Int, takeover: Bool)
    /// A job's run ended with this status (a retry shows `queued`).
    case finished(job: UUID, status: JobStatus)
    /// The job was taken over by another worker while this one ran it.
    case lostLease(job: UUID)
    /// A job went back to the queue because the pool shut down.
    case released(job: UUID)
}
