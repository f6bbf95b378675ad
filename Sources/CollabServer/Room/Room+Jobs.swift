import CRDT
import Foundation
import Timeline

/// How a job of a project stands, as every open editor of the project is told.
public struct JobProgress: Sendable, Hashable {
    public var id: String
    public var kind: String
    /// `queued`, `running`, `succeeded`, `failed` or `cancelled`.
    public var status: String
    /// 0…1.
    public var progress: Double
    /// The step running now (or the last one), if any.
    public var step: String?
    /// The whole job as the REST API shows it (`GET /api/jobs/{id}`), sent as is on the live protocol.
    public var details: JSONValue

    public init(id: String, kind: String, status: String, progress: Double, step: String?, details: JSONValue) {
        self.id = id
        self.kind = kind
        self.status = status
        self.progress = progress
        self.step = step
        self.details = details
    }

    /// True once the job will not change any more.
    public var isFinished: Bool { ["succeeded", "failed", "cancelled"].contains(status) }
}

extension Room {
    /// Publishes a job's progress to every open editor: a `job-progress` event on the live protocol, and
    /// for Yjs clients the server's own awareness entry, `{user: {id: "editbay", name: "EditBay"}, jobs: {id:
    /// {kind, status, progress, step}}}` (a finished job stays listed until the next change after it).
    public func publish(_ job: JobProgress) {
        let details = (try? JSONEncoder().encode(job.details)).flatMap { try? JSONSerialization.jsonObject(with: $0) } ?? [:]
        broadcastLive(["type": "job-progress", "job": details], except: nil)
        var jobs = awareness.localState?.objectValue?["jobs"]?.objectValue ?? YObject()
        for (id, value) in jobs.dictionary where value.objectValue?["status"]?.stringValue.map({ ["succeeded", "failed", "cancelled"].contains($0) }) == true {
            jobs[id] = nil
        }
        var entry = YObject([("kind", .string(job.kind)), ("status", .string(job.status)), ("progress", .float64(job.progress))])
        if let step = job.step { entry["step"] = .string(step) }
        jobs[job.id] = .object(entry)
        let state = YObject([
            ("user", .object(YObject([("id", .string("editbay")), ("name", .string("EditBay")), ("color", .string("#808080"))]))),
            ("jobs", .object(jobs)),
        ])
        let changes = awareness.setLocalState(.object(state), now: Room.nowMillis())
        if !changes.isEmpty { broadcastAwareness(changes.all, except: nil) }
    }
}
