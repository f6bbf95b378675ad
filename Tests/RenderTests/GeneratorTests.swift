import Foundation
import Render
import Testing
import Timeline

@Suite struct GeneratorTests {
    let s = Small.seconds

    @Test func conformMakesExactDurationSizeRateAndStereo() async throws {
        let dir = try TempDir()
        // 1 s of 320×240 at 25 fps with a mono-free tone → 2 s of 160×90 at 30 fps: last frame held, silence added.
        try await MediaGenerator.testPattern(to: dir.file("src.mp4"), duration: s(1), format: MediaGenerator.Format(width: 320, height: 240, rate: .fps25))
        let out = dir.file("conformed.mp4")
        let summary = try await MediaGenerator.conform(input: dir.file("src.mp4"), to: out, duration: s(2), width: 160, height: 90, rate: .fps30)
        #expect(summary.videoFrames == 60)
        let info = try await MediaProbe.probe(path: out)
        #expect(info.video?.width == 160 && info.video?.height == 90 && info.video?.frameRate == .fps30)
        #expect(info.audio?.sampleRate == 48_000 && info.audio?.channels == 2)
        #expect(try await MediaInspector.videoFrames(path: out).count == 60)
        let tail = try await MediaInspector.audioLevel(path: out, from: 1.2, duration: 0.6)
        #expect(tail.peak < 0.001)
        let head = try await MediaInspector.audioLevel(path: out, from: 0.2, duration: 0.6)
        #expect(head.peak > 0.05)
        // A still image becomes a clip of the asked length.
        try await MediaGenerator.solidColor("blue", to: dir.file("still.jpg"), duration: Small.frames(1), format: Small.format)
        let still = try await MediaGenerator.conform(input: dir.file("still.jpg"), to: dir.file("still.mp4"), duration: s(1), width: 160, height: 90, rate: .fps30)
        #expect(still.videoFrames == 30)
        #expect(try await MediaInspector.averageColor(path: dir.file("still.mp4"), at: 0.5).distance(to: Small.blue) < 30)
    }

    @Test func titleCardDrawsText() async throws {
        let dir = try TempDir()
        let out = dir.file("title.png")
        try await MediaGenerator.titleCard(text: "Hello, EditBay: 'quoted' [x]", to: out, duration: s(1), format: MediaGenerator.Format(width: 320, height: 180, rate: .fps30), fontSize: 60)
        // White text on black: the centre is neither all black nor all white.
        let c = try await MediaInspector.averageColor(path: out, at: 0)
        #expect(c.red > 10 && c.red < 200, "\(c)")
        let mp4 = dir.file("title.mp4")
        let summary = try await MediaGenerator.titleCard(text: "Hi", to: mp4, duration: s(1), format: Small.format)
        #expect(summary.videoFrames == 30)
    }

    @Test func bridgeDissolvesLastFrameOfAIntoFirstOfB() async throws {
        let dir = try TempDir()
        try await MediaGenerator.solidColor("red", to: dir.file("a.mp4"), duration: s(1.5), format: Small.format)
        try await MediaGenerator.solidColor("blue", to: dir.file("b.mp4"), duration: s(1), format: Small.format)
        let out = dir.file("bridge.mp4")
        let summary = try await MediaGenerator.bridge(from: dir.file("a.mp4"), to: dir.file("b.mp4"), output: out, duration: s(1), format: Small.format)
        #expect(summary.videoFrames == 30)
        #expect(try await MediaInspector.averageColor(path: out, at: 0).distance(to: Small.red) < 40)
        let mid = try await MediaInspector.averageColor(path: out, at: 0.5)
        #expect(mid.distance(to: MediaInspector.Color(red: 128, green: 0, blue: 128)) < 40, "\(mid)")
        #expect(try await MediaInspector.averageColor(path: out, at: 0.98).distance(to: Small.blue) < 40)
    }

    @Test func graphEncoderWritesAudioOnlyAndReportsBadGraphs() async throws {
        let dir = try TempDir()
        let m4a = dir.file("tone.m4a")
        let summary = try await GraphEncoder.encode(graph: "sine=f=440:d=1[aout]", to: m4a)
        #expect(summary.videoFrames == 0)
        let info = try await MediaProbe.probe(path: m4a)
        #expect(info.kind == .audio && info.audio?.codec == "aac" && info.audio?.sampleRate == 48_000 && info.audio?.channels == 2)
        do {
            try await GraphEncoder.encode(graph: "nosuchfilter=1[vout]", to: dir.file("x.mp4"))
            Issue.record("a bad graph encoded")
        } catch {
            #expect(error.code == .graphFailed)
            #expect(error.message.contains("nosuchfilter"), "\(error.message)")
        }
        do {
            try await GraphEncoder.encode(graph: "sine=d=1[aout]", to: dir.file("x.png"))
            Issue.record("audio encoded into a png")
        } catch {
            #expect(error.code == .invalidRequest)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["tone.m4a"])
    }

    @Test func cancellationFlagStopsAnEncodeAndProgressIsReported() async throws {
        let dir = try TempDir()
        let cancel = RenderCancellation()
        let log = ProgressLog()
        let out = dir.file("long.mp4")
        do {
            try await GraphEncoder.encode(graph: "testsrc2=s=320x180:r=30:d=3600[vout]", to: out, cancellation: cancel) { p in
                log.record(p)
                if p.outputTime > .zero { cancel.cancel() }
            }
            Issue.record("the encode was not cancelled")
        } catch {
            #expect(error.code == .cancelled)
        }
        #expect(log.all.contains { $0.outputTime > .zero && $0.frames > 0 })
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }
}
