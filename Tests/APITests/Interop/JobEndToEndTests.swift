import AsyncHTTPClient
import Foundation
import HummingbirdWSClient
import Logging
import NIOCore
import NIOHTTP1
import NIOWebSocket
import Render
import Synchronization
import TestSupport
import Testing
import Timeline

/// Jobs against the running binary: a `fill.gap` job with the local provider fills a gap between two clips,
/// seen live by a pycrdt client and a JSON client; a worker killed mid-job is taken over and its clip lands
/// once; a job cancelled during generation lands nothing.
@Suite("Jobs end to end", .serialized, .timeLimit(.minutes(5)))
struct JobEndToEndTests {
    /// Small, fast settings: quick heartbeats and a short lease so a takeover happens within seconds.
    static let environment = [
        "EDITBAY_BCRYPT_COST": "4", "LOG_LEVEL": "notice", "EDITBAY_JOB_HEARTBEAT_INTERVAL": "0.5", "EDITBAY_JOB_LEASE": "3",
        "EDITBAY_JOB_POLL_INTERVAL": "1", "EDITBAY_JOB_RETRY_BASE_DELAY": "0.2",
    ]

    /// A server with a project holding two clips (red, then blue) on track `v1` and a gap between them.
    struct Scene {
        let server: ServerProcess
        let port: Int
        let token: String
        let project: String
        let dataDir: String
        var base: String { "http://127.0.0.1:\(port)" }

        static func make(gapSeconds: Int, size: (Int, Int) = (320, 180), workers: Int = 2, extra: [String: String] = [:]) async throws -> Scene {
            let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("editbay-jobs-\(UUID().uuidString)").path
            var environment = JobEndToEndTests.environment
            environment["EDITBAY_JOB_WORKERS"] = String(workers)
            environment.merge(extra) { _, new in new }
            let server = try ServerProcess(arguments: ["serve", "--host", "127.0.0.1", "--port", "0", "--data-dir", dataDir], environment: environment)
            let port = try await server.waitForPort()
            let base = "http://127.0.0.1:\(port)"
            let owner = try await HTTP.call(.POST, "\(base)/api/auth/register", ["email": "owner@example.com", "password": "correct horse", "displayName": "Owner"])
            let token = try #require(owner.data["accessToken"] as? String)
            let created = try await HTTP.call(
                .POST, "\(base)/api/projects", ["name": "Gaps", "width": size.0, "height": size.1, "rate": ["num": 25, "den": 1]], token: token
            )
            let project = try #require(created.data["id"] as? String)
            let media = NSTemporaryDirectory() + "editbay-jobs-media-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: media, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: media) }
            let format = MediaGenerator.Format(width: size.0, height: size.1, rate: .fps25)
            var assets: [String] = []
            for color in ["red", "blue"] {
                let path = "\(media)/\(color).mp4"
                try await MediaGenerator.solidColor(color, to: path, duration: Flicks(2 * Flicks.perSecond), format: format, toneFrequency: 440)
                let uploaded = try await HTTP.upload("\(base)/api/projects/\(project)/assets?name=\(color)", file: path, token: token)
                #expect(uploaded.status == .created, "\(uploaded.json)")
                assets.append(try #require(uploaded.data["id"] as? String))
            }
            let second = Int64(Flicks.perSecond)
            let edit = try await HTTP.call(
                .POST, "\(base)/api/projects/\(project)/operations",
                [
                    "operations": [
                        ["op": "addTrack", "id": "v1", "kind": "video", "name": "V1"],
                        ["op": "addClip", "id": "red-clip", "track": "v1", "asset": assets[0], "start": 0, "duration": second],
                        ["op": "addClip", "id": "blue-clip", "track": "v1", "asset": assets[1], "start": second * Int64(1 + gapSeconds), "duration": second],
                    ]
                ],
                token: token
            )
            #expect(edit.status == .ok, "\(edit.json)")
            return Scene(server: server, port: port, token: token, project: project, dataDir: dataDir)
        }

        func startFill(_ extra: [String: Any] = [:]) async throws -> String {
            let params: [String: Any] = ["track": "v1", "timeSeconds": 1.5].merging(extra) { _, new in new }
            let created = try await HTTP.call(.POST, "\(base)/api/projects/\(project)/jobs", ["kind": "fill.gap", "params": params], token: token)
            #expect(created.status == .created, "\(created.json)")
            return try #require(created.data["id"] as? String)
        }

        func job(_ id: String) async throws -> [String: Any] { try await HTTP.call(.GET, "\(base)/api/jobs/\(id)", token: token).data }

        /// Polls the job until `done` says so (or fails the test after `timeout`).
        func waitForJob(_ id: String, timeout: Duration = .seconds(120), until done: ([String: Any]) -> Bool) async throws -> [String: Any] {
            let deadline = ContinuousClock.now + timeout
            while ContinuousClock.now < deadline {
                let job = try await job(id)
                if done(job) { return job }
                try await Task.sleep(for: .milliseconds(100))
            }
            throw ServerProcess.Failure("job \(id) did not get there: \(try await job(id))")
        }

        func timeline() async throws -> [String: Any] { try await HTTP.call(.GET, "\(base)/api/projects/\(project)/timeline", token: token).data }

        /// The status of the asset with this id in the document (nil when there is none).
        func assetStatus(_ id: String) async throws -> String? {
            let assets = try await timeline()["assets"] as? [[String: Any]] ?? []
            return assets.first { $0["id"] as? String == id }?["status"] as? String
        }

        /// Waits until the asset's status is `status` (nil: until it is gone); the job's placeholder follows
        /// the job a moment after its status changes.
        func waitForAsset(_ id: String, status: String?) async throws {
            let deadline = ContinuousClock.now + .seconds(20)
            while ContinuousClock.now < deadline {
                if try await assetStatus(id) == status { return }
                try await Task.sleep(for: .milliseconds(100))
            }
            throw ServerProcess.Failure("asset \(id) did not become \(status ?? "absent"): \(try await assetStatus(id) ?? "absent")\n\(server.log.suffix(3000))")
        }

        func stop() async throws {
            _ = try await server.terminate()
            try? FileManager.default.removeItem(atPath: dataDir)
        }
    }

    @Test("fill.gap with the local provider: the gap is filled exactly, pycrdt and JSON clients see it, steps and progress reported")
    func fillGap() async throws {
        let scene = try await Scene.make(gapSeconds: 1)
        let peer = try await InteropPeer.pycrdt("P", port: scene.port, project: scene.project, token: scene.token)
        defer { peer.terminate() }
        let live = try await LiveClient.connect(port: scene.port, project: scene.project, token: scene.token)
        defer { live.close() }

        let jobID = try await scene.startFill()
        let finished = try await scene.waitForJob(jobID) { ["succeeded", "failed", "cancelled"].contains($0["status"] as? String ?? "") }
        #expect(finished["status"] as? String == "succeeded", "\(finished)")
        #expect(finished["progress"] as? Double == 1)
        let steps = (finished["steps"] as? [[String: Any]] ?? []).map { "\($0["name"] ?? "")=\($0["status"] ?? "")" }
        #expect(steps == ["plan=succeeded", "frames=succeeded", "generate=succeeded", "conform=succeeded", "store=succeeded", "land=succeeded"])
        let result = try #require(finished["result"] as? [String: Any])
        let clipID = "\(jobID)-fill"
        #expect(result["clip"] as? String == clipID)
        #expect(result["landed"] as? String == "applied")
        #expect(result["ai"] as? Bool == false)

        // The clip fills exactly the gap, with an asset marked as generated by the job.
        let timeline = try await scene.timeline()
        let clips = ((timeline["tracks"] as? [[String: Any]])?.first?["clips"] as? [[String: Any]]) ?? []
        #expect(clips.map { $0["id"] as? String } == ["red-clip", clipID, "blue-clip"])
        let fill = try #require(clips.first { $0["id"] as? String == clipID })
        #expect((fill["start"] as? NSNumber)?.int64Value == Flicks.perSecond)
        #expect((fill["duration"] as? NSNumber)?.int64Value == Flicks.perSecond)
        #expect((timeline["gaps"] as? [Any])?.isEmpty == true)
        let asset = try #require((timeline["assets"] as? [[String: Any]])?.first { $0["id"] as? String == jobID })
        #expect(asset["status"] as? String == "ready")
        #expect((asset["origin"] as? [String: Any])?["job"] as? String == jobID)
        #expect((asset["origin"] as? [String: Any])?["ai"] as? Bool == false)

        // Its media probes right: 25 frames at 320×180, 48 kHz stereo; the middle is a red–blue blend.
        let file = NSTemporaryDirectory() + "editbay-fill-\(UUID().uuidString).mp4"
        defer { try? FileManager.default.removeItem(atPath: file) }
        try await HTTP.download("\(scene.base)/api/assets/\(jobID)/content", to: file, token: scene.token)
        let info = try await MediaProbe.probe(path: file)
        #expect(info.video?.width == 320 && info.video?.height == 180)
        #expect(info.audio?.sampleRate == 48_000 && info.audio?.channels == 2)
        #expect(try await MediaInspector.videoFrames(path: file).count == 25)
        let middle = try await MediaInspector.averageColor(path: file, at: 0.5)
        #expect(middle.red > 60 && middle.blue > 60, "not a blend: \(middle)")
        let start = try await MediaInspector.averageColor(path: file, at: 0)
        #expect(start.red > 200 && start.blue < 60, "does not start from the red clip's last frame: \(start)")

        // The Yjs client sees the new asset and clip, and the job in the server's awareness entry.
        _ = try await peer.waitFor([["clips", clipID], ["assets", jobID]])
        _ = try await peer.send(["cmd": "waitAwareness", "path": ["jobs", jobID, "status"], "value": "succeeded"])
        // The JSON client saw the job's progress live.
        let statuses = try await live.jobStatuses(jobID, until: "succeeded")
        #expect(statuses.contains("running"))
        try await scene.stop()
    }

    @Test("render a pinned version to MP4; image, voice and script jobs add their assets (and the script's markers)")
    func renderAndGenerate() async throws {
        let scene = try await Scene.make(gapSeconds: 1)
        func run(_ kind: String, _ params: [String: Any]) async throws -> [String: Any] {
            let created = try await HTTP.call(.POST, "\(scene.base)/api/projects/\(scene.project)/jobs", ["kind": kind, "params": params], token: scene.token)
            #expect(created.status == .created, "\(created.json)")
            let id = try #require(created.data["id"] as? String)
            let job = try await scene.waitForJob(id) { ["succeeded", "failed"].contains($0["status"] as? String ?? "") }
            #expect(job["status"] as? String == "succeeded", "\(kind): \(job)")
            return job
        }
        let render = try await run("render", ["preset": "final"])
        let renderID = try #require(render["id"] as? String)
        let version = try #require((render["params"] as? [String: Any])?["version"] as? String)
        #expect((render["result"] as? [String: Any])?["version"] as? String == version)
        // Red, the black gap, blue: three seconds to the frame.
        let file = NSTemporaryDirectory() + "editbay-render-\(UUID().uuidString).mp4"
        defer { try? FileManager.default.removeItem(atPath: file) }
        try await HTTP.download("\(scene.base)/api/assets/\(renderID)/content", to: file, token: scene.token)
        #expect(try await MediaInspector.videoFrames(path: file).count == 75)
        let red = try await MediaInspector.averageColor(path: file, at: 0.5)
        let black = try await MediaInspector.averageColor(path: file, at: 1.5)
        let blue = try await MediaInspector.averageColor(path: file, at: 2.5)
        #expect(red.red > 200 && red.blue < 60, "\(red)")
        #expect(black.red < 30 && black.green < 30 && black.blue < 30, "\(black)")
        #expect(blue.blue > 200 && blue.red < 60, "\(blue)")

        let image = try await run("generate.image", ["prompt": "Chapter one", "size": "640x360"])
        let card = try await run("generate.image", ["prompt": "At the project's size"])
        let voice = try await run("generate.voice", ["text": "Hello from EditBay"])
        let script = try await run("generate.script", ["prompt": "Dawn over the city. A storm arrives. Calm returns."])
        let timeline = try await scene.timeline()
        let assets = timeline["assets"] as? [[String: Any]] ?? []
        func asset(_ job: [String: Any]) -> [String: Any]? { assets.first { $0["id"] as? String == job["id"] as? String } }
        #expect((asset(render)?["origin"] as? [String: Any])?["version"] as? String == version)
        #expect(asset(image)?["kind"] as? String == "image")
        #expect(asset(image)?["width"] as? Int == 640)
        #expect(asset(card)?["width"] as? Int == 320 && asset(card)?["height"] as? Int == 180)
        #expect(asset(voice)?["kind"] as? String == "audio")
        #expect(((asset(voice)?["duration"] as? NSNumber)?.int64Value ?? 0) > Flicks.perSecond / 2)
        #expect(asset(script)?["kind"] as? String == "text")
        let markers = (timeline["markers"] as? [[String: Any]] ?? []).compactMap { $0["label"] as? String }
        #expect(markers == ["Scene 1: Opening", "Scene 2: Dawn over the city", "Scene 3: A storm arrives", "Scene 4: Calm returns", "Scene 5: Closing"])
        try await scene.stop()
    }

    @Test("a worker killed with SIGKILL mid-job: another takes the job over and its clip lands once")
    func workerKilled() async throws {
        let scene = try await Scene.make(gapSeconds: 60, size: (640, 360), workers: 0)
        var environment = Self.environment
        environment["EDITBAY_JOB_WORKERS"] = "1"
        let first = try ServerProcess(arguments: ["worker", "--data-dir", scene.dataDir], environment: environment)
        let jobID = try await scene.startFill()
        _ = try await scene.waitForJob(jobID) { job in
            (job["steps"] as? [[String: Any]])?.contains { $0["name"] as? String == "generate" && $0["status"] as? String == "running" } == true
        }
        // Meanwhile the document shows the job's asset as pending.
        #expect(try await scene.assetStatus(jobID) == "pending")
        try await first.kill()
        #expect(try await scene.job(jobID)["status"] as? String == "running", "the job ended before the worker was killed")

        let second = try ServerProcess(arguments: ["worker", "--data-dir", scene.dataDir], environment: environment)
        defer { if second.isAlive { second.process.terminate() } }
        let finished = try await scene.waitForJob(jobID, timeout: .seconds(240)) { ["succeeded", "failed"].contains($0["status"] as? String ?? "") }
        #expect(finished["status"] as? String == "succeeded", "\(finished)\n\(second.log)")
        #expect(finished["attempts"] as? Int == 2)
        let timeline = try await scene.timeline()
        let clips = ((timeline["tracks"] as? [[String: Any]])?.first?["clips"] as? [[String: Any]]) ?? []
        #expect(clips.filter { $0["id"] as? String == "\(jobID)-fill" }.count == 1)
        #expect((timeline["assets"] as? [[String: Any]])?.filter { $0["id"] as? String == jobID }.count == 1)
        let events = try await HTTP.call(.GET, "\(scene.base)/api/jobs/\(jobID)/events", token: scene.token).json["data"] as? [[String: Any]] ?? []
        #expect(events.contains { $0["kind"] as? String == "takeover" }, "\(events)")
        _ = try await second.terminate()
        try await scene.stop()
    }

    @Test("the gap changes while the media is made: the asset lands, no clip is placed, and the result says why")
    func gapChangedMeanwhile() async throws {
        let scene = try await Scene.make(gapSeconds: 60, size: (640, 360), workers: 1)
        let jobID = try await scene.startFill()
        _ = try await scene.waitForJob(jobID) { job in
            (job["steps"] as? [[String: Any]])?.contains { $0["name"] as? String == "generate" && $0["status"] as? String == "running" } == true
        }
        // An editor moves the clip after the gap: the planned range no longer matches the gap.
        let moved = try await HTTP.call(
            .POST, "\(scene.base)/api/projects/\(scene.project)/operations",
            ["operations": [["op": "moveClip", "clip": "blue-clip", "start": 70 * Flicks.perSecond]]], token: scene.token
        )
        #expect(moved.status == .ok, "\(moved.json)")
        let finished = try await scene.waitForJob(jobID) { ["succeeded", "failed"].contains($0["status"] as? String ?? "") }
        #expect(finished["status"] as? String == "succeeded", "\(finished)")
        let result = finished["result"] as? [String: Any]
        #expect(result?["landed"] as? String == "asset-only")
        #expect((result?["message"] as? String)?.contains("gap was changed") == true, "\(result ?? [:])")
        let timeline = try await scene.timeline()
        let clips = ((timeline["tracks"] as? [[String: Any]])?.first?["clips"] as? [[String: Any]]) ?? []
        #expect(clips.map { $0["id"] as? String } == ["red-clip", "blue-clip"])
        #expect(try await scene.assetStatus(jobID) == "ready")
        try await scene.stop()
    }

    @Test("cancel during generation: the job ends cancelled and nothing lands")
    func cancelDuringGeneration() async throws {
        let scene = try await Scene.make(gapSeconds: 60, size: (640, 360), workers: 1)
        let jobID = try await scene.startFill()
        _ = try await scene.waitForJob(jobID) { job in
            (job["steps"] as? [[String: Any]])?.contains { $0["name"] as? String == "generate" && $0["status"] as? String == "running" } == true
        }
        let cancelled = try await HTTP.call(.POST, "\(scene.base)/api/jobs/\(jobID)/cancel", [:], token: scene.token)
        #expect(cancelled.status == .ok)
        let finished = try await scene.waitForJob(jobID, timeout: .seconds(30)) { ["succeeded", "failed", "cancelled"].contains($0["status"] as? String ?? "") }
        #expect(finished["status"] as? String == "cancelled", "\(finished)")
        // The pending placeholder goes away: nothing lands.
        try await scene.waitForAsset(jobID, status: nil)
        let timeline = try await scene.timeline()
        let clips = ((timeline["tracks"] as? [[String: Any]])?.first?["clips"] as? [[String: Any]]) ?? []
        #expect(clips.map { $0["id"] as? String } == ["red-clip", "blue-clip"])
        try await scene.stop()
    }
}

/// A JSON client on `…/live` that records every event it receives.
final class LiveClient: Sendable {
    /// Every text frame received, as sent.
    private let events = Mutex<[String]>([])
    private let task: Task<Void, Never>

    private init(task: Task<Void, Never>) { self.task = task }

    static func connect(port: Int, project: String, token: String) async throws -> LiveClient {
        let ready = AsyncStream<Void>.makeStream()
        let box = Mutex<LiveClient?>(nil)
        let task = Task {
            _ = try? await WebSocketClient.connect(
                url: "ws://127.0.0.1:\(port)/api/projects/\(project)/live?token=\(token)", logger: Logger(label: "live-client")
            ) { inbound, outbound, _ in
                try await outbound.write(.text(#"{"type":"join-project"}"#))
                ready.continuation.yield()
                for try await message in inbound.messages(maxSize: 1 << 24) {
                    guard case .text(let text) = message else { continue }
                    box.withLock { $0 }?.record(text)
                }
            }
        }
        let client = LiveClient(task: task)
        box.withLock { $0 = client }
        for await _ in ready.stream { break }
        return client
    }

    private func record(_ text: String) {
        events.withLock { $0.append(text) }
    }

    /// The statuses of `job` seen in `job-progress` events, once one of them is `final` (30 s at most).
    func jobStatuses(_ job: String, until final: String) async throws -> [String] {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            let statuses: [String] = events.withLock { $0 }
                .compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
                .filter { $0["type"] as? String == "job-progress" }
                    .compactMap { $0["job"] as? [String: Any] }
                    .filter { $0["id"] as? String == job }
                    .compactMap { $0["status"] as? String }
            if statuses.contains(final) { return statuses }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ServerProcess.Failure("no job-progress with status \(final) for \(job)")
    }

    func close() { task.cancel() }
}
