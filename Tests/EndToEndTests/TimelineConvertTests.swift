import Foundation
import TestSupport
import Testing

@Suite("editbay timeline convert", .serialized)
struct TimelineConvertTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("TimelineTests/Fixtures/example-timeline.otio").path

    /// What OpenTimelineIO itself reads from a file: duration in seconds, track count, clip names.
    static func otioSummary(_ path: String) throws -> String {
        let script = """
            import sys, json
            try:
                import opentimelineio as otio
            except ImportError as e:
                print("MISSING opentimelineio: " + str(e)); sys.exit(3)
            t = otio.adapters.read_from_file(sys.argv[1])
            clips = sorted(c.name for c in t.find_clips())
            print(json.dumps({"duration": round(t.duration().to_seconds(), 6), "tracks": len(t.tracks), "clips": clips}))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw ServerProcess.Failure("opentimelineio could not read \(path) (pip install opentimelineio; `make test` does): \(text)")
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test("OTIO → EditBay JSON → OTIO keeps what OpenTimelineIO reads; bad input fails clearly")
    func roundTrip() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("editbay-convert-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let json = directory.appendingPathComponent("timeline.json").path
        let otio = directory.appendingPathComponent("back.otio").path

        let toJSON = try ServerProcess(arguments: ["timeline", "convert", Self.fixture, json])
        #expect(try await toJSON.waitForExit() == 0, "\(toJSON.log)")
        let view = try JSONSerialization.jsonObject(with: try Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any]
        #expect((view?["tracks"] as? [Any])?.isEmpty == false)

        let toOTIO = try ServerProcess(arguments: ["timeline", "convert", json, otio])
        #expect(try await toOTIO.waitForExit() == 0, "\(toOTIO.log)")
        #expect(try Self.otioSummary(otio) == (try Self.otioSummary(Self.fixture)))

        let garbage = directory.appendingPathComponent("garbage.otio").path
        FileManager.default.createFile(atPath: garbage, contents: Data("{\"OTIO_SCHEMA\": \"Nope.1\"}".utf8))
        let failing = try ServerProcess(arguments: ["timeline", "convert", garbage, json])
        #expect(try await failing.waitForExit() != 0)
        #expect(failing.log.contains("garbage.otio"))
    }
}
