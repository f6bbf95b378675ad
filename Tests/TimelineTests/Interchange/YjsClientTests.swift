import CRDT
import Foundation
import Testing
import Timeline

/// A client written by someone else (pycrdt) follows docs/timeline-schema.md; the server reads its
/// edits as intended.
@Suite struct YjsClientTests {
    let f = Fixture.f

    @Test func pycrdtEditsAreReadAsDocumented() throws {
        let p = try Fixture.project()
        try p.apply(.addClip(AddClip(id: "c", track: "v1", asset: "vid", start: f(0), duration: f(48))))
        let dir = FileManager.default.temporaryDirectory
        let input = dir.appendingPathComponent("editbay-\(UUID().uuidString).bin")
        let output = dir.appendingPathComponent("editbay-\(UUID().uuidString).bin")
        defer {
            try? FileManager.default.removeItem(at: input)
            try? FileManager.default.removeItem(at: output)
        }
        try Data(p.doc.encodeStateAsUpdate()).write(to: input)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", OTIOPython.interopDirectory.appendingPathComponent("yjs_client.py").path, input.path, output.path]
        let err = Pipe()
        process.standardError = err
        try process.run()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "yjs_client.py failed (needs python3 with pycrdt==0.14.13): \(message)")
        try p.doc.applyUpdate([UInt8](Data(contentsOf: output)))

        let v = try p.view()
        #expect(v.conflicts.isEmpty)
        #expect(v.tracks.last?.id == "py-track")
        #expect(v.tracks.last?.record.name == "From Python")
        let clip = try #require(v.track("py-track")?.clips.first)
        #expect(
            clip == ClipRecord(id: "py-clip", track: "py-track", asset: "vid", start: f(10), duration: f(24), inPoint: f(2), gain: 0.5, name: "py")
        )
        #expect(v.clip("c")?.track == "v2")
        #expect(v.track("v1")?.clips.isEmpty == true)
        #expect(v.markers.map(\.label) == ["from python"])
        // And the server keeps editing on top of the foreign edits.
        try p.apply(.trimClip(TrimClip(clip: "py-clip", duration: f(12))))
        #expect(try p.view().clip("py-clip")?.duration == f(12))
    }
}
