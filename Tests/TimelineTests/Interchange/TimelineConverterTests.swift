import Foundation
import Testing
import Timeline

@Suite struct TimelineConverterTests {
    let f = Fixture.f

    @Test func formatsFromFileNames() {
        #expect(TimelineConverter.Format(fileName: "cut.otio") == .otio)
        #expect(TimelineConverter.Format(fileName: "/tmp/Cut.JSON") == .editbay)
        #expect(TimelineConverter.Format(fileName: "cut.edl") == nil)
    }

    @Test func otioToEditBayAndBack() throws {
        let otio = try Data(contentsOf: OTIOModelTests.example)
        let json = try TimelineConverter.convert(otio, from: .otio, to: .editbay)
        let view = try JSONDecoder().decode(TimelineView.self, from: json)
        #expect(view.tracks.map(\.record.name) == ["V1", "A1"])
        #expect(view.tracks[0].clips.map(\.name) == ["intro", "shot2"])
        let back = try TimelineConverter.convert(json, from: .editbay, to: .otio)
        let tl = try OTIOTimeline(jsonData: back)
        #expect(try tl.duration() == f(120))
        #expect(try TimelineConverter.read(back, as: .otio) == view)
    }

    @Test func handWrittenViewsNeedOnlyTheEssentials() throws {
        let json = """
            {"meta": {"name": "Hand made", "rate": {"num": 25, "den": 1}},
             "tracks": [{"id": "t", "kind": "video", "clips": [
               {"id": "c", "track": "t", "asset": "a", "start": 0, "durationSeconds": 9, "duration": 705600000}]}],
             "assets": [{"id": "a", "kind": "video", "uri": "file:///a.mov"}]}
            """
        let view = try TimelineConverter.read(Data(json.utf8), as: .editbay)
        #expect(view.meta.rate == .fps25 && view.meta.width == 1920)
        let c = try #require(view.clip("c"))
        #expect(c.duration == Flicks(705_600_000) && c.speed == 1 && c.gain == 1 && c.inPoint == .zero)
        #expect(view.conflicts.isEmpty)
    }

    @Test func unreadableInputSaysWhere() {
        do {
            _ = try TimelineConverter.read(Data(#"{"meta": {"name": "x"}, "tracks": [{"id": "t"}]}"#.utf8), as: .editbay)
            Issue.record("read a track without kind")
        } catch {
            #expect(error == .importFailed)
            #expect(error.message.contains("kind"))
            #expect(error.message.contains("tracks[0]"))
        }
        #expect(throws: TimelineError.importFailed) { try TimelineConverter.read(Data("[]".utf8), as: .otio) }
    }
}
