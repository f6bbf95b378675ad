import Foundation
import Jobs
import Timeline

/// A job in the API: `{id, projectId, kind, status, progress, steps, params, result, error, attempts,
/// maxAttempts, cancelRequested, runAfter, createdBy, createdAt, updatedAt, startedAt, finishedAt}`, ids in
/// lower case like every other id.
struct JobView: Encodable, Sendable {
    let id: String
    let projectId: String?
    let kind: String
    let status: String
    let progress: Double
    let steps: [JobStep]
    let params: JSONValue
    let result: JSONValue?
    let error: JobErrorInfo?
    let attempts: Int
    let maxAttempts: Int
    let cancelRequested: Bool
    let runAfter: Date
    let createdBy: String?
    let createdAt: Date
    let updatedAt: Date
    let startedAt: Date?
    let finishedAt: Date?

    init(_ job: JobSnapshot) {
        id = job.id.apiString
        projectId = job.projectID?.apiString
        kind = job.kind
        status = job.status.rawValue
        progress = job.progress
        steps = job.steps
        params = job.params
        result = job.result
        error = job.error
        attempts = job.attempts
        maxAttempts = job.maxAttempts
        cancelRequested = job.cancelRequested
        runAfter = job.runAfter
        createdBy = job.createdBy?.apiString
        createdAt = job.createdAt
        updatedAt = job.updatedAt
        startedAt = job.startedAt
        finishedAt = job.finishedAt
    }
}
