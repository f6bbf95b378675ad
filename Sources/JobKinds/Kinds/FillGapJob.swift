import Foundation
import Jobs
import Providers
import Render
import Storage
import Timeline

/// `fill.gap {track, time | start+end, prompt?, provider?}`: makes media that fits a gap on a track exactly
/// and places it there, marked as generated.
///
/// Steps: `plan` (the gap's exact range, its track's kind, the neighbouring clips and their frames, the
/// project's size and rate), `generate`, `conform` (exactly the gap's duration, size, rate, 48 kHz stereo),
/// `store`, `land`. If the gap was changed or filled while the job ran, nothing is placed: the asset is kept
/// and the result says why. Times are flicks (`time`, `start`, `end`) or seconds (`timeSeconds`, …).
struct FillGapJob: JobHandler {
    let environment: JobKindEnvironment
    var kind: String { "fill.gap" }
    var timeout: Duration { .seconds(1800) }

    struct Params: Decodable {
        let track: String
        let time: Int64?
        let start: Int64?
        let end: Int64?
        let timeSeconds: Double?
        let startSeconds: Double?
        let endSeconds: Double?
        let prompt: String?
        let provider: String?

        func flicks(_ value: Int64?, _ seconds: Double?) -> Flicks? {
            value.map { Flicks($0) } ?? seconds.map { Flicks(Int64(($0 * Double(Flicks.perSecond)).rounded())) }
        }
    }

    func run(_ context: JobContext) async throws -> JSONValue {
        let params = try context.params(as: Params.self)
        guard let projectID = context.job.projectID else { throw JobError(.invalidParams, "the job has no project") }
        let jobID = context.job.id.uuidString.lowercased()
        let scratch = try environment.makeScratch(for: context.job)
        defer { try? FileManager.default.removeItem(at: scratch) }

        let plan = try await context.step("plan") {
            let view = try await environment.timelines.currentView(of: projectID)
            return try GapFillPlan(
                view: view, track: params.track, time: params.flicks(params.time, params.timeSeconds),
                start: params.flicks(params.start, params.startSeconds), end: params.flicks(params.end, params.endSeconds)
            )
        }
        let neighbours = try await context.step("frames") { try await frames(of: plan, view: environment.timelines.currentView(of: projectID), scratch: scratch) }
        let video = plan.trackKind == .video
        guard video || params.prompt != nil else {
            throw JobError(.invalidParams, "an audio gap is filled with speech: give the words as `prompt`")
        }
        let request = GenerationRequest(
            kind: video ? .video : .speech,
            prompt: params.prompt ?? "Continue the shot seamlessly",
            durationSeconds: plan.duration.seconds, width: Int(plan.width), height: Int(plan.height), fps: plan.rate.doubleValue,
            firstFramePath: neighbours.before, lastFramePath: neighbours.after
        )
        let clipID = "\(jobID)-fill"
        return try await GenerationPipeline(environment: environment, context: context).run(
            video ? request : GenerationRequest(kind: .speech, text: params.prompt),
            providerID: params.provider,
            name: "Gap fill \(plan.start.seconds.formatted(.number.precision(.fractionLength(2)))) s",
            conform: video ? Conform.toProject(meta(plan), duration: plan.duration) : Conform.toAudio(duration: plan.duration),
            landing: { stored in
                let asset = AddAsset(asset: stored.record)
                let clip = AddClip(id: clipID, track: plan.track, asset: stored.assetID, start: plan.start, duration: plan.duration, name: "Generated fill")
                // The timeline may have moved on while the media was made: place nothing then, keep the asset.
                let now = try await environment.timelines.currentView(of: projectID)
                guard plan.isStillOpen(in: now) else {
                    return LandingPlan(operations: [.addAsset(asset)], note: "the gap was changed or filled while the job ran: the asset was added, no clip placed")
                }
                return LandingPlan(operations: [.addAsset(asset), .addClip(clip)], fallback: [.addAsset(asset)])
            },
            extraResult: [
                "clip": .string(clipID), "track": .string(plan.track), "start": .integer(plan.start.value), "end": .integer(plan.end.value),
            ]
        )
    }

    /// PNG frames of the clips either side of the gap (video tracks).
    private func frames(of plan: GapFillPlan, view: TimelineView, scratch: URL) async throws -> (before: String?, after: String?) {
        guard plan.trackKind == .video else { return (nil, nil) }
        func grab(_ neighbour: GapFillPlan.Neighbour?, _ name: String) async throws -> String? {
            guard let neighbour, let asset = view.assets.first(where: { $0.id == neighbour.asset }),
                let path = OutputStore.path(of: asset, in: environment.blobs)
            else { return nil }
            let output = scratch.appendingPathComponent("\(name).png").path
            try await FrameGrab.write(from: path, at: neighbour.mediaTime, to: output)
            return output
        }
        return (try await grab(plan.before, "before"), try await grab(plan.after, "after"))
    }

    private func meta(_ plan: GapFillPlan) -> ProjectMeta {
        ProjectMeta(name: "", rate: plan.rate, width: plan.width, height: plan.height, sampleRate: plan.sampleRate)
    }
}

extension Conform {
    /// Sound exactly `duration` long, 48 kHz stereo AAC.
    static func toAudio(duration: Flicks) -> GenerationPipeline.Conform {
        { output, scratch in
            let path = scratch.appendingPathComponent("conformed-\(UUID().uuidString).m4a").path
            let samples = duration.samples(at: 48_000, rounding: .nearest)
            let graph = "amovie=filename=\(FilterSyntax.escape(output.file.path)),\(FilterSyntax.conformAudio()),\(FilterSyntax.exactSamples(samples))[aout]"
            try await GraphEncoder.encode(graph: graph, to: path, expectedDuration: duration)
            return (path, "audio/mp4")
        }
    }
}
