import Foundation
@testable import JobKinds
import Testing
import Timeline

@Suite("Gap fill planning")
struct GapFillPlanTests {
    static let second = Flicks.perSecond

    /// V1: clip a [0, 2 s) from asset A at in 1 s, speed 1; gap [2 s, 5 s); clip b [5 s, 6 s) from asset B at in 3 s.
    /// A1 (audio) is empty; L1 is locked.
    static func view() throws -> TimelineView {
        let project = ProjectDocument.create(ProjectMeta(name: "Plan", rate: .fps25, width: 640, height: 360))
        let s = second
        let operations: [EditOperation] = [
            .addTrack(AddTrack(id: "v1", kind: .video, name: "V1")),
            .addTrack(AddTrack(id: "a1", kind: .audio, name: "A1")),
            .addTrack(AddTrack(id: "l1", kind: .video, name: "L1")),
            .addAsset(AddAsset(asset: AssetRecord(id: "A", kind: .video, uri: "sha256:aa", duration: Flicks(10 * s)))),
            .addAsset(AddAsset(asset: AssetRecord(id: "B", kind: .video, uri: "sha256:bb", duration: Flicks(10 * s)))),
            .addClip(AddClip(id: "a", track: "v1", asset: "A", start: .zero, duration: Flicks(2 * s), inPoint: Flicks(s))),
            .addClip(AddClip(id: "b", track: "v1", asset: "B", start: Flicks(5 * s), duration: Flicks(s), inPoint: Flicks(3 * s))),
            .updateTrack(UpdateTrack(track: "l1", locked: true)),
        ]
        _ = try project.apply(operations)
        return try project.view()
    }

    @Test("a time inside a gap plans the whole gap, its neighbours' frames and the project's format")
    func wholeGap() throws {
        let plan = try GapFillPlan(view: try Self.view(), track: "v1", time: Flicks(3 * Self.second), start: nil, end: nil)
        #expect(plan.start == Flicks(2 * Self.second) && plan.end == Flicks(5 * Self.second))
        #expect(plan.duration == Flicks(3 * Self.second))
        #expect(plan.trackKind == .video)
        #expect(plan.width == 640 && plan.height == 360 && plan.rate == .fps25)
        // The last frame shown before the gap: in (1 s) + 2 s − one frame; the first after it: B's in point.
        #expect(plan.before?.clip == "a" && plan.before?.uri == "sha256:aa")
        #expect(abs((plan.before?.mediaTime ?? 0) - (3 - 0.04)) < 1e-9)
        #expect(plan.after?.clip == "b" && plan.after?.mediaTime == 3)
    }

    @Test("a sub-range keeps only the neighbours it touches; the plan is still open until the gap changes")
    func subRangeAndStillOpen() throws {
        let view = try Self.view()
        let plan = try GapFillPlan(view: view, track: "v1", time: nil, start: Flicks(2 * Self.second), end: Flicks(3 * Self.second))
        #expect(plan.before?.clip == "a" && plan.after == nil)
        #expect(plan.isStillOpen(in: view))

        let project = ProjectDocument.create(from: view)
        _ = try project.apply([.moveClip(MoveClip(clip: "b", start: Flicks(6 * Self.second)))])
        #expect(!plan.isStillOpen(in: try project.view()), "the gap grew: it is not the planned one any more")
    }

    @Test("refusals: no gap there, open space without an end, a locked or missing track, an empty range")
    func refusals() throws {
        let view = try Self.view()
        func code(_ body: () throws(FillGapError) -> GapFillPlan) -> FillGapError.Code? {
            do { _ = try body(); return nil } catch { return error.code }
        }
        #expect(code { () throws(FillGapError) in try GapFillPlan(view: view, track: "v1", time: Flicks(Self.second), start: nil, end: nil) } == .noGap)
        #expect(code { () throws(FillGapError) in try GapFillPlan(view: view, track: "v1", time: Flicks(7 * Self.second), start: nil, end: nil) } == .unboundedGap)
        #expect(code { () throws(FillGapError) in try GapFillPlan(view: view, track: "l1", time: .zero, start: nil, end: nil) } == .trackLocked)
        #expect(code { () throws(FillGapError) in try GapFillPlan(view: view, track: "nope", time: .zero, start: nil, end: nil) } == .trackNotFound)
        #expect(code { () throws(FillGapError) in try GapFillPlan(view: view, track: "v1", time: nil, start: Flicks(3 * Self.second), end: Flicks(3 * Self.second)) } == .invalidRange)
        #expect(code { () throws(FillGapError) in try GapFillPlan(view: view, track: "v1", time: nil, start: Flicks(Self.second), end: Flicks(3 * Self.second)) } == .noGap)
        // Open space after the last clip is fine with an explicit end; an audio track plans as audio.
        let open = try GapFillPlan(view: view, track: "v1", time: nil, start: Flicks(6 * Self.second), end: Flicks(8 * Self.second))
        #expect(open.before?.clip == "b" && open.after == nil)
        #expect(try GapFillPlan(view: view, track: "a1", time: nil, start: .zero, end: Flicks(Self.second)).trackKind == .audio)
    }
}
