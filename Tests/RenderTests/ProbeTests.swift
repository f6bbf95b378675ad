import Foundation
import Render
import Testing
import Timeline

@Suite struct ProbeTests {
    @Test func probesGeneratedVideoWithSound() async throws {
        let dir = try TempDir()
        let path = dir.file("pattern.mp4")
        try await MediaGenerator.testPattern(to: path, duration: Small.seconds(2), format: Small.format)
        let info = try await MediaProbe.probe(path: path)
        #expect(info.kind == .video)
        #expect(info.container.contains("mp4"))
        #expect(info.video?.codec == "h264")
        #expect(info.video?.width == 160)
        #expect(info.video?.height == 90)
        #expect(info.video?.frameRate == .fps30)
        #expect(info.video?.pixelFormat == "yuv420p")
        #expect(info.video?.rotation == 0)
        #expect(info.audio?.codec == "aac")
        #expect(info.audio?.sampleRate == 48_000)
        #expect(info.audio?.channels == 2)
        let seconds = try #require(info.durationSeconds)
        #expect(abs(seconds - 2) < 0.05)
        #expect(info.duration.map { abs($0.seconds - 2) < 0.05 } == true)
    }

    @Test func probesStillImageAndAudio() async throws {
        let dir = try TempDir()
        let png = dir.file("still.png")
        try await MediaGenerator.solidColor("blue", to: png, duration: Small.frames(1), format: Small.format)
        let image = try await MediaProbe.probe(path: png)
        #expect(image.kind == .image)
        #expect(image.duration == nil)
        #expect(image.video?.codec == "png")
        let wav = dir.file("tone.wav")
        try await MediaGenerator.tone(to: wav, duration: Small.seconds(1))
        let audio = try await MediaProbe.probe(path: wav)
        #expect(audio.kind == .audio)
        #expect(audio.video == nil)
        #expect(audio.audio?.codec == "pcm_s16le")
        #expect(audio.audio?.channels == 2)
        #expect(abs((audio.durationSeconds ?? 0) - 1) < 0.01)
    }

    @Test func refusesGarbageWithUndecodableMedia() async throws {
        let dir = try TempDir()
        let path = dir.file("garbage.mp4")
        try Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919 &+ 13) }).write(to: URL(fileURLWithPath: path))
        await #expect(throws: RenderError.self) { try await MediaProbe.probe(path: path) }
        do {
            _ = try await MediaProbe.probe(path: path)
        } catch {
            #expect(error.code == .undecodableMedia)
            #expect(error.message.contains("garbage.mp4"))
        }
        do {
            _ = try await MediaProbe.probe(path: dir.file("absent.mp4"))
            Issue.record("probing a missing file succeeded")
        } catch {
            #expect(error.code == .fileNotFound)
        }
    }

    @Test func posterIsScaledKeepingAspect() async throws {
        let dir = try TempDir()
        let video = dir.file("v.mp4")
        try await MediaGenerator.solidColor("red", to: video, duration: Small.seconds(2.5), format: MediaGenerator.Format(width: 320, height: 180, rate: .fps30))
        let poster = dir.file("poster.jpg")
        try await Thumbnailer.writePoster(from: video, to: poster, maxWidth: 160)
        let info = try await MediaProbe.probe(path: poster)
        #expect(info.kind == .image)
        #expect(info.video?.width == 160)
        #expect(info.video?.height == 90)
        let color = try await MediaInspector.averageColor(path: poster, at: 0)
        #expect(color.distance(to: Small.red) < 40, "\(color)")
    }
}

@Suite struct RotationTests {
    /// 160×90 pixels, red left half and blue right half, stored with a 90° clockwise display rotation.
    func sideways(_ path: String) async throws {
        try await GraphEncoder.encode(
            graph: "color=c=red:s=80x90:r=30:d=1[l];color=c=blue:s=80x90:r=30:d=1[r];[l][r]hstack,format=yuv420p[vout]",
            to: path,
            settings: EncoderSettings(displayRotation: 90)
        )
    }

    @Test func probeReadsRotationAndPosterAndConformTurnUpright() async throws {
        let dir = try TempDir()
        let src = dir.file("phone.mp4")
        try await sideways(src)
        let info = try await MediaProbe.probe(path: src)
        #expect(info.video?.rotation == 90)
        #expect(info.video?.width == 160 && info.video?.height == 90)
        let poster = dir.file("poster.png")
        try await Thumbnailer.writePoster(from: src, to: poster, maxWidth: 480)
        let p = try await MediaProbe.probe(path: poster)
        #expect(p.video?.width == 90 && p.video?.height == 160)
        // Turned clockwise, the left (red) half is on top.
        let out = dir.file("upright.mp4")
        try await MediaGenerator.conform(input: src, to: out, duration: Small.seconds(1), width: 90, height: 160, rate: .fps30)
        #expect(try await MediaInspector.averageColor(path: out, at: 0.5, region: .top).distance(to: Small.red) < 40)
        #expect(try await MediaInspector.averageColor(path: out, at: 0.5, region: .bottom).distance(to: Small.blue) < 40)
    }
}
