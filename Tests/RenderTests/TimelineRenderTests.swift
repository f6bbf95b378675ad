import Foundation
@testable import Render
import Testing
import Timeline

@Suite struct TimelineRenderTests {
    let s = Small.seconds

    /// The middle of frame `n` at 30 fps, where sampling is unambiguous.
    func frame(_ n: Int) -> Double { (Double(n) + 0.5) / 30 }

    func color(_ path: String, at t: Double) async throws -> MediaInspector.Color { try await MediaInspector.averageColor(path: path, at: t) }

    @Test func redGapBlueOnUpperTrack() async throws {
        let dir = try TempDir()
        try await MediaGenerator.solidColor("red", to: dir.file("red.mp4"), duration: s(2), format: Small.format, toneFrequency: 440)
        try await MediaGenerator.solidColor("blue", to: dir.file("blue.mp4"), duration: s(2), format: Small.format, toneFrequency: 660)
        let b = ProjectBuilder()
        try b.track("v1", .video)
        try b.track("v2", .video, after: "v1")
        try b.asset("red", .video, file: dir.file("red.mp4"), duration: s(2))
        try b.asset("blue", .video, file: dir.file("blue.mp4"), duration: s(2))
        try b.clip("r", track: "v1", asset: "red", start: .zero, duration: s(1))
        try b.clip("b", track: "v2", asset: "blue", start: s(2), duration: s(1))
        let out = dir.file("out.mp4")
        let log = ProgressLog()
        let summary = try await b.renderer.render(try b.view(), to: out, preset: .final) { log.record($0) }
        #expect(summary.frames == 90)

        let info = try await MediaProbe.probe(path: out)
        #expect(info.video?.width == 160 && info.video?.height == 90)
        #expect(info.video?.frameRate == .fps30)
        #expect(info.video?.codec == "h264" && info.video?.pixelFormat == "yuv420p")
        #expect(info.audio?.codec == "aac" && info.audio?.sampleRate == 48_000 && info.audio?.channels == 2)
        let decoded = try await MediaInspector.videoFrames(path: out)
        #expect(decoded.count == 90)
        #expect(abs((info.durationSeconds ?? 0) - 3) < 0.03, "duration \(info.durationSeconds ?? -1)")

        #expect(try await color(out, at: frame(0)).distance(to: Small.red) < 30)
        #expect(try await color(out, at: frame(29)).distance(to: Small.red) < 30)
        #expect(try await color(out, at: frame(30)).distance(to: Small.black) < 30)
        #expect(try await color(out, at: frame(59)).distance(to: Small.black) < 30)
        #expect(try await color(out, at: frame(60)).distance(to: Small.blue) < 30)
        #expect(try await color(out, at: frame(89)).distance(to: Small.blue) < 30)
        // No audio track: the sound is silent.
        let level = try await MediaInspector.audioLevel(path: out, from: 0, duration: 3)
        #expect(level.peak < 0.001)
        #expect(!log.all.isEmpty)
        #expect(log.all.last?.fraction == 1)
    }

    @Test func crossfadeMidpointIsABlendUsingHandles() async throws {
        let dir = try TempDir()
        try await MediaGenerator.solidColor("red", to: dir.file("red.mp4"), duration: s(3), format: Small.format)
        try await MediaGenerator.solidColor("blue", to: dir.file("blue.mp4"), duration: s(3), format: Small.format)
        let b = ProjectBuilder()
        try b.track("v1", .video)
        try b.asset("red", .video, file: dir.file("red.mp4"), duration: s(3))
        try b.asset("blue", .video, file: dir.file("blue.mp4"), duration: s(3))
        try b.clip("r", track: "v1", asset: "red", start: .zero, duration: s(2))
        try b.clip("b", track: "v1", asset: "blue", start: s(2), duration: s(2), inPoint: s(0.5))
        // Covers [1.5 s, 2.5 s): frames 45…74; frame 60 is half way.
        try b.set(SetClip(clip: "b", transitionIn: ClipTransition(kind: "dissolve", duration: s(1))))
        let out = dir.file("xfade.mp4")
        let summary = try await b.renderer.render(try b.view(), to: out)
        #expect(summary.frames == 120)
        #expect(try await MediaInspector.videoFrames(path: out).count == 120)
        #expect(try await color(out, at: frame(40)).distance(to: Small.red) < 30)
        let mid = try await color(out, at: frame(60))
        #expect(mid.distance(to: MediaInspector.Color(red: 128, green: 0, blue: 128)) < 35, "\(mid)")
        let early = try await color(out, at: frame(50))
        #expect(early.red > mid.red + 20 && early.blue < mid.blue - 20, "\(early) vs \(mid)")
        #expect(try await color(out, at: frame(80)).distance(to: Small.blue) < 30)
    }

    @Test func opacityHalfBlendsOverTheTrackBelow() async throws {
        let dir = try TempDir()
        try await MediaGenerator.solidColor("red", to: dir.file("red.mp4"), duration: s(1), format: Small.format)
        try await MediaGenerator.solidColor("blue", to: dir.file("blue.png"), duration: Small.frames(1), format: Small.format)
        let b = ProjectBuilder()
        try b.track("v1", .video)
        try b.track("v2", .video, after: "v1")
        try b.asset("red", .video, file: dir.file("red.mp4"), duration: s(1))
        try b.asset("still", .image, file: dir.file("blue.png"), duration: nil)
        try b.clip("r", track: "v1", asset: "red", start: .zero, duration: s(1))
        try b.clip("i", track: "v2", asset: "still", start: .zero, duration: s(1))
        try b.set(SetClip(clip: "i", opacity: 0.5))
        let out = dir.file("opacity.mp4")
        try await b.renderer.render(try b.view(), to: out)
        #expect(try await MediaInspector.videoFrames(path: out).count == 30)
        let c = try await color(out, at: frame(15))
        #expect(c.distance(to: MediaInspector.Color(red: 128, green: 0, blue: 128)) < 35, "\(c)")
    }

    @Test func gainAndSummedAudioTracks() async throws {
        let dir = try TempDir()
        try await MediaGenerator.tone(to: dir.file("tone.wav"), frequency: 1000, amplitude: 0.5, duration: s(2))
        let b = ProjectBuilder()
        try b.track("v1", .video)
        try b.track("a1", .audio, after: "v1")
        try b.track("a2", .audio, after: "a1")
        try b.asset("tone", .audio, file: dir.file("tone.wav"), duration: s(2))
        // a1: 0…1 s alone at −6 dB; 1…2 s both tracks at −6 dB, in phase: summed, not normalised.
        try b.clip("t1", track: "a1", asset: "tone", start: .zero, duration: s(2))
        try b.clip("t2", track: "a2", asset: "tone", start: s(1), duration: s(1), inPoint: s(1))
        try b.set(SetClip(clip: "t1", gain: 0.5))
        try b.set(SetClip(clip: "t2", gain: 0.5))
        let out = dir.file("gain.mp4")
        try await b.renderer.render(try b.view(), to: out)
        let alone = try await MediaInspector.audioLevel(path: out, from: 0.2, duration: 0.6)
        let expected = 0.5 * 0.5 / 2.0.squareRoot()
        #expect(abs(alone.rms - expected) / expected < 0.05, "rms \(alone.rms), expected \(expected)")
        #expect(abs(alone.peak - 0.25) < 0.03, "peak \(alone.peak)")
        let summed = try await MediaInspector.audioLevel(path: out, from: 1.2, duration: 0.6)
        #expect(abs(summed.rms - 2 * expected) / (2 * expected) < 0.05, "rms \(summed.rms), expected \(2 * expected)")
    }

    @Test func speedTwoUsesDoubleTheMedia() async throws {
        let dir = try TempDir()
        let src = dir.file("redblue.mp4")
        // Red for 2 s, then blue for 2 s.
        try await GraphEncoder.encode(
            graph: "color=c=red:s=160x90:r=30:d=2[r];color=c=blue:s=160x90:r=30:d=2[b];[r][b]concat=n=2:v=1:a=0,format=yuv420p[vout];sine=d=4[aout]",
            to: src
        )
        let b = ProjectBuilder()
        try b.track("v1", .video)
        try b.asset("rb", .video, file: src, duration: s(4))
        try b.clip("c", track: "v1", asset: "rb", start: .zero, duration: s(1.5))
        try b.set(SetClip(clip: "c", speed: 2))
        let out = dir.file("speed.mp4")
        try await b.renderer.render(try b.view(), to: out)
        #expect(try await MediaInspector.videoFrames(path: out).count == 45)
        // Timeline 0.5 s = media 1 s (red); timeline 1.25 s = media 2.5 s (blue; at speed 1 it would be red).
        #expect(try await color(out, at: frame(15)).distance(to: Small.red) < 30)
        #expect(try await color(out, at: frame(38)).distance(to: Small.blue) < 30)
    }

    @Test func missingAndBrokenSourcesNameTheClip() async throws {
        let dir = try TempDir()
        let b = ProjectBuilder()
        try b.track("v1", .video)
        try b.asset("gone", .video, file: dir.file("gone.mp4"), duration: s(1))
        try b.clip("lost-clip", track: "v1", asset: "gone", start: .zero, duration: s(1))
        let view = try b.view()
        do {
            try await b.renderer.render(view, to: dir.file("out.mp4"))
            Issue.record("rendering a missing source succeeded")
        } catch {
            #expect(error.code == .sourceMissing)
            #expect(error.clip == "lost-clip" && error.asset == "gone")
            #expect(error.message.contains("lost-clip"))
        }
        try Data(repeating: 0x42, count: 2048).write(to: URL(fileURLWithPath: dir.file("gone.mp4")))
        do {
            try await b.renderer.render(view, to: dir.file("out.mp4"))
            Issue.record("rendering a broken source succeeded")
        } catch {
            #expect(error.code == .sourceUndecodable)
            #expect(error.clip == "lost-clip")
        }
        #expect(!FileManager.default.fileExists(atPath: dir.file("out.mp4")))
    }

    @Test func cancellingTheTaskStopsPromptlyAndLeavesNoFile() async throws {
        let dir = try TempDir()
        try await MediaGenerator.solidColor("green", to: dir.file("still.png"), duration: Small.frames(1), format: Small.format)
        let b = ProjectBuilder(width: 640, height: 360)
        try b.track("v1", .video)
        try b.asset("still", .image, file: dir.file("still.png"), duration: nil)
        try b.clip("long", track: "v1", asset: "still", start: .zero, duration: s(3600))
        let view = try b.view()
        let renderer = b.renderer
        let out = dir.file("cancelled.mp4")
        let (started, signal) = AsyncStream.makeStream(of: RenderProgress.self)
        let render = Task { () async throws -> TimelineRenderer.Summary in
            try await renderer.render(view, to: out) { signal.yield($0) }
        }
        var first: RenderProgress?
        for await p in started {
            first = p
            break
        }
        #expect(first.map { $0.outputTime > .zero } == true)
        render.cancel()
        let result = await render.result
        #expect(throws: RenderError.self) { try result.get() }
        if case .failure(let error) = result { #expect((error as? RenderError)?.code == .cancelled) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["still.png"])
    }

    @Test func hiddenAndMutedTracksAreSkippedAndSourcesConformed() async throws {
        let dir = try TempDir()
        // 4:3 at 25 fps into a 16:9 project at 30 fps: letterboxed, resampled in time.
        try await MediaGenerator.solidColor("red", to: dir.file("red43.mp4"), duration: s(2), format: MediaGenerator.Format(width: 120, height: 90, rate: .fps25))
        try await MediaGenerator.solidColor("blue", to: dir.file("blue.mp4"), duration: s(2), format: Small.format)
        try await MediaGenerator.tone(to: dir.file("tone.wav"), amplitude: 0.5, duration: s(2))
        let b = ProjectBuilder()
        try b.track("v1", .video)
        try b.track("v2", .video, after: "v1")
        try b.track("a1", .audio, after: "v2")
        try b.asset("red", .video, file: dir.file("red43.mp4"), duration: s(2))
        try b.asset("blue", .video, file: dir.file("blue.mp4"), duration: s(2))
        try b.asset("tone", .audio, file: dir.file("tone.wav"), duration: s(2))
        try b.clip("r", track: "v1", asset: "red", start: .zero, duration: s(1.5))
        try b.clip("b", track: "v2", asset: "blue", start: .zero, duration: s(1.5))
        try b.clip("t", track: "a1", asset: "tone", start: .zero, duration: s(1.5))
        try b.project.apply(.updateTrack(UpdateTrack(track: "v2", hidden: true)))
        try b.project.apply(.updateTrack(UpdateTrack(track: "a1", muted: true)))
        let out = dir.file("skipped.mp4")
        try await b.renderer.render(try b.view(), to: out)
        #expect(try await MediaInspector.videoFrames(path: out).count == 45)
        #expect(try await color(out, at: frame(20)).distance(to: Small.red) < 30)
        // The 4:3 picture is pillarboxed: black at the left edge.
        let edge = try await MediaInspector.averageColor(path: out, at: frame(20), region: MediaInspector.Region(x: 0, y: 0.25, width: 0.1, height: 0.5))
        #expect(edge.distance(to: Small.black) < 30, "\(edge)")
        #expect(try await MediaInspector.audioLevel(path: out, from: 0, duration: 1.5).peak < 0.001)
    }

    @Test func previewPresetIsSmall() async throws {
        let dir = try TempDir()
        try await MediaGenerator.testPattern(to: dir.file("p.mp4"), duration: s(1), format: MediaGenerator.Format(width: 1280, height: 720, rate: .fps30))
        let b = ProjectBuilder(width: 1280, height: 720)
        try b.track("v1", .video)
        try b.asset("p", .video, file: dir.file("p.mp4"), duration: s(1))
        try b.clip("c", track: "v1", asset: "p", start: .zero, duration: s(1))
        let out = dir.file("preview.mp4")
        let summary = try await b.renderer.render(try b.view(), to: out, preset: .preview)
        #expect(summary.width == 640 && summary.height == 360)
        let info = try await MediaProbe.probe(path: out)
        #expect(info.video?.width == 640 && info.video?.height == 360 && info.video?.frameRate == .fps30)
        #expect(try await MediaInspector.videoFrames(path: out).count == 30)
    }

    @Test func transitionHandlesAreLaidOut() {
        let f = { (n: Int64) in Flicks(n * FrameRate.fps30.flicksPerFrame!) }
        let a = ClipRecord(id: "a", track: "t", asset: "x", start: .zero, duration: f(60))
        let b = ClipRecord(id: "b", track: "t", asset: "x", start: f(60), duration: f(60), transitionIn: ClipTransition(kind: "dissolve", duration: f(20), inOffset: f(5)))
        let c = ClipRecord(id: "c", track: "t", asset: "x", start: f(150), duration: f(30))
        let layout = TrackLayout(clips: [a, b, c], units: { $0.frames(at: .fps30) }, total: 200, gaps: true)
        #expect(layout.groups.count == 4)
        let g = layout.groups[0]
        #expect(g.pieces.map(\.streamLength) == [75, 65])
        #expect(g.start == 0 && g.length == 120)
        #expect(layout.groups[1].pieces[0].length == 30)  // the gap 120…150
        #expect(layout.groups[2].start == 150 && layout.groups[2].length == 30)  // c
        #expect(layout.groups[3].start == 180 && layout.groups[3].length == 20)  // the gap to the end
    }
}
