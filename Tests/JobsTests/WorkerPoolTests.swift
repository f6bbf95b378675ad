import Foundation
import Jobs
import PostgresNIO
import Storage
import Testing
import Timeline

@Suite("Worker pool", .serialized)
struct WorkerPoolTests {
    @Test("two pools on one database never run a job twice")
    func skipLocked() async throws {
        try await withJobsDatabase { database in
            let queue = JobQueue(database: database)
            let tally = Tally()
            let handler = TestHandler("noop") { context in
                tally.count(context.job.id)
                return .null
            }
            var ids: [UUID] = []
            for _ in 0..<150 { ids.append(try await queue.enqueue(JobRequest(kind: "noop", projectID: nil, createdBy: nil)).id) }
            let pools = [makePool(database, [handler], testConfiguration(concurrency: 4)), makePool(database, [handler], testConfiguration(concurrency: 4))]
            let jobIDs = ids
            try await withServices(pools) {
                try await eventually("all jobs to run") { tally.counts.values.reduce(0, +) >= 150 }
                for id in jobIDs { try await expectStatus(queue, id, .succeeded) }
            }
            #expect(tally.counts.count == 150)
            #expect(tally.counts.values.allSatisfy { $0 == 1 })
            let rows = try await database.client.query("SELECT count(DISTINCT locked_by)::int FROM jobs", logger: database.logger)
            for try await workers in rows.decode(Int.self) { #expect(workers == 2) }
        }
    }

    @Test("a retryable failure is retried with backoff until it succeeds")
    func retryThenSuccess() async throws {
        try await withJobsDatabase { database in
            let queue = JobQueue(database: database)
            let tally = Tally()
            let handler = TestHandler("flaky") { context in
                tally.count(context.job.id)
                if context.attempt < 3 { throw JobError(.init("PROVIDER_BUSY"), "busy", retryable: true) }
                return .integer(Int64(context.attempt))
            }
            let job = try await queue.enqueue(JobRequest(kind: "flaky", projectID: nil, createdBy: nil, maxAttempts: 5))
            try await withServices([makePool(database, [handler])]) {
                let done = try await finished(queue, job.id)
                #expect(done.status == .succeeded)
                #expect(done.attempts == 3)
                #expect(done.result == .integer(3))
                #expect(done.error == nil)
            }
            let events = try await queue.events(job.id)
            #expect(events.filter { $0.kind == "failed" }.map { $0.data.objectValue?["status"] } == [.string("queued"), .string("queued")])
            #expect(tally.counts[job.id] == 3)
        }
    }

    @Test("out of attempts: failed with the handler's error; a plain Swift error becomes JOB_FAILED")
    func maxAttempts() async throws {
        try await withJobsDatabase { database in
            let queue = JobQueue(database: database)
            struct Boom: Error {}
            let handler = TestHandler("down") { _ in throw JobError(.init("PROVIDER_DOWN"), "the provider is down", retryable: true) }
            let plain = TestHandler("plain") { _ in throw Boom() }
            let job = try await queue.enqueue(JobRequest(kind: "down", projectID: nil, createdBy: nil, maxAttempts: 2))
            let other = try await queue.enqueue(JobRequest(kind: "plain", projectID: nil, createdBy: nil, maxAttempts: 1))
            try await withServices([makePool(database, [handler, plain])]) {
                let done = try await finished(queue, job.id)
                #expect(done.status == .failed)
                #expect(done.attempts == 2)
                #expect(done.error == JobErrorInfo(code: "PROVIDER_DOWN", message: "the provider is down"))
                let failed = try await finished(queue, other.id)
                #expect(failed.error?.code == "JOB_FAILED")
            }
        }
    }

    @Test("cancel a running job: the handler sees it promptly (NOTIFY, not the heartbeat) and the job ends cancelled")
    func cancelRunning() async throws {
        try await withJobsDatabase { database in
            let queue = JobQueue(database: database)
            let tally = Tally()
            let handler = TestHandler("slow") { context in
                tally.set("started")
                do {
                    try await Task.sleep(for: .seconds(3600))
                } catch {
                    tally.set("saw-cancel")
                    throw error
                }
                return .null
            }
            let job = try await queue.enqueue(JobRequest(kind: "slow", projectID: nil, createdBy: nil))
            // Heartbeats far apart: only the cancel notification can stop the job before the wait below ends.
            let events = EventLog()
            let configuration = testConfiguration(heartbeat: .seconds(60), lease: .seconds(300), events: events)
            try await withServices([makePool(database, [handler], configuration)]) {
                // (A cancel notified before the pool listens is seen at the next heartbeat instead.)
                try await eventually("the job to start and the pool to listen") { tally.has("started") && events.all.contains(.listening) }
                let requested = try #require(try await queue.cancel(job.id))
                #expect(requested.status == .running)
                #expect(requested.cancelRequested)
                let done = try await finished(queue, job.id)
                #expect(done.status == .cancelled)
                #expect(done.error?.code == "CANCELLED")
                #expect(tally.has("saw-cancel"))
            }
        }
    }

    @Test("a job that runs past its timeout is stopped and fails with TIMEOUT")
    func timeout() async throws {
        try await withJobsDatabase { database in
            let queue = JobQueue(database: database)
            let tally = Tally()
            let handler = TestHandler("stuck", timeout: .seconds(3600)) { _ in
                do { try await Task.sleep(for: .seconds(3600)) } catch { tally.set("stopped") }
                return .null
            }
            let job = try await queue.enqueue(JobRequest(kind: "stuck", projectID: nil, createdBy: nil, maxAttempts: 1, timeout: .milliseconds(300)))
            try await withServices([makePool(database, [handler])]) {
                let done = try await finished(queue, job.id)
                #expect(done.status == .failed)
                #expect(done.error?.code == "TIMEOUT")
                #expect(tally.has("stopped"))
            }
        }
    }

    @Test("per-kind concurrency limit holds within a pool")
    func perKindLimit() async throws {
        try await withJobsDatabase { database in
            let queue = JobQueue(database: database)
            let tally = Tally()
            let limited = TestHandler("limited", maxConcurrency: 1) { _ in
                tally.enter()
                try await Task.sleep(for: .milliseconds(30))
                tally.leave()
                return .null
            }
            var ids: [UUID] = []
            for _ in 0..<6 { ids.append(try await queue.enqueue(JobRequest(kind: "limited", projectID: nil, createdBy: nil)).id) }
            let jobIDs = ids
            try await withServices([makePool(database, [limited], testConfiguration(concurrency: 4))]) {
                for id in jobIDs { try await expectStatus(queue, id, .succeeded) }
            }
            #expect(tally.maxRunning == 1)
        }
    }

    @Test("NOTIFY wakes an idle worker long before its 60 s poll")
    func notifyWakesIdleWorker() async throws {
        try await withJobsDatabase { database in
            let queue = JobQueue(database: database)
            let events = EventLog()
            let handler = TestHandler("ping") { _ in .string("pong") }
            let configuration = testConfiguration(concurrency: 1, poll: .seconds(60), events: events)
            try await withServices([makePool(database, [handler], configuration)]) {
                // Listening rings the doorbell once (notifications may have been missed before): wait until the
                // slot has taken that ring and is idle again, so the next wake can only come from the job's NOTIFY.
                try await eventually("the worker to listen, take the listening ring and idle") {
                    let all = events.all
                    guard let listening = all.firstIndex(of: .listening) else { return false }
                    return all[listening...].contains(.woke(slot: 0, reason: .notification)) && all.last == .idle(slot: 0)
                }
                let before = events.all.count
                let job = try await queue.enqueue(JobRequest(kind: "ping", projectID: nil, createdBy: nil))
                let done = try await finished(queue, job.id, limit: .seconds(30))
                #expect(done.result == .string("pong"))
                let after = Array(events.all[before...])
                let woke = after.firstIndex(of: .woke(slot: 0, reason: .notification))
                let claimed = after.firstIndex(of: .claimed(job: job.id, attempt: 1, takeover: false))
                #expect(woke != nil && claimed != nil && woke! < claimed!)
                #expect(!after.contains(.woke(slot: 0, reason: .timer)))
            }
        }
    }

    @Test("jobs survive a restart; a graceful shutdown puts the running job back in the queue")
    func survivesRestart() async throws {
        try await withJobsDatabase { database in
            let queue = JobQueue(database: database)
            let tally = Tally()
            let blocking = TestHandler("work") { context in
                tally.count(context.job.id)
                tally.set("started")
                if !tally.has("second-process") { try await Task.sleep(for: .seconds(3600)) }
                return .string("done")
            }
            let first = try await queue.enqueue(JobRequest(kind: "work", projectID: nil, createdBy: nil))
            let events = EventLog()
            try await withServices([makePool(database, [blocking], testConfiguration(concurrency: 1, events: events))]) {
                try await eventually("the job to start") { tally.has("started") }
            }
            // Shut down while running: back to queued, the attempt not counted.
            let released = try #require(try await queue.get(first.id))
            #expect(released.status == .queued)
            #expect(released.attempts == 0)
            #expect(events.all.contains(.released(job: first.id)))
            let second = try await queue.enqueue(JobRequest(kind: "work", projectID: nil, createdBy: nil))
            tally.set("second-process")
            try await withServices([makePool(database, [blocking], testConfiguration(concurrency: 2))]) {
                try await expectStatus(queue, first.id, .succeeded)
                try await expectStatus(queue, second.id, .succeeded)
            }
            #expect(try await queue.get(first.id)?.attempts == 1)
        }
    }
}
