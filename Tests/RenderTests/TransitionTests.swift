import Foundation
import Render
import Testing
import Timeline

@Suite struct TransitionTests {
    let s = Small.seconds

    func frame(_ n: Int) -> Double { (Double(n) + 0.5) / 30 }

    @Test func consecutiveCrossfadesThroughAMiddleClip() async throws {
        let dir = try TempDir()
        for c in ["red", "lime", "blue"] {
            try await MediaGenerator.solidColor(c, to: dir.file("\(c).mp4"), duration: s(3), format: Small.format)
        }
        let b = ProjectBuilder()
        try b.track("v1", .video)
        for (i, c) in ["red", "lime", "blue"].enumerated() {
            try b.asset(c, .video, file: dir.file("\(c).mp4"), duration: s(3))
            try b.clip(c, track: "v1", asset: c, start: s(2 * Double(i)), duration: s(2), inPoint: i == 0 ? .zero : s(0.5))
        }
        // Transitions around the cuts at 2 s and 4 s: [1.5, 2.5) and [3.5, 4.5).
        try b.set(SetClip(clip: "lime", transitionIn: ClipTransition(kind: "dissolve", duration: s(1))))
        try b.set(SetClip(clip: "blue", transitionIn: ClipTransition(kind: "dissolve", duration: s(1))))
        let out = dir.file("chain.mp4")
        let summary = try await b.renderer.render(try b.view(), to: out)
        #expect(summary.frames == 180)
        #expect(try await MediaInspector.videoFrames(path: out).count == 180)
        let lime = MediaInspector.Color(red: 0, green: 255, blue: 0)
        #expect(try await MediaInspector.averageColor(path: out, at: frame(30)).distance(to: Small.red) < 30)
        let first = try await MediaInspector.averageColor(path: out, at: frame(60))
        #expect(first.distance(to: MediaInspector.Color(red: 128, green: 128, blue: 0)) < 35, "\(first)")
        #expect(try await MediaInspector.averageColor(path: out, at: frame(90)).distance(to: lime) < 30)
        let second = try await MediaInspector.averageColor(path: out, at: frame(120))
        #expect(second.distance(to: MediaInspector.Color(red: 0, green: 128, blue: 128)) < 35, "\(second)")
        #expect(try await MediaInspector.averageColor(path: out, at: frame(165)).distance(to: Small.blue) < 30)
    }

    @Test func audioCrossfadeRampsBetweenClips() async throws {
        let dir = try TempDir()
        try await MediaGenerator.tone(to: dir.file("tone.wav"), frequency: 1000, amplitude: 0.5, duration: s(3))
        let b = ProjectBuilder()
        try b.track("v1", .video)
        try b.track("a1", .audio, after: "v1")
        try b.asset("tone", .audio, file: dir.file("tone.wav"), duration: s(3))
        try b.clip("loud", track: "a1", asset: "tone", start: .zero, duration: s(2))
        try b.clip("quiet", track: "a1", asset: "tone", start: s(2), duration: s(2), inPoint: s(0.5))
        try b.set(SetClip(clip: "quiet", gain: 0, transitionIn: ClipTransition(kind: "dissolve", duration: s(1))))
        let out = dir.file("afade.mp4")
        try await b.renderer.render(try b.view(), to: out)
        let full = 0.5 / 2.0.squareRoot()
        let before = try await MediaInspector.audioLevel(path: out, from: 1.0, duration: 0.4)
        let middle = try await MediaInspector.audioLevel(path: out, from: 1.9, duration: 0.2)
        let after = try await MediaInspector.audioLevel(path: out, from: 2.7, duration: 1.0)
        #expect(abs(before.rms - full) / full < 0.05, "\(before.rms)")
        #expect(abs(middle.rms - full / 2) / (full / 2) < 0.15, "\(middle.rms)")
        #expect(after.peak < 0.01, "\(after.peak)")
        let info = try await MediaProbe.probe(path: out)
        #expect(abs((info.durationSeconds ?? 0) - 4) < 0.03)
    }
}

@Suite struct SourceTimingTests {
    @Test func inPointsCountFromTheContainerStart() async throws {
        let dir = try TempDir()
        let ts = dir.file("broadcast.ts")
        // Red for 1 s, then blue for 1 s, in MPEG-TS with timestamps from 10 s (as a recorder's clock).
        try await GraphEncoder.encode(
            graph: "color=c=red:s=160x90:r=30:d=1[r];color=c=blue:s=160x90:r=30:d=1[b];[r][b]concat=n=2:v=1:a=0,format=yuv420p,setpts=PTS+10/TB[vout];"
                + "sine=d=2,asetpts=PTS+10/TB[aout]",
            to: ts
        )
        let info = try await MediaProbe.probe(path: ts)
        #expect(info.container == "mpegts")
        #expect((info.startSeconds ?? 0) > 9.9)
        let b = ProjectBuilder()
        try b.track("v1", .video)
        try b.asset("ts", .video, file: ts, duration: Small.seconds(2))
        try b.clip("c", track: "v1", asset: "ts", start: .zero, duration: Small.seconds(0.5), inPoint: Small.seconds(1.25))
        let out = dir.file("out.mp4")
        try await b.renderer.render(try b.view(), to: out)
        #expect(try await MediaInspector.videoFrames(path: out).count == 15)
        #expect(try await MediaInspector.averageColor(path: out, at: 0.1).distance(to: Small.blue) < 30)
    }
}

@Suite struct ShortSourceTests {
    @Test func aClipPastItsMediaEndIsAnErrorNotAShortFile() async throws {
        let dir = try TempDir()
        try await MediaGenerator.solidColor("red", to: dir.file("short.mp4"), duration: Small.seconds(1), format: Small.format)
        let b = ProjectBuilder()
        try b.track("v1", .video)
        // The asset record claims 10 s; the file has 1 s.
        try b.asset("short", .video, file: dir.file("short.mp4"), duration: Small.seconds(10))
        try b.clip("late", track: "v1", asset: "short", start: .zero, duration: Small.seconds(1), inPoint: Small.seconds(5))
        let view = try b.view()
        do {
            try await b.renderer.render(view, to: dir.file("out.mp4"))
            Issue.record("a render with no pictures for a clip succeeded")
        } catch {
            #expect(error.code == .graphFailed)
        }
        #expect(!FileManager.default.fileExists(atPath: dir.file("out.mp4")))
        // Media that merely runs out holds its last frame: 2 s from a 1 s file.
        try b.clip("long", track: "v1", asset: "short", start: Small.seconds(1), duration: Small.seconds(2))
        try b.project.apply(.removeClip(RemoveClip(clip: "late")))
        try await b.renderer.render(try b.view(), to: dir.file("held.mp4"))
        #expect(try await MediaInspector.videoFrames(path: dir.file("held.mp4")).count == 90)
        #expect(try await MediaInspector.averageColor(path: dir.file("held.mp4"), at: 2.9).distance(to: Small.red) < 30)
    }
}
