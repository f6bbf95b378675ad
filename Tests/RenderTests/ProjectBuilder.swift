import Foundation
import Render
import Synchronization
import Timeline

/// Builds a small project document for a render test, with its media files by asset id.
final class ProjectBuilder {
    let project: ProjectDocument
    private(set) var files: [String: String] = [:]

    init(rate: FrameRate = Small.rate, width: Int64 = 160, height: Int64 = 90) {
        project = ProjectDocument.create(ProjectMeta(name: "Render test", rate: rate, width: width, height: height))
    }

    func track(_ id: String, _ kind: TrackKind, after: String? = nil) throws {
        try project.apply(.addTrack(AddTrack(id: id, kind: kind, name: id, after: after)))
    }

    func asset(_ id: String, _ kind: AssetKind, file: String, duration: Flicks?) throws {
        try project.apply(.addAsset(AddAsset(asset: AssetRecord(id: id, kind: kind, name: id, uri: "blob:\(id)", duration: duration, hasAudio: kind != .image))))
        files[id] = file
    }

    func clip(_ id: String, track: String, asset: String, start: Flicks, duration: Flicks, inPoint: Flicks = .zero) throws {
        try project.apply(.addClip(AddClip(id: id, track: track, asset: asset, start: start, duration: duration, inPoint: inPoint)))
    }

    func set(_ op: SetClip) throws { try project.apply(.setClip(op)) }

    func view() throws -> TimelineView { try project.view() }

    var renderer: TimelineRenderer {
        let files = self.files
        return TimelineRenderer { files[$0] }
    }
}

/// Progress reports collected from the render thread.
final class ProgressLog: Sendable {
    private let reports = Mutex<[RenderProgress]>([])
    func record(_ p: RenderProgress) { reports.withLock { $0.append(p) } }
    var all: [RenderProgress] { reports.withLock { $0 } }
}
