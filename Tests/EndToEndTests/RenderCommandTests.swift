import Foundation
import Render
import TestSupport
import Testing
import Timeline

/// `editbay render` on timelines written by the real OpenTimelineIO library, with media made for the test.
@Suite("editbay render", .serialized)
struct RenderCommandTests {
    /// Writes an OTIO file with opentimelineio: on V1, `red.mp4` (1 s), a 1 s gap, then `blue.mp4` (1 s), at
    /// 25 fps, media referenced by relative paths.
    static func writeTimeline(_ path: String, secondClip: String = "blue.mp4") throws {
        let script = """
            import sys
            import opentimelineio as otio
            rt = lambda f: otio.opentime.RationalTime(f, 25)
            tr = lambda s, d: otio.opentime.TimeRange(rt(s), rt(d))
            tl = otio.schema.Timeline(name="cli")
            v = otio.schema.Track(name="V1", kind=otio.schema.TrackKind.Video)
            v.append(otio.schema.Clip(name="red", media_reference=otio.schema.ExternalReference(target_url="red.mp4", available_range=tr(0, 50)), source_range=tr(0, 25)))
            v.append(otio.schema.Gap(source_range=tr(0, 25)))
            v.append(otio.schema.Clip(name="blue", media_reference=otio.schema.ExternalReference(target_url=sys.argv[2], available_range=tr(0, 50)), source_range=tr(0, 25)))
            tl.tracks.append(v)
            otio.adapters.write_to_file(tl, sys.argv[1])
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, path, secondClip]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ServerProcess.Failure("opentimelineio could not write the timeline (pip install opentimelineio; `make test` does): \(String(decoding: output, as: UTF8.self))")
        }
    }

    @Test("an OTIO timeline renders to MP4 with progress: red, a black gap, blue, three seconds to the frame")
    func rendersOTIO() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("editbay-render-cli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let format = MediaGenerator.Format(width: 160, height: 90, rate: .fps25)
        try await MediaGenerator.solidColor("red", to: "\(directory)/red.mp4", duration: Flicks(2 * Flicks.perSecond), format: format, toneFrequency: 440)
        try await MediaGenerator.solidColor("blue", to: "\(directory)/blue.mp4", duration: Flicks(2 * Flicks.perSecond), format: format, toneFrequency: 660)
        try Self.writeTimeline("\(directory)/cut.otio")

        let output = "\(directory)/out.mp4"
        let render = try ServerProcess(arguments: ["render", "\(directory)/cut.otio", "-o", output, "--preset", "preview"])
        #expect(try await render.waitForExit() == 0, "\(render.log)")
        #expect(render.log.contains("rendering"), "no progress printed: \(render.log)")
        #expect(render.log.contains("wrote \(output)"))
        #expect(try await MediaInspector.videoFrames(path: output).count == 75)
        let red = try await MediaInspector.averageColor(path: output, at: 0.5)
        let gap = try await MediaInspector.averageColor(path: output, at: 1.5)
        let blue = try await MediaInspector.averageColor(path: output, at: 2.5)
        #expect(red.red > 200 && red.blue < 60, "\(red)")
        #expect(gap.red < 30 && gap.green < 30 && gap.blue < 30, "\(gap)")
        #expect(blue.blue > 200 && blue.red < 60, "\(blue)")
        let info = try await MediaProbe.probe(path: output)
        #expect(info.video?.codec == "h264")
        #expect(info.audio?.sampleRate == 48_000 && info.audio?.channels == 2)
    }

    @Test("a missing source fails with SOURCE_MISSING naming the clip, and writes nothing")
    func missingSource() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("editbay-render-cli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await MediaGenerator.solidColor("red", to: "\(directory)/red.mp4", duration: Flicks(2 * Flicks.perSecond), format: .init(width: 160, height: 90, rate: .fps25))
        try Self.writeTimeline("\(directory)/cut.otio", secondClip: "nowhere.mp4")
        let output = "\(directory)/out.mp4"
        let render = try ServerProcess(arguments: ["render", "\(directory)/cut.otio", "-o", output])
        #expect(try await render.waitForExit() != 0)
        #expect(render.log.contains("SOURCE_MISSING") || render.log.contains("SOURCE_UNDECODABLE"), "\(render.log)")
        #expect(render.log.contains("nowhere.mp4") || render.log.contains("clip"), "\(render.log)")
        #expect(!FileManager.default.fileExists(atPath: output))
    }
}
