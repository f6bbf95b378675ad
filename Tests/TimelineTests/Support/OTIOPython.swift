import Foundation
import Testing
import Timeline

/// Runs `Interop/otio_tool.py` (the real `opentimelineio` package) and decodes what it prints.
/// A missing Python or library fails the calling test with an explanation; it never skips.
enum OTIOPython {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static let interopDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Interop")
    static let fixturesDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func run(_ arguments: [String]) throws -> Data {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", interopDirectory.appendingPathComponent("otio_tool.py").path] + arguments
        let out = Pipe()
        let err = Pipe()
        p.standardOutput = out
        p.standardError = err
        do {
            try p.run()
        } catch {
            throw Failure(description: "python3 could not be started (\(error)); the OTIO interop tests need python3 with opentimelineio==0.18.1")
        }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errText = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw Failure(description: "otio_tool.py \(arguments.first ?? "") failed (status \(p.terminationStatus)): \(errText)")
        }
        return data
    }

    /// What the library computes for a file.
    struct Report: Decodable {
        struct RT: Decodable {
            let value: Double
            let rate: Double
            func flicks() throws -> Flicks { try RationalTime(value: value, rate: rate).flicks() }
        }
        struct Range: Decodable {
            let start: RT
            let duration: RT
            func flicks() throws -> (Flicks, Flicks) { (try start.flicks(), try duration.flicks()) }
        }
        struct Marker: Decodable {
            let name: String
            let range: Range
            let color: String?
        }
        struct Child: Decodable {
            let schema: String
            let name: String
            let range_in_parent: Range
            let trimmed_range: Range?
            let markers: [Marker]?
            let reference: String?
            let target_url: String?
        }
        struct Track: Decodable {
            let name: String
            let kind: String?
            let schema: String
            let children: [Child]
        }
        let version: String
        let name: String
        let duration: RT
        let tracks: [Track]
        let markers: [Marker]
    }

    static func ranges(of file: URL) throws -> Report {
        try JSONDecoder().decode(Report.self, from: run(["ranges", file.path]))
    }

    static func build(rate: FrameRate) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("editbay-built-\(UUID().uuidString).otio")
        _ = try run(["build", url.path, "\(rate.numerator)", "\(rate.denominator)"])
        return url
    }

    static func temporaryFile(_ data: Data) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("editbay-\(UUID().uuidString).otio")
        try data.write(to: url)
        return url
    }
}
