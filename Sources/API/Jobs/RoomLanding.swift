import CollabServer
import Foundation
import Jobs
import Logging
import Storage
import Timeline

/// Lands job outputs in projects: a server-side edit in the project's room, attributed to the job's creator,
/// persisted and broadcast like any other change.
///
/// The operations carry ids derived from the job, so a landing that was interrupted and is applied again
/// finds its asset already in the document and reports it applied instead of adding it twice.
struct RoomLanding: JobLanding {
    let registry: RoomRegistry
    let database: Database
    let logger: Logger

    func apply(_ landing: PendingLanding) async throws -> LandingOutcome {
        guard let projectID = landing.projectID else { return LandingOutcome(status: .rejected, message: "the job has no project") }
        let room: Room
        do {
            room = try await registry.room(for: projectID)
        } catch let error as CollabError where error.code == CollabError.projectNotFound.code {
            return LandingOutcome(status: .rejected, message: "the project no longer exists")
        }
        let view = try await room.view()
        if Self.alreadyLanded(try Self.decode(landing.request.operations), in: view) {
            return LandingOutcome(status: .applied, message: "already landed by an earlier claim")
        }
        let operations = Self.replacingPlaceholders(try Self.decode(landing.request.operations), in: view)
        let fallback = Self.replacingPlaceholders(try Self.decode(landing.request.fallbackOperations), in: view)
        let author = try await participant(landing.request.authorID)
        do {
            let applied = try await room.apply(operations, by: author, origin: "job:\(landing.jobID.uuidString.lowercased())")
            return LandingOutcome(status: .applied, detail: applied.seq.map { .object(["seq": .integer($0)]) })
        } catch let refused as TimelineError {
            guard !fallback.isEmpty else { return LandingOutcome(status: .rejected, message: refused.description) }
            do {
                _ = try await room.apply(fallback, by: author, origin: "job:\(landing.jobID.uuidString.lowercased())")
                return LandingOutcome(status: .applied, usedFallback: true, message: "not placed: \(refused.message.isEmpty ? refused.code : refused.message)")
            } catch let second as TimelineError {
                return LandingOutcome(status: .rejected, message: "\(refused.description); then \(second.description)")
            }
        }
    }

    /// The job's creator as the author of the change (jobs keep landing after their creator's role changes:
    /// the job was started by an editor).
    private func participant(_ userID: UUID?) async throws -> Participant {
        if let userID, let user = try await database.users.find(id: userID) {
            return Participant(userID: user.id, name: user.displayName, role: .editor)
        }
        return .server
    }

    static func decode(_ operations: [JSONValue]) throws -> [EditOperation] {
        guard !operations.isEmpty else { return [] }
        return try EditOperation.decodeBatch(try JSONEncoder().encode(JSONValue.array(operations)))
    }

    /// True when the first asset these operations add is already in the document with its media (not as
    /// the job's placeholder).
    static func alreadyLanded(_ operations: [EditOperation], in view: TimelineView) -> Bool {
        for operation in operations {
            if case .addAsset(let add) = operation {
                return view.assets.contains { $0.id == add.asset.id && !JobPlaceholders.isPlaceholder($0) }
            }
        }
        return false
    }

    /// An asset added over the job's placeholder replaces it (removed and added in the same change).
    static func replacingPlaceholders(_ operations: [EditOperation], in view: TimelineView) -> [EditOperation] {
        operations.flatMap { operation -> [EditOperation] in
            guard case .addAsset(let add) = operation, let existing = view.assets.first(where: { $0.id == add.asset.id }),
                JobPlaceholders.isPlaceholder(existing)
            else { return [operation] }
            return [.removeAsset(RemoveAsset(asset: add.asset.id)), operation]
        }
    }
}
