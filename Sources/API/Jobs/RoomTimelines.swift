import CRDT
import CollabServer
import Foundation
import JobKinds
import Storage
import Timeline

/// Timelines for job kinds: the live room when this node has it loaded, the stored log otherwise; versions
/// from their stored state.
struct RoomTimelines: ProjectTimelines {
    let registry: RoomRegistry
    let database: Database

    func currentView(of projectID: UUID) async throws -> TimelineView {
        try await registry.currentView(of: projectID)
    }

    func view(of projectID: UUID, version: UUID) async throws -> TimelineView? {
        guard let found = try await database.versions.find(projectID: projectID, id: version) else { return nil }
        let doc = YDoc()
        try doc.applyUpdate(found.state)
        return try ProjectDocument(doc: doc).view()
    }
}
