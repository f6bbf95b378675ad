import Foundation
import Storage
import Timeline

/// The output of a job to land in its project, as edit operations (the JSON operations of the live
/// protocol and `POST /api/projects/{id}/operations`).
///
/// Give the operations ids derived from the job (e.g. the asset id = the job id) so that an implementation
/// of ``JobLanding`` can tell whether an interrupted earlier claim already applied them.
public struct LandingRequest: Sendable, Codable, Equatable {
    /// Applied as one change.
    public var operations: [JSONValue]
    /// Applied instead when `operations` are refused (e.g. the gap was filled meanwhile: only add the asset).
    public var fallbackOperations: [JSONValue]
    /// The user the change is attributed to (the job's creator).
    public var authorID: UUID?

    public init(operations: [JSONValue], fallbackOperations: [JSONValue] = [], authorID: UUID?) {
        self.operations = operations
        self.fallbackOperations = fallbackOperations
        self.authorID = authorID
    }
}

/// What became of a landing.
public struct LandingOutcome: Sendable, Codable, Equatable {
    public enum Status: String, Sendable, Codable {
        /// The operations (or the fallback operations) were applied.
        case applied
        /// Nothing was applied.
        case rejected
    }

    public var status: Status
    /// Whether the fallback operations were applied instead of the main ones.
    public var usedFallback: Bool
    /// Why the main operations were refused, or anything else to show.
    public var message: String?
    /// What the implementation wants the job to know (e.g. the ids it made).
    public var detail: JSONValue?

    public init(status: Status, usedFallback: Bool = false, message: String? = nil, detail: JSONValue? = nil) {
        self.status = status
        self.usedFallback = usedFallback
        self.message = message
        self.detail = detail
    }
}

/// A landing handed to ``JobLanding``.
public struct PendingLanding: Sendable {
    public let jobID: UUID
    public let projectID: UUID?
    public let request: LandingRequest
    /// True when an earlier claim of this landing was interrupted (its process died while applying): the
    /// implementation must check whether the operations already landed before applying them again.
    public let resumed: Bool
}

/// Applies landings to projects. The collaboration server implements it (a server-side edit in the room).
public protocol JobLanding: Sendable {
    /// Applies `landing.request.operations`, or its fallback when they are refused; returns what happened.
    /// Throwing means "not now" (e.g. the room could not be loaded): the landing stays pending and is tried again.
    func apply(_ landing: PendingLanding) async throws -> LandingOutcome
}

/// Claims, applies and records landings (shared by jobs that land in-process and ``LandingApplier``).
struct LandingDesk: Sendable {
    let database: Database
    let claimer: String
    let lease: Duration
    let landing: any JobLanding

    /// Claims the landing of `jobID` (or the oldest pending one) and applies it; nil when there was nothing
    /// to claim. When applying throws, the claim is given up at once with `releaseOnError`, else it lapses
    /// after the lease (so one failing landing does not hold up the others).
    func applyNext(jobID: UUID?, releaseOnError: Bool = true) async throws -> (jobID: UUID, outcome: LandingOutcome)? {
        guard let record = try await database.jobs.claimLanding(jobID: jobID, claimer: claimer, lapsedAfter: lease.seconds) else {
            return nil
        }
        let outcome: LandingOutcome
        do {
            let request = try JSONText.decoding(LandingRequest.self, record.payload)
            outcome = try await landing.apply(
                PendingLanding(jobID: record.jobID, projectID: record.projectID, request: request, resumed: record.claims > 1)
            )
        } catch is DecodingError {
            outcome = LandingOutcome(status: .rejected, message: "the landing could not be read")
        } catch {
            if releaseOnError { try? await database.jobs.releaseLanding(jobID: record.jobID, claimer: claimer) }
            throw error
        }
        try await database.jobs.finishLanding(
            jobID: record.jobID,
            status: outcome.status == .applied ? .applied : .rejected,
            outcome: try JSONText.encode(outcome)
        )
        return (record.jobID, outcome)
    }
}
