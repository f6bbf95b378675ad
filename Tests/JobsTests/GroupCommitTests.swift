import Foundation
@testable import Jobs
import PostgresNIO
import Storage
import Testing
import Timeline

@Suite("Group commit of the queue", .serialized)
struct GroupCommitTests {
    @Test("concurrent enqueues share statements, and each caller gets its own job back")
    func concurrentEnqueuesShareStatements() async throws {
        try await withJobsDatabase { database in
            let queue = JobQueue(database: database)
            let count = 40
            let jobs = try await withThrowingTaskGroup(of: (Int, JobSnapshot).self) { group in
                for i in 0..<count {
                    group.addTask {
                        (i, try await queue.enqueue(JobRequest(kind: "k", params: .object(["i": .integer(Int64(i))]), projectID: nil, createdBy: nil)))
                    }
                }
                return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
            }
            #expect(jobs.count == count)
            for (i, job) in jobs { #expect(job.params == .object(["i": .integer(Int64(i))])) }
            #expect(Set(jobs.values.map(\.id)).count == count)
            // now() is the transaction's time: rows added by one statement share it.
            let rows = try await database.client.query("SELECT count(DISTINCT created_at) FROM jobs", logger: database.logger)
            var statements = count
            for try await distinct in rows.decode(Int.self) { statements = distinct }
            #expect(statements < count)
        }
    }

    @Test("one caller's bad row fails only that caller")
    func badRowFailsOnlyItsCaller() async throws {
        try await withJobsDatabase { database in
            let queue = JobQueue(database: database)
            let missingProject = UUID()
            let results = await withTaskGroup(of: (Int, Result<JobSnapshot, any Error>).self) { group in
                for i in 0..<20 {
                    group.addTask {
                        let project: UUID? = i == 7 ? missingProject : nil
                        do {
                            return (i, .success(try await queue.enqueue(JobRequest(kind: "k", projectID: project, createdBy: nil))))
                        } catch {
                            return (i, .failure(error))
                        }
                    }
                }
                return await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
            }
            for (i, result) in results {
                switch result {
                case .success: #expect(i != 7)
                case .failure(let error):
                    #expect(i == 7)
                    #expect(String(reflecting: error).contains("foreign key") || String(reflecting: error).contains("23503"))
                }
            }
            let listed = try await queue.list(projectID: missingProject)
            #expect(listed.total == 0)
        }
    }

    @Test("a success and the next claim go in one statement; a lost lease completes nothing")
    func completeAndClaimTogether() async throws {
        try await withJobsDatabase { database in
            let queue = JobQueue(database: database)
            let first = try await queue.enqueue(JobRequest(kind: "k", projectID: nil, createdBy: nil))
            let second = try await queue.enqueue(JobRequest(kind: "k", projectID: nil, createdBy: nil))
            let jobs = database.jobs
            let running = try #require(try await jobs.claim(capacities: ["k": 1], workerID: "w", limit: 5).first)
            #expect(running.id == first.id)
            let lease = JobLease(jobID: running.id, workerID: "w", attempt: running.attempts)

            // A lease of another attempt completes nothing; with no capacity for the kind nothing is claimed.
            let stale = JobLease(jobID: running.id, workerID: "w", attempt: running.attempts + 1)
            let none = try await jobs.completeAndClaim([stale], results: ["1"], capacities: ["k": 0], workerID: "w", limit: 1)
            #expect(none.completed.isEmpty)  // wrong attempt: the lease does not hold
            #expect(none.claimed.isEmpty)

            let both = try await jobs.completeAndClaim([lease], results: ["{\"ok\": true}"], capacities: ["k": 1], workerID: "w", limit: 1)
            #expect(both.completed.map(\.id) == [first.id])
            #expect(both.completed.first?.status == .succeeded)
            #expect(both.claimed.map(\.id) == [second.id])
            #expect(both.claimed.first?.status == .running)
            #expect(both.claimed.first?.lockedBy == "w")
            #expect(try await queue.get(first.id)?.result == .object(["ok": .bool(true)]))
            #expect(try await queue.events(first.id).map(\.kind) == ["queued", "running", "succeeded"])
            #expect(try await queue.events(second.id).map(\.kind) == ["queued", "running"])
        }
    }
}
