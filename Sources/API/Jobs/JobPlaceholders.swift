import CollabServer
import Foundation
import Jobs
import Logging
import Storage
import Timeline

/// The asset a job will make, shown in the document from the moment the job is created: an asset whose id
/// is the job's, with status `pending` and no media. Yjs clients see a job's state there. When the job lands,
/// its asset replaces the placeholder; when it fails the placeholder turns `failed` (and back to `pending`
/// on retry); when it is cancelled, or ends without landing, the placeholder goes away (nothing lands).
///
/// With several server nodes, each hears every job change; the first to claim a status
/// (``JobRepository/claimPlaceholderFollow(jobID:status:)``) is the one that edits the placeholder.
struct JobPlaceholders: Sendable {
    let registry: RoomRegistry
    let database: Database
    let logger: Logger

    /// The kind of asset a job of `kind` makes (nil for kinds that make none).
    static func assetKind(job kind: String, params: JSONValue, view: TimelineView?) -> AssetKind? {
        switch kind {
        case "generate.image": return .image
        case "generate.voice": return .audio
        case "generate.video", "render": return .video
        case "generate.script": return .text
        case "fill.gap":
            guard case .object(let object) = params, case .string(let track)? = object["track"] else { return .video }
            return view?.track(track)?.record.kind == .audio ? .audio : .video
        default: return nil
        }
    }

    /// True for an asset that is a job's placeholder (no media yet).
    static func isPlaceholder(_ asset: AssetRecord) -> Bool { asset.uri.isEmpty && asset.status != .ready }

    /// Adds the placeholder of a new job (a job that already landed is left alone).
    func add(_ job: JobSnapshot, by author: Participant) async {
        guard let projectID = job.projectID else { return }
        do {
            let room = try await registry.room(for: projectID)
            guard let kind = Self.assetKind(job: job.kind, params: job.params, view: try? await room.view()) else { return }
            let record = AssetRecord(
                id: job.id.apiString, kind: kind, name: "\(job.kind) (in progress)", status: .pending,
                origin: ["type": .string("job"), "job": .string(job.id.apiString), "kind": .string(job.kind)]
            )
            _ = try await room.apply([.addAsset(AddAsset(asset: record))], by: author, origin: "job:\(job.id.apiString)")
        } catch let error as TimelineError where error.code == TimelineError.duplicateID.code {
            // The job was faster: its asset is there already.
        } catch {
            logger.warning("could not add a job's placeholder asset", metadata: ["job": "\(job.id)", "error": "\(error)"])
        }
    }

    /// Follows a job's status: `failed` marks the placeholder failed; `cancelled`, or `succeeded` without a
    /// landing, removes it; `queued`/`running` (a retry) makes a failed one pending again.
    func follow(_ job: JobSnapshot) async {
        guard let projectID = job.projectID else { return }
        let id = job.id.apiString
        do {
            guard try await database.jobs.claimPlaceholderFollow(jobID: job.id, status: job.status.rawValue) else { return }
            let room = try await registry.room(for: projectID)
            guard let asset = try await room.view().assets.first(where: { $0.id == id }), Self.isPlaceholder(asset) else { return }
            let operation: EditOperation
            switch job.status {
            case .failed:
                guard asset.status != .failed else { return }
                operation = .updateAsset(UpdateAsset(asset: id, status: .failed))
            case .cancelled, .succeeded:
                operation = .removeAsset(RemoveAsset(asset: id))
            case .queued, .running:
                guard asset.status == .failed else { return }
                operation = .updateAsset(UpdateAsset(asset: id, status: .pending))
            }
            _ = try await room.apply([operation], by: .server, origin: "job:\(id)")
        } catch {
            logger.warning("could not update a job's placeholder asset", metadata: ["job": "\(job.id)", "error": "\(error)"])
        }
    }
}
