import Foundation
import Logging
import Storage
import Synchronization
import Timeline

/// What a handler gets for one attempt of a job: the job, and ways to report steps and progress, check for
/// cancellation, keep provider state across attempts and land its output.
public final class JobContext: Sendable {
    /// The job as claimed (status `running`, `attempts` counts this attempt).
    public let job: JobSnapshot
    /// Carries the job's id and kind.
    public let logger: Logger

    let lease: JobLease
    let database: Database
    let stop: OneShot<StopReason>
    let landingDesk: LandingDesk?
    let landingPollInterval: Duration
    private let state: Mutex<Progress>

    private struct Progress {
        var steps: [JobStep]
        var fraction: Double
    }

    init(job: JobSnapshot, lease: JobLease, database: Database, stop: OneShot<StopReason>, landingDesk: LandingDesk?,
         landingPollInterval: Duration, logger: Logger) {
        self.job = job
        self.lease = lease
        self.database = database
        self.stop = stop
        self.landingDesk = landingDesk
        self.landingPollInterval = landingPollInterval
        var logger = logger
        logger[metadataKey: "job"] = "\(job.id)"
        logger[metadataKey: "kind"] = "\(job.kind)"
        self.logger = logger
        // Steps of an earlier attempt stay visible until this one runs them again.
        self.state = Mutex(Progress(steps: job.steps, fraction: job.progress))
    }

    /// This attempt's number (1 for the first run).
    public var attempt: Int { job.attempts }

    /// The parameters decoded as `T`.
    /// - Throws: ``JobError`` `INVALID_PARAMS` (not retryable) saying what does not fit.
    public func params<T: Decodable>(as type: T.Type = T.self) throws(JobError) -> T {
        do {
            return try JSONText.decoding(T.self, try JSONText.encode(job.params))
        } catch {
            throw JobError(.invalidParams, "the parameters of a \(job.kind) job do not fit: \(Self.describe(error))")
        }
    }

    /// Runs `body` as the step `name`: recorded `running` when it starts and `succeeded` or `failed` when it
    /// ends (with times), each a `step` event and a change notification.
    public func step<T>(_ name: String, _ body: () async throws -> T) async throws -> T {
        try checkCancellation()
        try await record(step: name, status: .running)
        do {
            let value = try await body()
            try await record(step: name, status: .succeeded)
            return value
        } catch {
            try? await record(step: name, status: .failed)
            throw error
        }
    }

    /// Reports progress (0–1, clamped; it never goes back within an attempt).
    public func progress(_ fraction: Double) async throws {
        try checkCancellation()
        let update: (steps: [JobStep], fraction: Double)? = state.withLock { state in
            let clamped = min(max(fraction.isFinite ? fraction : 0, 0), 1)
            // Tiny steps are not worth a write each.
            guard clamped > state.fraction, clamped - state.fraction >= 0.001 || clamped == 1 else { return nil }
            state.fraction = clamped
            return (state.steps, clamped)
        }
        guard let update else { return }
        try await write(steps: update.steps, progress: update.fraction, stepEvent: nil)
    }

    /// Throws ``JobError`` `CANCELLED` when the job is being cancelled, timed out or the worker stops.
    public func checkCancellation() throws(JobError) {
        if let reason = stop.value { throw reason.error }
        if Task.isCancelled { throw JobError(.cancelled, "the job was stopped") }
    }

    /// Saves what a provider handed back (e.g. its prediction id) before waiting on it, so a later attempt
    /// resumes instead of starting (and paying) again.
    public func saveProviderState<T: Encodable>(_ value: T) async throws {
        guard try await database.jobs.saveProviderState(lease, state: try JSONText.encode(value)) else { throw StopReason.leaseLost.error }
    }

    /// The provider state saved by this or an earlier attempt (nil when none or it does not decode as `T`).
    public func providerState<T: Decodable>(as type: T.Type = T.self) async throws -> T? {
        guard let text = try await database.jobs.providerState(jobID: job.id) else { return nil }
        return JSONText.decode(T.self, text)
    }

    /// Lands the job's output, at most once per job: the first call (of any attempt) records the request; a
    /// later call, e.g. by a second run of the job, gets the first outcome. The landing is applied here when
    /// this process has a ``JobLanding``, else by a ``LandingApplier`` in another process (this waits for it).
    /// Nothing lands once a cancel was requested.
    public func land(_ request: LandingRequest) async throws -> LandingOutcome {
        try checkCancellation()
        var record = try await database.jobs.insertLanding(jobID: job.id, projectID: job.projectID, payload: try JSONText.encode(request))
        while true {
            if record.status != .pending {
                return record.outcome.flatMap { JSONText.decode(LandingOutcome.self, $0) }
                    ?? LandingOutcome(status: record.status == .applied ? .applied : .rejected)
            }
            if let landingDesk, let (_, outcome) = try await landingDesk.applyNext(jobID: job.id) { return outcome }
            try checkCancellation()
            _ = await stop.wait(timeout: landingPollInterval)
            try checkCancellation()
            guard let next = try await database.jobs.landing(jobID: job.id) else { throw JobError(.jobFailed, "the landing vanished", retryable: true) }
            record = next
        }
    }

    private func record(step name: String, status: JobStep.Status) async throws {
        let now = Date()
        let (steps, fraction) = state.withLock { state in
            if let index = state.steps.firstIndex(where: { $0.name == name }) {
                state.steps[index].status = status
                if status == .running {
                    state.steps[index].startedAt = now
                    state.steps[index].finishedAt = nil
                } else {
                    state.steps[index].finishedAt = now
                }
            } else {
                state.steps.append(JobStep(name: name, status: status, startedAt: now, finishedAt: status == .running ? nil : now))
            }
            return (state.steps, state.fraction)
        }
        let event = try JSONText.encode(["name": name, "status": status.rawValue])
        try await write(steps: steps, progress: fraction, stepEvent: event)
    }

    private func write(steps: [JobStep], progress: Double, stepEvent: String?) async throws {
        let written = try await database.jobs.updateProgress(lease, progress: progress, steps: try JSONText.encode(steps), stepEvent: stepEvent)
        if !written { throw StopReason.leaseLost.error }
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "'\(key.stringValue)' is missing"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
            DecodingError.dataCorrupted(let context):
            "'\(context.codingPath.map(\.stringValue).joined(separator: "."))': \(context.debugDescription)"
        default: "\(error)"
        }
    }
}

/// Why a running job is stopped before its handler returns.
enum StopReason: Sendable, Equatable {
    case cancelRequested
    case timeout
    case shutdown
    case leaseLost

    var error: JobError {
        switch self {
        case .cancelRequested: JobError(.cancelled, "cancelled by a user")
        case .timeout: JobError(.timeout, "the job ran longer than its timeout", retryable: true)
        case .shutdown: JobError(.cancelled, "the worker is shutting down; the job will run again")
        case .leaseLost: JobError(.workerLost, "the job was taken over by another worker")
        }
    }
}
