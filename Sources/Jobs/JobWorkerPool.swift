import Foundation
import Logging
import ServiceLifecycle
import Storage
import Timeline

/// Runs jobs: a swift-service-lifecycle `Service` with `concurrency` slots that claim jobs of the kinds it
/// has handlers for.
///
/// Slots claim with `FOR UPDATE SKIP LOCKED` (several pools, in one process or many, never run a job twice at
/// once), wake on `NOTIFY` and poll as a fallback, and sleep until the next delayed job is due. While a job
/// runs, its slot heartbeats it and stops the handler (cancelling its task) when a cancel is requested, its
/// timeout passes or the job was taken over. A job whose heartbeat lapsed longer than the lease is taken over
/// (one more attempt; with none left it fails with `WORKER_LOST`). On graceful shutdown no new job is
/// claimed and the running ones are stopped and put back in the queue for any worker to run again.
public struct JobWorkerPool: Service {
    let database: Database
    let handlers: [String: any JobHandler]
    let landing: (any JobLanding)?
    let configuration: JobWorkerConfiguration
    let logger: Logger

    /// - Parameters:
    ///   - handlers: one per kind (a later handler of the same kind replaces an earlier one).
    ///   - landing: applies landings in this process (a process with the collaboration rooms); nil in
    ///     `editbay worker`, whose jobs then wait for a ``LandingApplier`` elsewhere.
    public init(
        database: Database, handlers: [any JobHandler], landing: (any JobLanding)? = nil,
        configuration: JobWorkerConfiguration, logger: Logger
    ) {
        self.database = database
        self.handlers = Dictionary(handlers.map { ($0.kind, $0) }, uniquingKeysWith: { _, last in last })
        self.landing = landing
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "worker"] = "\(configuration.workerID)"
        self.logger = logger
    }

    /// The kinds this pool runs.
    public var kinds: Set<String> { Set(handlers.keys) }

    public func run() async throws {
        let slots = configuration.concurrency
        guard slots > 0, !handlers.isEmpty else { return try await gracefulShutdown() }
        let limits = handlers.mapValues { min(max($0.maxConcurrency ?? slots, 1), slots) }
        let state = PoolState(slots: slots, limits: limits)
        let batchers = Batchers(pool: self, state: state)
        let listener = NotificationListener(
            database: database, channels: [JobRepository.Channel.enqueued, JobRepository.Channel.cancel], logger: logger
        )
        let kinds = kinds
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Bool.self) { group in
                group.addTask {
                    await listener.run(onListening: {
                        configuration.onEvent?(.listening)
                        state.doorbell.ring()  // notifications may have been missed while not listening
                    }) { channel, payload in
                        if channel == JobRepository.Channel.cancel {
                            if let id = UUID(uuidString: payload) { state.requestCancel(id) }
                        } else if kinds.contains(payload) {
                            state.doorbell.ring()
                        }
                    }
                    return false
                }
                for slot in 0..<slots {
                    group.addTask {
                        await self.slotLoop(slot, state: state, batchers: batchers)
                        return true
                    }
                }
                var remaining = slots
                while remaining > 0, let isSlot = await group.next() {
                    if isSlot { remaining -= 1 }
                }
                group.cancelAll()
            }
        } onGracefulShutdown: {
            state.beginShutdown()
        }
    }

    // MARK: Slots

    private func slotLoop(_ slot: Int, state: PoolState, batchers: Batchers) async {
        var failures = 0
        while !state.isShuttingDown && !Task.isCancelled {
            do {
                if let (record, takeover) = try await batchers.claim.submit(()) {
                    failures = 0
                    configuration.onEvent?(.claimed(job: record.id, attempt: record.attempts, takeover: takeover))
                    await run(record, state: state, batchers: batchers)
                    continue
                }
                failures = 0
                let wait = try await idleWait(kinds: state.availableKinds())
                configuration.onEvent?(.idle(slot: slot))
                let reason = await state.doorbell.wait(timeout: wait)
                configuration.onEvent?(.woke(slot: slot, reason: reason))
            } catch {
                if Task.isCancelled { return }
                failures += 1
                logger.warning("job worker: database error, retrying", metadata: ["error": "\(String(reflecting: error))"])
                _ = await state.doorbell.wait(timeout: .milliseconds(min(100 << min(failures, 6), 5000)))
            }
        }
    }

    /// The group commits of a pool: claims (one statement for all slots asking at once) and successes.
    struct Batchers: Sendable {
        let claim: Batcher<Void, (JobRecord, takeover: Bool)?>
        let complete: Batcher<(JobLease, String), JobRecord?>

        init(pool: JobWorkerPool, state: PoolState) {
            claim = Batcher(maxBatch: pool.configuration.concurrency) { requests in
                let claimed: [(JobRecord, takeover: Bool)?] = try await pool.claim(count: requests.count, state: state)
                return claimed + Array(repeating: nil, count: requests.count - claimed.count)
            }
            let jobs = pool.database.jobs
            complete = Batcher(maxBatch: 64) { inputs in
                let records = try await jobs.complete(inputs.map(\.0), results: inputs.map(\.1))
                let byID = Dictionary(records.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
                return inputs.map { byID[$0.0.jobID] }
            }
        }
    }

    /// Claims up to `count` jobs within the per-kind limits: queued ones, and a running one whose heartbeat
    /// lapsed (looked for when the queue has too few, and at least every heartbeat interval while it has more).
    private func claim(count: Int, state: PoolState) async throws -> [(JobRecord, takeover: Bool)] {
        var claimed: [(JobRecord, takeover: Bool)] = []
        let jobs = database.jobs
        let lapsedAfter = configuration.lease.seconds
        var checkedLapsed = false
        func claimLapsed() async throws {
            checkedLapsed = true
            let kinds = state.availableKinds()
            if let record = try await jobs.claimLapsed(kinds: kinds, workerID: configuration.workerID, lapsedAfter: lapsedAfter) {
                state.started(kind: record.kind)
                claimed.append((record, true))
            }
        }
        if state.lapsedCheckDue(every: configuration.heartbeatInterval) { try await claimLapsed() }
        if claimed.count < count {
            let records = try await jobs.claim(capacities: state.capacities(), workerID: configuration.workerID, limit: count - claimed.count)
            for record in records {
                state.started(kind: record.kind)
                claimed.append((record, false))
            }
        }
        if claimed.count < count && !checkedLapsed { try await claimLapsed() }
        return claimed
    }

    /// How long an idle slot sleeps: until the next delayed job or lapsing heartbeat of a kind it may run now
    /// is due, at most the poll interval. (Kinds at their limit wake it when one of their jobs ends.)
    private func idleWait(kinds: [String]) async throws -> Duration {
        guard !kinds.isEmpty else { return configuration.pollInterval }
        let due = try await database.jobs.secondsUntilNextDue(kinds: kinds, lapsedAfter: configuration.lease.seconds)
        guard let due else { return configuration.pollInterval }
        return min(configuration.pollInterval, .seconds(fromDouble: max(due, 0.02)))
    }

    // MARK: Running one job

    private enum Outcome: Sendable {
        case returned(JSONValue)
        case threw(JobError)
        case stopped(StopReason)
    }

    private func run(_ record: JobRecord, state: PoolState, batchers: Batchers) async {
        let job = JobSnapshot(record: record)
        let lease = JobLease(jobID: job.id, workerID: configuration.workerID, attempt: job.attempts)
        defer {
            if state.finished(kind: job.kind, slots: configuration.concurrency) { state.doorbell.ring() }
        }
        guard let handler = handlers[job.kind] else { return }
        if job.cancelRequested {
            return await finish(job, lease, .stopped(.cancelRequested))
        }
        if job.attempts > job.maxAttempts {
            let error = JobError(.workerLost, "the worker running the job stopped responding and no attempts are left")
            return await finish(job, lease, .threw(error), retry: false)
        }
        let stop = OneShot<StopReason>()
        guard state.register(job.id, stop: stop) else {
            state.unregister(job.id)
            return await finish(job, lease, .stopped(.shutdown))
        }
        defer { state.unregister(job.id) }
        let context = JobContext(
            job: job, lease: lease, database: database, stop: stop,
            landingDesk: landing.map { LandingDesk(database: database, claimer: configuration.workerID, lease: configuration.lease, landing: $0) },
            landingPollInterval: configuration.landingPollInterval, logger: logger
        )
        let deadline = ContinuousClock.now + (job.timeout ?? handler.timeout)
        let outcome: Outcome? = await withTaskGroup(of: Outcome?.self) { group in
            group.addTask {
                do {
                    return .returned(try await handler.run(context))
                } catch {
                    return .threw(JobError.from(error))
                }
            }
            group.addTask { await self.supervise(lease, stop: stop, deadline: deadline) }
            var first: Outcome?
            while first == nil, let next = await group.next() { first = next }
            group.cancelAll()
            return first
        }
        // The pool itself was cancelled (not shut down gracefully): leave the job as it is, like a crash; its
        // heartbeat lapses and another worker takes it over.
        guard var outcome, !Task.isCancelled else { return }
        // The handler saw the stop (checkCancellation) before the supervisor reported it.
        if case .threw = outcome, let reason = stop.value { outcome = .stopped(reason) }
        await finish(job, lease, outcome, batchers: batchers)
    }

    /// Heartbeats until the job must stop; nil when the handler finished first (this task is cancelled).
    private func supervise(_ lease: JobLease, stop: OneShot<StopReason>, deadline: ContinuousClock.Instant) async -> Outcome? {
        while !Task.isCancelled {
            let left = deadline - .now
            guard left > .zero else { return .stopped(.timeout) }
            if let reason = await stop.wait(timeout: min(configuration.heartbeatInterval, left)) { return .stopped(reason) }
            if Task.isCancelled { return nil }
            guard deadline > .now else { return .stopped(.timeout) }
            do {
                guard let cancelRequested = try await database.jobs.heartbeat(lease) else { return .stopped(.leaseLost) }
                if cancelRequested { return .stopped(.cancelRequested) }
            } catch {
                if Task.isCancelled { return nil }
                logger.warning("job worker: heartbeat failed", metadata: ["job": "\(lease.jobID)", "error": "\(String(reflecting: error))"])
            }
        }
        return nil
    }

    /// Records how the run ended.
    private func finish(_ job: JobSnapshot, _ lease: JobLease, _ outcome: Outcome, retry: Bool = true, batchers: Batchers? = nil) async {
        let jobs = database.jobs
        do {
            let record: JobRecord?
            switch outcome {
            case .returned(let value):
                let result = try JSONText.encode(value)
                if let batchers {
                    record = try await batchers.complete.submit((lease, result))
                } else {
                    record = try await jobs.complete(lease, result: result)
                }
            case .threw(let error):
                let delay = retry && error.retryable ? configuration.retryDelay(afterAttempt: lease.attempt).seconds : nil
                record = try await jobs.fail(lease, error: try JSONText.encode(error.info), retryDelay: delay)
                logger.info("job failed", metadata: ["job": "\(job.id)", "code": "\(error.code)", "retry": "\(record?.status == .queued)"])
            case .stopped(.cancelRequested):
                record = try await markCancelled(lease, StopReason.cancelRequested.error)
            case .stopped(.timeout):
                let error = StopReason.timeout.error
                let delay = configuration.retryDelay(afterAttempt: lease.attempt).seconds
                record = try await jobs.fail(lease, error: try JSONText.encode(error.info), retryDelay: delay)
            case .stopped(.shutdown):
                record = try await jobs.release(lease)
                if record != nil { configuration.onEvent?(.released(job: job.id)) }
            case .stopped(.leaseLost):
                record = nil
            }
            if let record {
                configuration.onEvent?(.finished(job: job.id, status: JobStatus(rawValue: record.status.rawValue) ?? .failed))
            } else {
                logger.warning("job worker: the job was taken over by another worker", metadata: ["job": "\(job.id)"])
                configuration.onEvent?(.lostLease(job: job.id))
            }
        } catch {
            // The heartbeat lapses and another worker takes the job over.
            logger.error("job worker: could not record the end of a job", metadata: ["job": "\(job.id)", "error": "\(String(reflecting: error))"])
        }
    }

    private func markCancelled(_ lease: JobLease, _ error: JobError) async throws -> JobRecord? {
        let outcome = LandingOutcome(status: .rejected, message: "the job was cancelled")
        return try await database.jobs.markCancelled(
            lease, error: try JSONText.encode(error.info), landingOutcome: try JSONText.encode(outcome)
        )
    }
}
