import Foundation
import Testing
import Timeline

@Suite struct ViewJSONTests {
    let f = Fixture.f

    @Test func contractShapeWithSeconds() throws {
        let p = try Fixture.project()
        try p.apply([
            .addClip(AddClip(id: "c", track: "v1", asset: "vid", start: f(24), duration: f(12))),
            .setClip(SetClip(clip: "c", transitionIn: ClipTransition(kind: "dissolve", duration: f(4)))),
            .addMarker(AddMarker(id: "m", time: f(36), label: "here")),
        ])
        let view = try p.view()
        let json = try JSONDecoder().decode(JSONValue.self, from: view.jsonData())
        let top = try #require(json.objectValue)
        #expect(Set(top.keys) == ["meta", "tracks", "orphanClips", "assets", "markers", "conflicts", "gaps", "duration", "durationSeconds"])
        let track = try #require(top["tracks"]?.arrayValue?.first?.objectValue)
        #expect(track["id"] == .string("v1") && track["kind"] == .string("video") && track["name"] == .string("V1"))
        let clip = try #require(track["clips"]?.arrayValue?.first?.objectValue)
        #expect(clip["start"] == .integer(f(24).value))
        #expect(clip["startSeconds"]?.doubleValue == 1.0)
        #expect(clip["durationSeconds"]?.doubleValue == 0.5)
        #expect(clip["in"] == .integer(0))
        #expect(clip["endSeconds"]?.doubleValue == 1.5)
        #expect(clip["transitionIn"]?.objectValue?["duration"] == .integer(f(4).value))
        #expect(top["gaps"]?.arrayValue?.first?.objectValue?["durationSeconds"]?.doubleValue == 1.0)
        #expect(top["markers"]?.arrayValue?.first?.objectValue?["timeSeconds"]?.doubleValue == 1.5)
        #expect(top["meta"]?.objectValue?["rate"] == .object(["num": .integer(24), "den": .integer(1)]))
        #expect(top["durationSeconds"]?.doubleValue == 1.5)
    }

    @Test func viewJSONRoundTripsIntoANewProject() throws {
        let p = try Fixture.project()
        try p.apply([
            .addClip(AddClip(id: "c", track: "v1", asset: "vid", start: f(24), duration: f(12))),
            .setClip(SetClip(clip: "c", gain: 0.25, speed: 2)),
            .addMarker(AddMarker(id: "m", time: f(36), duration: f(2), label: "here", color: "blue")),
        ])
        let view = try p.view()
        let decoded = try JSONDecoder().decode(TimelineView.self, from: view.jsonData())
        #expect(decoded == view)
        let copy = ProjectDocument.create(from: decoded, clientID: 77)
        #expect(try copy.view() == view)
        #expect(TimelineDiff(from: p, to: copy).isEmpty)
    }
}
