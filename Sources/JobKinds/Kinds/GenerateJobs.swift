import Foundation
import Jobs
import Providers
import Render
import Storage
import Timeline

/// `generate.image {prompt, size?, provider?}`: an image asset, at the project's frame size unless `size` says otherwise.
struct GenerateImageJob: JobHandler {
    let environment: JobKindEnvironment
    var kind: String { "generate.image" }
    var timeout: Duration { .seconds(300) }

    struct Params: Decodable {
        let prompt: String
        let size: String?
        let provider: String?
    }

    func run(_ context: JobContext) async throws -> JSONValue {
        let params = try context.params(as: Params.self)
        // The project's frame size unless the job asks for another.
        var size = try parseSize(params.size)
        if size == nil, let projectID = context.job.projectID {
            let meta = try await environment.timelines.currentView(of: projectID).meta
            size = (Int(meta.width), Int(meta.height))
        }
        let request = GenerationRequest(kind: .image, prompt: params.prompt, width: size?.width, height: size?.height)
        return try await GenerationPipeline(environment: environment, context: context)
            .run(request, providerID: params.provider, name: "Image: \(params.prompt.prefix(60))")
    }
}

/// `generate.voice {text, voice?, provider?}`: an audio asset.
struct GenerateVoiceJob: JobHandler {
    let environment: JobKindEnvironment
    var kind: String { "generate.voice" }
    var timeout: Duration { .seconds(300) }

    struct Params: Decodable {
        let text: String
        let voice: String?
        let provider: String?
    }

    func run(_ context: JobContext) async throws -> JSONValue {
        let params = try context.params(as: Params.self)
        let request = GenerationRequest(kind: .speech, text: params.text, voice: params.voice)
        return try await GenerationPipeline(environment: environment, context: context)
            .run(request, providerID: params.provider, name: "Voice: \(params.text.prefix(60))")
    }
}

/// `generate.video {prompt, duration, firstFrame?, lastFrame?, provider?}`: a video asset conformed to the
/// project's size and rate and to exactly `duration` (flicks, or `durationSeconds`). `firstFrame` and
/// `lastFrame` name assets whose frame (at `firstFrameTime` / `lastFrameTime` seconds, default 0) guides it.
struct GenerateVideoJob: JobHandler {
    let environment: JobKindEnvironment
    var kind: String { "generate.video" }
    var timeout: Duration { .seconds(1800) }

    struct Params: Decodable {
        let prompt: String?
        let duration: Int64?
        let durationSeconds: Double?
        let firstFrame: String?
        let lastFrame: String?
        let firstFrameTime: Double?
        let lastFrameTime: Double?
        let provider: String?
    }

    func run(_ context: JobContext) async throws -> JSONValue {
        let params = try context.params(as: Params.self)
        let duration = try Self.duration(params)
        guard let projectID = context.job.projectID else { throw JobError(.invalidParams, "the job has no project") }
        let view = try await environment.timelines.currentView(of: projectID)
        let meta = view.meta
        let scratch = try environment.makeScratch(for: context.job)
        defer { try? FileManager.default.removeItem(at: scratch) }
        func frame(_ assetID: String?, at time: Double?, name: String) async throws -> String? {
            guard let assetID else { return nil }
            guard let asset = view.assets.first(where: { $0.id == assetID }), let path = OutputStore.path(of: asset, in: environment.blobs) else {
                throw JobError(.invalidParams, "\(name): no asset \(assetID) with stored media in this project")
            }
            let output = scratch.appendingPathComponent("\(name).png").path
            try await FrameGrab.write(from: path, at: time ?? 0, to: output)
            return output
        }
        let first = try await frame(params.firstFrame, at: params.firstFrameTime, name: "first-frame")
        let last = try await frame(params.lastFrame, at: params.lastFrameTime, name: "last-frame")
        let request = GenerationRequest(
            kind: .video, prompt: params.prompt, durationSeconds: duration.seconds, width: Int(meta.width), height: Int(meta.height),
            fps: meta.rate.doubleValue, firstFramePath: first, lastFramePath: last
        )
        return try await GenerationPipeline(environment: environment, context: context).run(
            request, providerID: params.provider, name: "Video: \((params.prompt ?? "bridge").prefix(60))",
            conform: Conform.toProject(meta, duration: duration)
        )
    }

    static func duration(_ params: Params) throws(JobError) -> Flicks {
        let flicks = params.duration ?? params.durationSeconds.map { Int64(($0 * Double(Flicks.perSecond)).rounded()) }
        guard let flicks, flicks > 0, flicks <= 600 * Flicks.perSecond else {
            throw JobError(.invalidParams, "duration (flicks) or durationSeconds is required, more than 0 and at most 600 s")
        }
        return Flicks(flicks)
    }
}

/// `generate.script {prompt, provider?}`: a text asset, and one marker per scene spread over the timeline.
struct GenerateScriptJob: JobHandler {
    let environment: JobKindEnvironment
    var kind: String { "generate.script" }
    var timeout: Duration { .seconds(300) }

    struct Params: Decodable {
        let prompt: String
        let provider: String?
    }

    func run(_ context: JobContext) async throws -> JSONValue {
        let params = try context.params(as: Params.self)
        guard let projectID = context.job.projectID else { throw JobError(.invalidParams, "the job has no project") }
        let timelineLength = try await environment.timelines.currentView(of: projectID).duration
        let scenes = LocalScriptProvider.scenes(for: params.prompt)
        let jobID = context.job.id.uuidString.lowercased()
        // Scenes share the timeline evenly; an empty timeline gets one every five seconds.
        let spacing = timelineLength.value > 0 ? timelineLength.value / Int64(scenes.count) : 5 * Flicks.perSecond
        let markers: [EditOperation] = scenes.enumerated().map { index, scene in
            .addMarker(AddMarker(id: "\(jobID)-scene-\(index + 1)", time: Flicks(spacing * Int64(index)), label: "Scene \(index + 1): \(scene)", color: "purple"))
        }
        return try await GenerationPipeline(environment: environment, context: context).run(
            GenerationRequest(kind: .script, prompt: params.prompt), providerID: params.provider, name: "Script: \(params.prompt.prefix(60))",
            assetKind: .text,
            landing: { stored in
                LandingPlan(operations: [.addAsset(AddAsset(asset: stored.record))] + markers, fallback: [.addAsset(AddAsset(asset: stored.record))])
            },
            extraResult: ["markers": .integer(Int64(markers.count))]
        )
    }
}

/// Conforming generated media to the project.
enum Conform {
    /// Exactly `duration` at the project's size and rate, with 48 kHz stereo sound.
    static func toProject(_ meta: ProjectMeta, duration: Flicks) -> GenerationPipeline.Conform {
        { output, scratch in
            let path = scratch.appendingPathComponent("conformed-\(UUID().uuidString).mp4").path
            try await MediaGenerator.conform(
                input: output.file.path, to: path, duration: duration, width: Int(meta.width), height: Int(meta.height), rate: meta.rate
            )
            return (path, "video/mp4")
        }
    }
}
