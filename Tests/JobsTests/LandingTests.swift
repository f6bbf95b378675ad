import Foundation
import Jobs
import Storage
import Testing
import Timeline

@Suite("Landing and takeover", .serialized)
struct LandingTests {
    static let request = LandingRequest(
        operations: [.object(["op": .string("addAsset")]), .object(["op": .string("addClip")])],
        fallbackOperations: [.object(["op": .string("addAsset")])],
        authorID: nil
    )

    @Test("a job whose worker vanished is taken over, runs again, and its output lands once")
    func takeoverLandsOnce() async throws {
        try await withJobsDatabase { database in
            let (project, _) = try await makeProject(database)
            let queue = JobQueue(database: database)
            let runs = Tally()
            let landings = Tally()
            let handler = TestHandler("gen") { context in
                runs.count(context.job.id)
                let outcome = try await context.land(Self.request)
                if context.attempt == 1 {
                    runs.set("landed-once")
                    try await Task.sleep(for: .seconds(3600))  // the worker "dies" before recording the result
                }
                return .object(["status": .string(outcome.status.rawValue), "detail": outcome.detail ?? .null])
            }
            let job = try await queue.enqueue(JobRequest(kind: "gen", projectID: project, createdBy: nil))
            let crashing = makePool(database, [handler], landing: CountingLanding(tally: landings), testConfiguration(concurrency: 1))
            try await withCrashingService(crashing) {
                try await eventually("the first run to land") { runs.has("landed-once") }
            }
            let orphan = try #require(try await queue.get(job.id))
            #expect(orphan.status == .running)
            #expect(orphan.attempts == 1)

            let events = EventLog()
            let rescuer = makePool(database, [handler], landing: CountingLanding(tally: landings), testConfiguration(concurrency: 1, events: events))
            try await withServices([rescuer]) {
                let done = try await finished(queue, job.id)
                #expect(done.status == .succeeded)
                #expect(done.attempts == 2)
                #expect(done.result?.objectValue?["status"] == .string("applied"))
                #expect(done.result?.objectValue?["detail"] == .object(["operations": .integer(2)]))
            }
            #expect(events.all.contains(.claimed(job: job.id, attempt: 2, takeover: true)))
            #expect(runs.counts[job.id] == 2)
            #expect(landings.counts[job.id] == 1)
            #expect(try await queue.events(job.id).contains { $0.kind == "takeover" })
        }
    }

    @Test("a worker whose job was taken over stops its handler and writes nothing more")
    func zombieWorkerLosesItsLease() async throws {
        try await withJobsDatabase { database in
            let queue = JobQueue(database: database)
            let tally = Tally()
            let handler = TestHandler("gen") { context in
                tally.set("started")
                do { try await Task.sleep(for: .seconds(3600)) } catch { tally.set("stopped") }
                return .string("zombie result")
            }
            let job = try await queue.enqueue(JobRequest(kind: "gen", projectID: nil, createdBy: nil))
            let events = EventLog()
            try await withServices([makePool(database, [handler], testConfiguration(concurrency: 1, lease: .seconds(300), events: events))]) {
                try await eventually("the job to start") { tally.has("started") }
                // Another worker takes the job over (as if this one's heartbeat had lapsed).
                let taken = try #require(try await database.jobs.claimLapsed(kinds: ["gen"], workerID: "other", lapsedAfter: 0))
                #expect(taken.attempts == 2)
                try await eventually("the zombie to notice") { events.all.contains(.lostLease(job: job.id)) }
            }
            #expect(tally.has("stopped"))
            let current = try #require(try await queue.get(job.id))
            #expect(current.status == .running)
            #expect(current.result == nil)
            #expect(current.attempts == 2)
        }
    }

    @Test("a landing claim that lapsed is handed over as resumed; a finished landing is never claimed again")
    func resumedLandingClaim() async throws {
        try await withJobsDatabase { database in
            let queue = JobQueue(database: database)
            let job = try await queue.enqueue(JobRequest(kind: "gen", projectID: nil, createdBy: nil))
            _ = try #require(try await database.jobs.claim(kinds: ["gen"], workerID: "w"))
            let inserted = try await database.jobs.insertLanding(jobID: job.id, projectID: nil, payload: #"{"operations":[]}"#)
            #expect(inserted.status == .pending)
            let again = try await database.jobs.insertLanding(jobID: job.id, projectID: nil, payload: #"{"operations":[1]}"#)
            #expect(again.payload == inserted.payload)  // the first one wins
            let first = try #require(try await database.jobs.claimLanding(jobID: job.id, claimer: "a", lapsedAfter: 300))
            #expect(first.claims == 1)
            #expect(try await database.jobs.claimLanding(jobID: job.id, claimer: "b", lapsedAfter: 300) == nil)  // held
            let second = try #require(try await database.jobs.claimLanding(jobID: job.id, claimer: "b", lapsedAfter: 0))
            #expect(second.claims == 2)  // the claimer died: resumed
            try await database.jobs.finishLanding(jobID: job.id, status: .applied, outcome: #"{"status":"applied","usedFallback":false}"#)
            #expect(try await database.jobs.claimLanding(jobID: job.id, claimer: "c", lapsedAfter: 0) == nil)
            #expect(try await database.jobs.landing(jobID: job.id)?.status == .applied)
        }
    }

    @Test("a taken-over job with no attempts left fails with WORKER_LOST")
    func workerLost() async throws {
        try await withJobsDatabase { database in
            let queue = JobQueue(database: database)
            let runs = Tally()
            let handler = TestHandler("gen") { context in
                runs.count(context.job.id)
                try await Task.sleep(for: .seconds(3600))
                return .null
            }
            let job = try await queue.enqueue(JobRequest(kind: "gen", projectID: nil, createdBy: nil, maxAttempts: 1))
            try await withCrashingService(makePool(database, [handler], testConfiguration(concurrency: 1))) {
                try await eventually("the job to start") { runs.counts[job.id] == 1 }
            }
            try await withServices([makePool(database, [handler], testConfiguration(concurrency: 1))]) {
                let done = try await finished(queue, job.id)
                #expect(done.status == .failed)
                #expect(done.error?.code == "WORKER_LOST")
            }
            #expect(runs.counts[job.id] == 1)
        }
    }

    @Test("a worker without rooms leaves the landing pending; a LandingApplier applies it and the job gets the outcome")
    func landingApplier() async throws {
        try await withJobsDatabase { database in
            let (project, _) = try await makeProject(database)
            let queue = JobQueue(database: database)
            let landings = Tally()
            let handler = TestHandler("gen") { context in
                let outcome = try await context.land(Self.request)
                return .string(outcome.status.rawValue)
            }
            let job = try await queue.enqueue(JobRequest(kind: "gen", projectID: project, createdBy: nil))
            let worker = makePool(database, [handler])  // no JobLanding: an `editbay worker`
            try await withServices([worker]) {
                try await eventually("the landing to be recorded") { try await database.jobs.landing(jobID: job.id) != nil }
                #expect(try await database.jobs.landing(jobID: job.id)?.status == .pending)
                #expect(try await queue.get(job.id)?.status == .running)  // waiting for a server to apply it
                let applier = LandingApplier(
                    database: database, landing: CountingLanding(tally: landings), configuration: testConfiguration(), logger: database.logger
                )
                try await withServices([applier]) {
                    let done = try await finished(queue, job.id)
                    #expect(done.status == .succeeded)
                    #expect(done.result == .string("applied"))
                }
            }
            #expect(landings.counts[job.id] == 1)
            let stored = try #require(try await database.jobs.landing(jobID: job.id))
            #expect(stored.status == .applied)
            #expect(stored.claims == 1)
        }
    }

    @Test("cancel while a job waits for its landing: nothing lands")
    func cancelBeforeLanding() async throws {
        try await withJobsDatabase { database in
            let queue = JobQueue(database: database)
            let landings = Tally()
            let handler = TestHandler("gen") { context in
                _ = try await context.land(Self.request)
                return .null
            }
            let job = try await queue.enqueue(JobRequest(kind: "gen", projectID: nil, createdBy: nil))
            try await withServices([makePool(database, [handler])]) {
                try await eventually("the landing to be recorded") { try await database.jobs.landing(jobID: job.id) != nil }
                _ = try await queue.cancel(job.id)
                try await expectStatus(queue, job.id, .cancelled)
            }
            let applier = LandingApplier(
                database: database, landing: CountingLanding(tally: landings), configuration: testConfiguration(), logger: database.logger
            )
            try await withServices([applier]) {
                try await Task.sleep(for: .milliseconds(300))  // give it the chance to (wrongly) apply
            }
            #expect(landings.counts.isEmpty)
            #expect(try await database.jobs.landing(jobID: job.id)?.status == .rejected)
        }
    }
}

@Suite("Job event relay", .serialized)
struct JobEventRelayTests {
    actor Seen: JobObserver {
        var jobs: [JobSnapshot] = []
        func jobDidChange(_ job: JobSnapshot) async { jobs.append(job) }
    }

    @Test("the relay observes progress and the end of a job run by another pool")
    func relayObservesProgress() async throws {
        try await withJobsDatabase { database in
            let (project, _) = try await makeProject(database)
            let queue = JobQueue(database: database)
            let gate = Tally()
            let handler = TestHandler("gen") { context in
                try await context.step("render") {
                    try await context.progress(0.5)
                    while !gate.has("open") { try await Task.sleep(for: .milliseconds(10)) }
                }
                return .null
            }
            let seen = Seen()
            let listening = Tally()
            let relay = JobEventRelay(database: database, observer: seen, logger: database.logger, onListening: { listening.set("yes") })
            try await withServices([relay]) {
                try await eventually("the relay to listen") { listening.has("yes") }
                try await withServices([makePool(database, [handler])]) {
                    let job = try await queue.enqueue(JobRequest(kind: "gen", projectID: project, createdBy: nil))
                    try await eventually("the relay to see progress 0.5") {
                        await seen.jobs.contains { $0.id == job.id && $0.progress == 0.5 && $0.steps.first?.status == .running }
                    }
                    gate.set("open")
                    try await eventually("the relay to see the end") {
                        await seen.jobs.contains { $0.id == job.id && $0.status == .succeeded }
                    }
                    let statuses = await seen.jobs.filter { $0.id == job.id }.map(\.status)
                    #expect(statuses.first == .queued || statuses.first == .running)
                    #expect(await seen.jobs.allSatisfy { $0.projectID == project })
                }
            }
        }
    }
}
