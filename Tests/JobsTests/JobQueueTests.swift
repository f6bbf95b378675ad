import Foundation
@testable import Jobs
import Storage
import Testing
import Timeline

@Suite("Job queue", .serialized)
struct JobQueueTests {
    @Test("enqueue, claim, complete: status, steps, progress, result and events")
    func enqueueClaimComplete() async throws {
        try await withJobsDatabase { database in
            let (project, user) = try await makeProject(database)
            let queue = JobQueue(database: database)
            struct Params: Codable { var n: Int }
            let handler = TestHandler("double") { context in
                let params = try context.params(as: Params.self)
                let doubled = try await context.step("double") { params.n * 2 }
                try await context.progress(0.5)
                try await context.step("check") {}
                return .object(["n": .integer(Int64(doubled))])
            }
            let job = try await queue.enqueue(JobRequest(kind: "double", params: .object(["n": .integer(21)]), projectID: project, createdBy: user))
            #expect(job.status == .queued)
            #expect(job.attempts == 0)
            #expect(job.createdBy == user)
            try await withServices([makePool(database, [handler])]) {
                let done = try await finished(queue, job.id)
                #expect(done.status == .succeeded)
                #expect(done.result == .object(["n": .integer(42)]))
                #expect(done.progress == 1)
                #expect(done.attempts == 1)
                #expect(done.steps.map(\.name) == ["double", "check"])
                #expect(done.steps.allSatisfy { $0.status == .succeeded && $0.startedAt != nil && $0.finishedAt != nil })
                #expect(done.error == nil)
                let events = try await queue.events(job.id).map(\.kind)
                #expect(events == ["queued", "running", "step", "step", "step", "step", "succeeded"])
            }
        }
    }

    @Test("bad parameters fail at once with INVALID_PARAMS, without retries")
    func invalidParams() async throws {
        try await withJobsDatabase { database in
            let queue = JobQueue(database: database)
            struct Params: Codable { var n: Int }
            let handler = TestHandler("typed") { context in
                _ = try context.params(as: Params.self)
                return .null
            }
            let job = try await queue.enqueue(JobRequest(kind: "typed", params: .object(["n": .string("x")]), projectID: nil, createdBy: nil, maxAttempts: 3))
            try await withServices([makePool(database, [handler])]) {
                let done = try await finished(queue, job.id)
                #expect(done.status == .failed)
                #expect(done.error?.code == "INVALID_PARAMS")
                #expect(done.error?.message.contains("'n'") == true)
                #expect(done.attempts == 1)
            }
        }
    }

    @Test("an unknown kind is refused when the queue knows the kinds")
    func unknownKind() async throws {
        try await withJobsDatabase { database in
            let queue = JobQueue(database: database, kinds: ["fill.gap"])
            await #expect(throws: JobError.self) {
                try await queue.enqueue(JobRequest(kind: "nope", projectID: nil, createdBy: nil))
            }
            do {
                _ = try await queue.enqueue(JobRequest(kind: "nope", projectID: nil, createdBy: nil))
            } catch let error as JobError {
                #expect(error.code == .unknownKind)
            }
            let ok = try await queue.enqueue(JobRequest(kind: "fill.gap", projectID: nil, createdBy: nil))
            #expect(ok.kind == "fill.gap")
        }
    }

    @Test("a failure waits for its backoff before the job can be claimed again")
    func backoffDelaysTheNextClaim() async throws {
        try await withJobsDatabase { database in
            let queue = JobQueue(database: database)
            let job = try await queue.enqueue(JobRequest(kind: "k", projectID: nil, createdBy: nil, maxAttempts: 3))
            let claimed = try #require(try await database.jobs.claim(kinds: ["k"], workerID: "w1"))
            #expect(claimed.id == job.id)
            #expect(claimed.attempts == 1)
            #expect(try await database.jobs.claim(kinds: ["k"], workerID: "w2") == nil)  // locked: running
            let lease = JobLease(jobID: job.id, workerID: "w1", attempt: 1)
            let failed = try #require(try await database.jobs.fail(lease, error: #"{"code":"X","message":"m"}"#, retryDelay: 3600))
            #expect(failed.status == .queued)
            #expect(failed.runAfter > Date().addingTimeInterval(3000))
            #expect(try await database.jobs.claim(kinds: ["k"], workerID: "w2") == nil)  // not due yet
            let due = try #require(try await database.jobs.secondsUntilNextDue(kinds: ["k"], lapsedAfter: 30))
            #expect(due > 3000)
            // A stale worker (old lease) can no longer write.
            #expect(try await database.jobs.complete(lease, result: "{}") == nil)
            let snapshot = try #require(try await queue.get(job.id))
            #expect(snapshot.error == JobErrorInfo(code: "X", message: "m"))
        }
    }

    @Test("the retry delay doubles per attempt, with jitter, up to the cap")
    func retryDelays() throws {
        let configuration = try JobWorkerConfiguration(environment: [
            "EDITBAY_JOB_RETRY_BASE_DELAY": "1", "EDITBAY_JOB_RETRY_MAX_DELAY": "10",
        ])
        for _ in 0..<50 {
            #expect((Duration.milliseconds(500)...Duration.seconds(1)).contains(configuration.retryDelay(afterAttempt: 1)))
            #expect((Duration.seconds(2)...Duration.seconds(4)).contains(configuration.retryDelay(afterAttempt: 3)))
            #expect((Duration.seconds(5)...Duration.seconds(10)).contains(configuration.retryDelay(afterAttempt: 12)))
        }
        let delays = Set((0..<20).map { _ in configuration.retryDelay(afterAttempt: 2) })
        #expect(delays.count > 1)  // jitter
    }

    @Test("configuration from the environment, with clear errors")
    func configurationFromEnvironment() throws {
        let defaults = try JobWorkerConfiguration(environment: [:])
        #expect(defaults.concurrency == 4)
        #expect(defaults.pollInterval == .seconds(5))
        #expect(defaults.lease == .seconds(30))
        let custom = try JobWorkerConfiguration(environment: [
            "EDITBAY_JOB_WORKERS": "8", "EDITBAY_JOB_POLL_INTERVAL": "0.5", "EDITBAY_JOB_HEARTBEAT_INTERVAL": "2",
            "EDITBAY_JOB_LEASE": "10", "EDITBAY_WORKER_ID": "node-a",
        ])
        #expect(custom.concurrency == 8)
        #expect(custom.pollInterval == .milliseconds(500))
        #expect(custom.heartbeatInterval == .seconds(2))
        #expect(custom.lease == .seconds(10))
        #expect(custom.workerID == "node-a")
        for bad in [["EDITBAY_JOB_WORKERS": "many"], ["EDITBAY_JOB_POLL_INTERVAL": "-1"], ["EDITBAY_JOB_LEASE": "1"]] {
            #expect(throws: JobError.self) { try JobWorkerConfiguration(environment: bad) }
        }
        do {
            _ = try JobWorkerConfiguration(environment: ["EDITBAY_JOB_WORKERS": "many"])
        } catch {
            #expect(error.code == .invalidConfiguration)
            #expect(error.message.contains("EDITBAY_JOB_WORKERS"))
        }
    }

    @Test("cancel a queued job: cancelled at once, never runs")
    func cancelQueued() async throws {
        try await withJobsDatabase { database in
            let queue = JobQueue(database: database)
            let tally = Tally()
            let handler = TestHandler("k") { context in
                tally.count(context.job.id)
                return .null
            }
            let job = try await queue.enqueue(JobRequest(kind: "k", projectID: nil, createdBy: nil, runAfter: Date().addingTimeInterval(1)))
            let cancelled = try #require(try await queue.cancel(job.id))
            #expect(cancelled.status == .cancelled)
            #expect(cancelled.error?.code == "CANCELLED")
            #expect(try await queue.cancel(job.id)?.status == .cancelled)  // idempotent
            let other = try await queue.enqueue(JobRequest(kind: "k", projectID: nil, createdBy: nil, runAfter: Date().addingTimeInterval(1)))
            try await withServices([makePool(database, [handler])]) {
                try await expectStatus(queue, other.id, .succeeded)
            }
            #expect(tally.counts[job.id] == nil)
            #expect(tally.counts[other.id] == 1)
            #expect(try await queue.get(job.id)?.status == .cancelled)
        }
    }

    @Test("retry: a failed job runs again from attempt 0; retrying a queued or succeeded job is refused")
    func retryFailed() async throws {
        try await withJobsDatabase { database in
            let queue = JobQueue(database: database)
            let tally = Tally()
            let handler = TestHandler("flaky") { context in
                tally.count(context.job.id)
                if !tally.has("fixed") { throw JobError(.init("BROKEN"), "broken", retryable: false) }
                return .string("ok")
            }
            let job = try await queue.enqueue(JobRequest(kind: "flaky", projectID: nil, createdBy: nil, maxAttempts: 2))
            try await withServices([makePool(database, [handler])]) {
                let failed = try await finished(queue, job.id)
                #expect(failed.status == .failed)
                #expect(failed.error?.code == "BROKEN")
                #expect(failed.attempts == 1)  // not retryable: no second attempt
                tally.set("fixed")
                let retried = try #require(try await queue.retry(job.id))
                #expect(retried.status == .queued)
                #expect(retried.attempts == 0)
                #expect(retried.error == nil)
                let done = try await finished(queue, job.id)
                #expect(done.status == .succeeded)
                #expect(done.attempts == 1)
                #expect(done.result == .string("ok"))
                await #expect(throws: JobError.self) { try await queue.retry(job.id) }
                #expect(try await queue.retry(UUID()) == nil)
            }
            #expect(tally.counts[job.id] == 2)
        }
    }

    @Test("list per project: filters by status and kind, newest first, pages with a total")
    func listFiltersAndPages() async throws {
        try await withJobsDatabase { database in
            let (p, user) = try await makeProject(database)
            let (q, _) = try await makeProject(database)
            let queue = JobQueue(database: database)
            var ids: [UUID] = []
            for i in 0..<8 {
                let job = try await queue.enqueue(JobRequest(kind: i < 5 ? "a" : "b", params: .object(["i": .integer(Int64(i))]), projectID: p, createdBy: user))
                ids.append(job.id)
            }
            for _ in 0..<2 { _ = try await queue.enqueue(JobRequest(kind: "a", projectID: q, createdBy: user)) }
            _ = try await queue.cancel(ids[0])
            _ = try await queue.cancel(ids[1])

            let all = try await queue.list(projectID: p)
            #expect(all.total == 8)
            #expect(all.items.map(\.id) == ids.reversed())
            let kindA = try await queue.list(projectID: p, filter: JobFilter(kind: "a"))
            #expect(kindA.total == 5)
            #expect(Set(kindA.items.map(\.id)) == Set(ids[0..<5]))
            let cancelled = try await queue.list(projectID: p, filter: JobFilter(statuses: [.cancelled]))
            #expect(Set(cancelled.items.map(\.id)) == [ids[0], ids[1]])
            let queuedB = try await queue.list(projectID: p, filter: JobFilter(statuses: [.queued, .running], kind: "b"))
            #expect(queuedB.total == 3)

            var paged: [UUID] = []
            for offset in stride(from: 0, to: 8, by: 3) {
                let page = try await queue.list(projectID: p, limit: 3, offset: offset)
                #expect(page.total == 8)
                paged += page.items.map(\.id)
            }
            #expect(paged == ids.reversed())
            let beyond = try await queue.list(projectID: p, limit: 3, offset: 30)
            #expect(beyond.items.isEmpty)
            #expect(beyond.total == 8)
        }
    }
}
