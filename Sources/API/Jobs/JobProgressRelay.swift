import CollabServer
import Foundation
import Jobs
import Timeline

/// Forwards every job change (from any process, through `NOTIFY`) to the project's room on this node, if it
/// is loaded: `job-progress` for live clients and the server's awareness entry for Yjs clients; and keeps the
/// job's placeholder asset in step with its status (see ``JobPlaceholders``).
struct JobProgressRelay: JobObserver {
    let registry: RoomRegistry
    let placeholders: JobPlaceholders

    func jobDidChange(_ job: JobSnapshot) async {
        if job.status != .running { await placeholders.follow(job) }
        guard let projectID = job.projectID, let room = await registry.loadedRoom(for: projectID) else { return }
        let details = (try? JSONCoding.encoder().encode(JobView(job))).flatMap { try? JSONDecoder().decode(JSONValue.self, from: $0) } ?? .null
        let current = job.steps.last { $0.status == .running } ?? job.steps.last
        await room.publish(
            JobProgress(
                id: job.id.uuidString.lowercased(), kind: job.kind, status: job.status.rawValue, progress: job.progress,
                step: current?.name, details: details
            )
        )
    }
}
