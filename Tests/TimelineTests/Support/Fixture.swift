import CRDT
import Foundation
import Testing
import Timeline

/// A small project used by the document tests: tracks `v1`, `v2` (video) and `a1` (audio);
/// assets `vid` (240 frames, with audio), `snd` (480 frames), `img` (no duration) at 24 fps.
enum Fixture {
    static func f(_ frames: Int64) -> Flicks { Flicks(frames * FrameRate.fps24.flicksPerFrame!) }

    /// Sequential ids `id1`, `id2`, … so tests are deterministic.
    static func counter(_ prefix: String = "id") -> () -> String {
        final class Box: @unchecked Sendable {  // used from one test at a time; never shared across tasks
            var n = 0
        }
        let box = Box()
        return {
            box.n += 1
            return "\(prefix)\(box.n)"
        }
    }

    static func project(clientID: UInt64 = 1) throws -> ProjectDocument {
        let p = ProjectDocument.create(ProjectMeta(name: "Test", rate: .fps24), clientID: clientID)
        try p.apply([
            .addTrack(AddTrack(id: "v1", kind: .video, name: "V1")),
            .addTrack(AddTrack(id: "v2", kind: .video, name: "V2")),
            .addTrack(AddTrack(id: "a1", kind: .audio, name: "A1")),
            .addAsset(AddAsset(asset: AssetRecord(id: "vid", kind: .video, name: "Video", uri: "blob:vid", duration: f(240), hasAudio: true))),
            .addAsset(AddAsset(asset: AssetRecord(id: "snd", kind: .audio, name: "Sound", uri: "blob:snd", duration: f(480)))),
            .addAsset(AddAsset(asset: AssetRecord(id: "img", kind: .image, name: "Still", uri: "blob:img"))),
        ])
        return p
    }

    /// Expects `body` to throw a TimelineError with `code`, and the document to be unchanged.
    static func expectRejected(
        _ p: ProjectDocument,
        _ code: TimelineError,
        _ ops: [EditOperation],
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let before = p.doc.encodeStateAsUpdate()
        let sv = p.doc.stateVector
        do {
            try p.apply(ops)
            Issue.record("expected \(code.code), but the batch was applied", sourceLocation: sourceLocation)
        } catch {
            #expect(error.code == code.code, "\(error)", sourceLocation: sourceLocation)
        }
        let unchanged = p.doc.stateVector == sv && p.doc.encodeStateAsUpdate() == before
        #expect(unchanged, "a rejected batch changed the document", sourceLocation: sourceLocation)
    }
}
