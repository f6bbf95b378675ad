import Foundation
import Jobs
import Render
import Storage
import Timeline

/// `render {version, preset?}`: renders a pinned version of the project (the API pins the version current
/// at request time when none is given) to MP4 in-process, keeps the file in the blob store and adds it to
/// the project as an asset whose origin names the job and the version.
struct RenderJob: JobHandler {
    let environment: JobKindEnvironment
    var kind: String { "render" }
    var timeout: Duration { .seconds(3600) }
    /// Renders use both cores; one at a time per worker process.
    var maxConcurrency: Int? { 1 }

    struct Params: Decodable {
        let version: UUID
        let preset: String?
    }

    func run(_ context: JobContext) async throws -> JSONValue {
        let params = try context.params(as: Params.self)
        guard let projectID = context.job.projectID else { throw JobError(.invalidParams, "the job has no project") }
        guard let preset = RenderPreset.named(params.preset ?? "final") else {
            throw JobError(.invalidParams, "preset must be one of \(RenderPreset.all.map(\.name).joined(separator: ", "))")
        }
        let view = try await context.step("load") {
            guard let view = try await environment.timelines.view(of: projectID, version: params.version) else {
                throw JobError(.versionNotFound, "the project has no version \(params.version.uuidString.lowercased())")
            }
            return view
        }
        let scratch = try environment.makeScratch(for: context.job)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let output = scratch.appendingPathComponent("render.mp4").path
        let assets = Dictionary(view.assets.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let blobs = environment.blobs
        let renderer = TimelineRenderer { assetID in assets[assetID].flatMap { OutputStore.path(of: $0, in: blobs) } }
        let summary = try await context.step("render") {
            try await RenderProgressRelay.run(context: context, share: 0...0.9) { progress in
                try await renderer.render(view, to: output, preset: preset, progress: progress)
            }
        }
        let versionID = params.version.uuidString.lowercased()
        return try await GenerationPipelineStore(environment: environment, context: context).keep(
            output, name: "Render (\(preset.name)) of \(view.meta.name)", mediaType: "video/mp4",
            origin: ["version": .string(versionID), "preset": .string(preset.name)],
            result: [
                "version": .string(versionID), "preset": .string(preset.name), "width": .integer(Int64(summary.width)),
                "height": .integer(Int64(summary.height)), "frames": .integer(Int64(summary.frames)), "duration": .integer(summary.duration.value),
            ]
        )
    }
}

/// The `store` and `land` steps for a file the job made itself (no provider).
struct GenerationPipelineStore {
    let environment: JobKindEnvironment
    let context: JobContext

    func keep(_ path: String, name: String, mediaType: String, origin: JSONObject, result extra: JSONObject) async throws -> JSONValue {
        let job = context.job
        let stored = try await context.step("store") {
            try await OutputStore(environment: environment).store(path, for: job, name: name, mediaType: mediaType, origin: origin)
        }
        let outcome = try await context.step("land") {
            try await context.land(LandingRequest(operations: [EditOperation.addAsset(AddAsset(asset: stored.record)).landingJSON], authorID: job.createdBy))
        }
        try await context.progress(1)
        var result: JSONObject = ["asset": .string(stored.assetID), "blob": .string(stored.blob.key.description), "landed": .string(outcome.status.rawValue)]
        result.merge(extra) { _, new in new }
        return .object(result)
    }
}
