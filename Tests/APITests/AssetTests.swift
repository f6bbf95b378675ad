@testable import API
import Foundation
import HTTPTypes
import Render
import Storage
import Testing
import Timeline

@Suite("Assets: upload, probe, blob store, document")
struct AssetTests {
    /// A temporary directory with a small test clip (1 s, 160×90 at 25 fps, with a tone) and a PNG.
    struct Media {
        let directory: String
        var clip: String { directory + "/clip.mp4" }
        var still: String { directory + "/still.png" }

        static func make() async throws -> Media {
            let directory = NSTemporaryDirectory() + "editbay-asset-media-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let media = Media(directory: directory)
            let format = MediaGenerator.Format(width: 160, height: 90, rate: .fps25)
            try await MediaGenerator.testPattern(to: media.clip, duration: Flicks(Flicks.perSecond), format: format)
            try await MediaGenerator.solidColor("blue", to: media.still, duration: Flicks(Flicks.perSecond / 25), format: format)
            return media
        }

        func bytes(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path))) }
        func remove() { try? FileManager.default.removeItem(atPath: directory) }
    }

    @Test("a raw upload is probed, stored by hash, served with ranges, and appears in the live document")
    func rawUpload() async throws {
        let media = try await Media.make()
        defer { media.remove() }
        try await TestApp.run { app in
            let owner = try await app.register("Owner")
            let project = try await app.createProject("Media", owner: owner)
            let clip = try media.bytes(media.clip)
            let reply = try await app.call(
                .post, "/api/projects/\(project)/assets?name=Test%20pattern", bytes: clip, token: owner.accessToken,
                headers: [.contentType: "video/mp4"]
            )
            #expect(reply.status == .created, "\(reply.json)")
            let asset = reply.data
            let id = try #require(asset["id"] as? String)
            #expect(asset["kind"] as? String == "video")
            #expect(asset["name"] as? String == "Test pattern")
            #expect(asset["width"] as? Int == 160)
            #expect(asset["height"] as? Int == 90)
            #expect(asset["hasAudio"] as? Bool == true)
            #expect(asset["status"] as? String == "ready")
            #expect(asset["size"] as? Int == clip.count)
            let seconds = try #require(asset["durationSeconds"] as? Double)
            #expect(abs(seconds - 1) < 0.05)
            let uri = try #require(asset["uri"] as? String)
            #expect(BlobKey(uri) != nil)

            // In the document, as every editor sees it.
            let timeline = try await app.call(.get, "/api/projects/\(project)/timeline", token: owner.accessToken)
            let assets = try #require(timeline.data["assets"] as? [[String: Any]])
            let inDocument = try #require(assets.first { $0["id"] as? String == id })
            #expect(inDocument["uri"] as? String == uri)
            #expect(inDocument["status"] as? String == "ready")
            #expect(inDocument["kind"] as? String == "video")

            // The bytes, whole and a range.
            let whole = try await app.download("/api/assets/\(id)/content", token: owner.accessToken)
            #expect(whole.status == .ok)
            #expect(whole.body == clip)
            #expect(whole.headers[.contentType] == "video/mp4")
            let part = try await app.download("/api/assets/\(id)/content", token: owner.accessToken, headers: [.range: "bytes=10-29"])
            #expect(part.status == .partialContent)
            #expect(part.body == Array(clip[10...29]))
            #expect(part.headers[.contentRange] == "bytes 10-29/\(clip.count)")

            // A poster frame (JPEG).
            let poster = try await app.download("/api/assets/\(id)/poster", token: owner.accessToken)
            #expect(poster.status == .ok)
            #expect(poster.body.starts(with: [0xFF, 0xD8]))

            // The same file again is stored once.
            let again = try await app.call(.post, "/api/projects/\(project)/assets?name=Again", bytes: clip, token: owner.accessToken)
            #expect(again.data["uri"] as? String == uri)
            let listed = try await app.call(.get, "/api/projects/\(project)/assets", token: owner.accessToken)
            #expect(listed.list.count == 2)
        }
    }

    @Test("multipart upload of a still image: kind image, name from the file name")
    func multipartImage() async throws {
        let media = try await Media.make()
        defer { media.remove() }
        try await TestApp.run { app in
            let owner = try await app.register("Owner")
            let project = try await app.createProject("Stills", owner: owner)
            let boundary = "editbay-test-boundary"
            var body = Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"blue.png\"\r\nContent-Type: image/png\r\n\r\n".utf8)
            body += try media.bytes(media.still)
            body += Array("\r\n--\(boundary)--\r\n".utf8)
            let reply = try await app.call(
                .post, "/api/projects/\(project)/assets", bytes: body, token: owner.accessToken,
                headers: [.contentType: "multipart/form-data; boundary=\(boundary)"]
            )
            #expect(reply.status == .created, "\(reply.json)")
            #expect(reply.data["kind"] as? String == "image")
            #expect(reply.data["name"] as? String == "blue.png")
            #expect(reply.data["mediaType"] as? String == "image/png")
            #expect(reply.data["duration"] is NSNull || reply.data["duration"] == nil)
        }
    }

    @Test("bad uploads: undecodable, too large, empty, viewers; nothing is kept")
    func refusals() async throws {
        let media = try await Media.make()
        defer { media.remove() }
        try await TestApp.run(configure: { $0.maximumUploadBytes = 20_000 }) { app in
            let owner = try await app.register("Owner")
            let viewer = try await app.register("Viewer")
            let stranger = try await app.register("Stranger")
            let project = try await app.createProject("Guarded", owner: owner)
            try await app.addMember(viewer, role: "viewer", project: project, by: owner)

            let garbage = try await app.call(.post, "/api/projects/\(project)/assets?name=x", bytes: Array("not a video at all".utf8), token: owner.accessToken)
            #expect(garbage.status == .unprocessableContent)
            #expect(garbage.errorCode == "UNDECODABLE_MEDIA")

            let big = try await app.call(.post, "/api/projects/\(project)/assets?name=x", bytes: [UInt8](repeating: 7, count: 50_000), token: owner.accessToken)
            #expect(big.status == .contentTooLarge)
            #expect(big.errorCode == "UPLOAD_TOO_LARGE")

            let empty = try await app.call(.post, "/api/projects/\(project)/assets?name=x", bytes: [], token: owner.accessToken)
            #expect(empty.status == .badRequest)

            let byViewer = try await app.call(.post, "/api/projects/\(project)/assets?name=x", bytes: try media.bytes(media.still), token: viewer.accessToken)
            #expect(byViewer.status == .forbidden)

            // Nothing was stored: no blob, no asset row, nothing in the document.
            let stored = try FileManager.default.subpathsOfDirectory(atPath: app.blobs.root + "/sha256").filter { $0.count > 2 }
            #expect(stored.isEmpty)
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: app.blobs.root + "/tmp")
            #expect(leftovers.isEmpty)
            let listed = try await app.call(.get, "/api/projects/\(project)/assets", token: owner.accessToken)
            #expect(listed.list.isEmpty)

            // A real upload, then a stranger cannot see it.
            let ok = try await app.call(.post, "/api/projects/\(project)/assets?name=still", bytes: try media.bytes(media.still), token: owner.accessToken)
            let id = try #require(ok.data["id"] as? String)
            let hidden = try await app.call(.get, "/api/assets/\(id)", token: stranger.accessToken)
            #expect(hidden.status == .notFound)
            #expect(hidden.errorCode == "ASSET_NOT_FOUND")
            let seen = try await app.call(.get, "/api/assets/\(id)", token: viewer.accessToken)
            #expect(seen.status == .ok)
        }
    }
}
