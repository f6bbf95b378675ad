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
        // A job claimed in the same statement that recorded the slot's previous one.
        var next: Claim?
        while !state.isShuttingDown && !Task.isCancelled {
            do {
                let claim: Claim?
                if let pending = next {
                    claim = pending
                    next = nil
                } else {
                    claim = try await batchers.slots.submit(SlotRequest(completion: nil, wantsJob: true)).claimed
                }
                if let claim {
                    failures = 0
                    configuration.onEvent?(.claimed(job: claim.record.id, attempt: claim.record.attempts, takeover: claim.takeover))
                    next = await run(claim.record, state: state, batchers: batchers)
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
        // Claimed while shutting down: back to the queue for any worker.
        if let next { await finish(JobSnapshot(record: next.record), lease(for: next.record), .stopped(.shutdown)) }
    }

    /// A job a slot got, and whether it was taken over from a worker that stopped responding.
    struct Claim: Sendable {
        let record: JobRecord
        let takeover: Bool
    }

    /// What a slot asks of the database: to record its job's success, for a next job, or both.
    struct SlotRequest: Sendable {
        var completion: (lease: JobLease, result: String)?
        var wantsJob: Bool
    }

    /// The answer: the completed job (nil when the lease was lost) and the slot's next job, if any.
    struct SlotAnswer: Sendable {
        var completed: JobRecord?
        var claimed: Claim?
    }

    /// The group commit of a pool: successes and claims of all slots asking at once go to the database in one
    /// statement, so a slot that finishes a job usually gets its next one in the same round trip.
    struct Batchers: Sendable {
        let slots: Batcher<SlotRequest, SlotAnswer>

        init(pool: JobWorkerPool, state: PoolState) {
            slots = Batcher(maxBatch: pool.configuration.concurrency) { requests in
                try await pool.completeAndClaim(requests, state: state)
            }
        }
    }

    /// Records the successes in `requests` and claims a job for each request that wants one, within the
    /// per-kind limits: queued ones, and a running one whose heartbeat lapsed (looked for at least every
    /// heartbeat interval, and when idle slots find the queue short).
    private func completeAndClaim(_ requests: [SlotRequest], state: PoolState) async throws -> [SlotAnswer] {
        let completions = requests.compactMap(\.completion)
        let wanted = requests.filter(\.wantsJob).count
        let jobs = database.jobs
        let lapsedAfter = configuration.lease.seconds
        var claims: [Claim] = []
        var checkedLapsed = false
        func claimLapsed() async throws {
            checkedLapsed = true
            let kinds = state.availableKinds()
            if let record = try await jobs.claimLapsed(kinds: kinds, workerID: configuration.workerID, lapsedAfter: lapsedAfter) {
                state.started(kind: record.kind)
                claims.append(Claim(record: record, takeover: true))
            }
        }
        if wanted > 0 && state.lapsedCheckDue(every: configuration.heartbeatInterval) { try await claimLapsed() }
        let limit = wanted - claims.count
        let (completed, claimed) = try await jobs.completeAndClaim(
            completions.map(\.lease), results: completions.map(\.result),
            capacities: limit > 0 ? state.capacities() : [:], workerID: configuration.workerID, limit: limit
        )
        for record in claimed {
            state.started(kind: record.kind)
            claims.append(Claim(record: record, takeover: false))
        }
        if claims.count < wanted && completions.isEmpty && !checkedLapsed { try await claimLapsed() }
        let byID = Dictionary(completed.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var unassigned = claims[...]
        return requests.map { request in
            SlotAnswer(
                completed: request.completion.flatMap { byID[$0.lease.jobID] },
                claimed: request.wantsJob ? unassigned.popFirst() : nil
            )
        }
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

    private func lease(for record: JobRecord) -> JobLease {
        JobLease(jobID: record.id, workerID: configuration.workerID, attempt: record.attempts)
    }

    /// Runs a claimed job and records how it ended; returns the slot's next job when it was claimed in the
    /// same statement.
    private func run(_ record: JobRecord, state: PoolState, batchers: Batchers) async -> Claim? {
        let job = JobSnapshot(record: record)
        let lease = lease(for: record)
        let ended = await execute(job, lease, state: state)
        // The kind's slot is free before the end is recorded, so the same statement may claim the next job.
        if state.finished(kind: job.kind, slots: configuration.concurrency) { state.doorbell.ring() }
        guard let ended else { return nil }
        return await finish(job, lease, ended.outcome, retry: ended.retry, batchers: batchers, wantsNext: !state.isShuttingDown)
    }

    /// How the run ended; nil when the job is left as it is (no handler for its kind, or the pool itself was
    /// cancelled rather than shut down gracefully: like a crash, its heartbeat lapses and another worker
    /// takes it over).
    private func execute(_ job: JobSnapshot, _ lease: JobLease, state: PoolState) async -> (outcome: Outcome, retry: Bool)? {
        guard let handler = handlers[job.kind] else { return nil }
        if job.cancelRequested { return (.stopped(.cancelRequested), true) }
        if job.attempts > job.maxAttempts {
            let error = JobError(.workerLost, "the worker running the job stopped responding and no attempts are left")
            return (.threw(error), false)
        }
        let stop = OneShot<StopReason>()
        guard state.register(job.id, stop: stop) else {
            state.unregister(job.id)
            return (.stopped(.shutdown), true)
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
        guard var outcome, !Task.isCancelled else { return nil }
        // The handler saw the stop (checkCancellation) before the supervisor reported it.
        if case .threw = outcome, let reason = stop.value { outcome = .stopped(reason) }
        return (outcome, true)
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

    /// Records how the run ended. A success goes through the slots' group commit (when given), which also
    /// claims the slot's next job when `wantsNext`; that job is returned.
    @discardableResult
    private func finish(
        _ job: JobSnapshot, _ lease: JobLease, _ outcome: Outcome, retry: Bool = true, batchers: Batchers? = nil, wantsNext: Bool = false
    ) async -> Claim? {
        let jobs = database.jobs
        var next: Claim?
        do {
            let record: JobRecord?
            switch outcome {
            case .returned(let value):
                let result = try JSONText.encode(value)
                if let batchers {
                    let answer = try await batchers.slots.submit(SlotRequest(completion: (lease, result), wantsJob: wantsNext))
                    record = answer.completed
                    next = answer.claimed
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
        return next
    }

    private func markCancelled(_ lease: JobLease, _ error: JobError) async throws -> JobRecord? {
        let outcome = LandingOutcome(status: .rejected, message: "the job was cancelled")
        return try await database.jobs.markCancelled(
            lease, error: try JSONText.encode(error.info), landingOutcome: try JSONText.encode(outcome)
        )
    }
}
