import Foundation
import NIOHTTP1
import Render
import TestSupport
import Testing
import Timeline

/// `fill.gap` jobs through the Replicate provider against the fake provider server (the real protocol, with
/// injected faults), on the running binary: every fault ends in its documented state with a clear error, a
/// prediction is paid for once even when the job runs twice, and an output lands at most once.
@Suite("Jobs with an HTTP provider (fake Replicate)", .serialized, .timeLimit(.minutes(5)))
struct ProviderJobTests {
    /// The fake (`Tests/ProvidersTests/FakeProvider/fake_provider.py`) serving a real 1 s video as outputs.
    final class Fake: @unchecked Sendable {  // `process` is only started and stopped by the test
        let process = Process()
        let port: Int
        let directory: String
        static let token = "r8_fake_\(UUID().uuidString.prefix(8))"
        static let secret = "whsec_" + Data((0..<24).map { UInt8($0) }).base64EncodedString()

        init() async throws {
            directory = NSTemporaryDirectory() + "editbay-fake-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let video = directory + "/output.mp4"
            try await MediaGenerator.testPattern(to: video, duration: Flicks(Flicks.perSecond), format: .init(width: 320, height: 240, rate: .fps30))
            let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("ProvidersTests/FakeProvider/fake_provider.py").path
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", script, "--token", Self.token, "--webhook-secret", Self.secret, "--video-file", video]
            let output = Pipe()
            process.standardOutput = output
            process.standardInput = Pipe()  // the fake exits when its stdin closes
            try process.run()
            let line = output.fileHandleForReading.availableData
            let json = try JSONSerialization.jsonObject(with: line) as? [String: Any]
            port = try #require(json?["port"] as? Int)
        }

        var environment: [String: String] {
            [
                "EDITBAY_REPLICATE_API_TOKEN": Self.token, "EDITBAY_REPLICATE_BASE_URL": "http://127.0.0.1:\(port)",
                "EDITBAY_REPLICATE_VIDEO_MODEL": "editbay/fake-video", "EDITBAY_REPLICATE_POLL_SECONDS": "0.1",
                "EDITBAY_REPLICATE_MAX_POLL_SECONDS": "0.2", "EDITBAY_PROVIDER_MAX_ATTEMPTS": "2",
            ]
        }

        /// The create calls the fake saw for prompts containing `marker`.
        func creates(_ marker: String) async throws -> Int {
            let file = directory + "/log.json"
            try await HTTP.download("http://127.0.0.1:\(port)/_control/log", to: file, token: "")
            let entries = (try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file)))) as? [[String: Any]] ?? []
            return entries.filter { $0["create"] as? Bool == true && ($0["prompt"] as? String)?.contains(marker) == true }.count
        }

        func stop() {
            process.terminate()
            process.waitUntilExit()
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    @Test("faults: a failed prediction fails the job; failed polls retry the job, which resumes the same prediction and lands once")
    func faults() async throws {
        let fake = try await Fake()
        defer { fake.stop() }
        let scene = try await JobEndToEndTests.Scene.make(gapSeconds: 1, extra: fake.environment.merging(["EDITBAY_JOB_RETRY_BASE_DELAY": "0.1"]) { _, new in new })

        // The model refuses: the job fails with the provider's words and nothing lands.
        let refused = try await scene.startFill(["provider": "replicate", "prompt": "refused one [fail=NSFW content detected]"])
        let failed = try await scene.waitForJob(refused) { ["succeeded", "failed"].contains($0["status"] as? String ?? "") }
        #expect(failed["status"] as? String == "failed")
        let error = failed["error"] as? [String: Any]
        #expect(error?["code"] as? String == "PROVIDER_FAILED")
        #expect((error?["message"] as? String)?.contains("NSFW content detected") == true, "\(failed)")
        #expect(failed["attempts"] as? Int == 1, "a refusal is not retried")

        // The output URL expired: retried with a new prediction each time, then failed; nothing landed.
        let expired = try await scene.startFill(["provider": "replicate", "prompt": "gone [expired=410]"])
        let gone = try await scene.waitForJob(expired) { ["succeeded", "failed"].contains($0["status"] as? String ?? "") }
        #expect(gone["status"] as? String == "failed")
        #expect((gone["error"] as? [String: Any])?["code"] as? String == "OUTPUT_EXPIRED")

        // Polls fail past the HTTP retries: the attempt fails (retryable), the next attempt resumes the saved
        // prediction (one create, one bill), and the clip lands once.
        let flaky = try await scene.startFill(["provider": "replicate", "prompt": "flaky polls [poll500=3]"])
        let done = try await scene.waitForJob(flaky) { ["succeeded", "failed"].contains($0["status"] as? String ?? "") }
        #expect(done["status"] as? String == "succeeded", "\(done)")
        #expect(done["attempts"] as? Int == 2)
        #expect(try await fake.creates("flaky polls") == 1)
        let result = done["result"] as? [String: Any]
        #expect(result?["ai"] as? Bool == true)
        #expect(result?["provider"] as? String == "replicate")

        let timeline = try await scene.timeline()
        let clips = ((timeline["tracks"] as? [[String: Any]])?.first?["clips"] as? [[String: Any]]) ?? []
        #expect(clips.map { $0["id"] as? String } == ["red-clip", "\(flaky)-fill", "blue-clip"])
        let assets = (timeline["assets"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        #expect(assets.filter { $0 == flaky }.count == 1)
        // Failed jobs leave their placeholder, marked failed (a retry makes it pending again); no media landed.
        try await scene.waitForAsset(refused, status: "failed")
        try await scene.waitForAsset(expired, status: "failed")
        // The placed clip is the provider's video conformed to the gap: 25 frames at the project's 320×180.
        let file = NSTemporaryDirectory() + "editbay-provider-fill-\(UUID().uuidString).mp4"
        defer { try? FileManager.default.removeItem(atPath: file) }
        try await HTTP.download("\(scene.base)/api/assets/\(flaky)/content", to: file, token: scene.token)
        #expect(try await MediaInspector.videoFrames(path: file).count == 25)
        let info = try await MediaProbe.probe(path: file)
        #expect(info.video?.width == 320 && info.video?.height == 180)
        try await scene.stop()
    }
}
