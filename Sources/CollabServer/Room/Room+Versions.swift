import CRDT
import Foundation
import Logging
import Storage
import Timeline

extension Room {
    /// The root maps of a timeline document (schema v1).
    static let timelineRoots = ["meta", "tracks", "clips", "assets", "markers"]

    /// Pins the current, durable state as a version.
    public func createVersion(kind: VersionRepository.Kind, label: String?, by author: Participant?) async throws -> VersionRepository.Version {
        await waitUntilDurable()
        let version = try await dependencies.database.versions.create(
            projectID: projectID,
            seq: replication.watermark.contiguous,  // every row up to here is in the state
            kind: kind,
            label: label,
            state: project.doc.encodeStateAsUpdate(),
            stateVector: project.doc.stateVector.encoded,
            createdBy: author?.userID
        )
        if kind == .auto { lastAutoVersionSeq = version.seq }
        return version
    }

    /// Makes the document look like `state` (a version's full state) through a new, forward change that
    /// every client receives. Nothing is rewritten: the log keeps growing. A `restore` version of the
    /// state before is taken first (so the restore can itself be undone), and the restored state is
    /// recorded as a `restore` version too.
    /// - Returns: the restore point taken before, the version recording the result, and the log position
    ///   of the restoring change (nil if the document already matched).
    public func restore(
        toState state: [UInt8], label: String, by author: Participant
    ) async throws -> (restorePoint: VersionRepository.Version, restored: VersionRepository.Version, seq: Int64?) {
        guard author.role.canEdit else { throw CollabError.readOnly(author.role.rawValue) }
        let old = YDoc(gc: true)
        try old.applyUpdate(state)
        let restorePoint = try await createVersion(kind: .restore, label: "Before restoring \(label)", by: author)
        _ = capture.take()
        project.doc.transact(origin: AnyHashable("restore")) {
            for root in Self.timelineRoots {
                Self.replace(project.doc.getMap(root), with: old.getMap(root))
            }
        }
        var seq: Int64?
        if let update = capture.take() {
            seq = try await persistAndRelay(update, author: author, clientID: project.doc.clientID, origin: "restore", from: nil)
            liveDocumentChanged(by: author, seq: seq)
        }
        let restored = try await createVersion(kind: .restore, label: "Restored \(label)", by: author)
        return (restorePoint, restored, seq)
    }

    /// Writes the difference between `target` and `source` into `target`: entries missing in `source`
    /// are deleted, changed values set, nested maps (tracks, clips, …) updated field by field so that
    /// concurrent edits of other fields survive.
    static func replace(_ target: YMap, with source: YMap) {
        let sourceKeys = Set(source.keys)
        for key in target.keys where !sourceKeys.contains(key) { target.delete(key) }
        for (key, value) in source.entries {
            switch value {
            case .map(let nested):
                if case .map(let existing)? = target.get(key) {
                    replace(existing, with: nested)
                } else {
                    let created = target.setMap(key)
                    replace(created, with: nested)
                }
            default:
                let json = value.json
                if let current = target.get(key), current.json.jsonEquals(json) { continue }
                target.set(key, json)
            }
        }
    }
}
