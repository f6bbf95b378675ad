import Foundation
import Jobs
import Providers
import Render
import Storage
import Timeline

/// The steps every generation kind shares: `generate` with a provider, optionally `conform` the result,
/// `store` it as the job's asset, `land` it in the project (with any further operations), and the result.
struct GenerationPipeline {
    let environment: JobKindEnvironment
    let context: JobContext

    /// Turns the provider's file into the file to keep (e.g. conformed to the project); nil keeps it as is.
    typealias Conform = @Sendable (_ output: GeneratedOutput, _ scratch: URL) async throws -> (path: String, mediaType: String)

    func run(
        _ request: GenerationRequest,
        providerID: String?,
        name: String,
        assetKind: AssetKind? = nil,
        conform: Conform? = nil,
        landing: @Sendable (MediaIngest.Ingested) async throws -> LandingPlan = { LandingPlan(operations: [.addAsset(AddAsset(asset: $0.record))]) },
        extraResult: JSONObject = [:]
    ) async throws -> JSONValue {
        let job = context.job
        let provider = try environment.provider(named: providerID, for: request.kind)
        let scratch = try environment.makeScratch(for: job)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let output = try await context.step("generate") {
            try await ProviderRun.generate(request, with: provider, context: context, scratch: scratch, share: 0...0.7)
        }
        var file = (path: output.file.path, mediaType: output.mediaType)
        if let conform {
            file = try await context.step("conform") { try await conform(output, scratch) }
        }
        try await context.progress(0.85)
        let stored = try await context.step("store") {
            try await OutputStore(environment: environment).store(
                file.path, for: job, name: name, mediaType: file.mediaType, kind: assetKind,
                origin: ["provider": .string(provider.id), "ai": .bool(provider.isAI), "generated": .bool(true)]
            )
        }
        let plan = try await landing(stored)
        let outcome = try await context.step("land") {
            try await context.land(
                LandingRequest(
                    operations: plan.operations.map(\.landingJSON), fallbackOperations: plan.fallback.map(\.landingJSON), authorID: job.createdBy
                )
            )
        }
        try await context.progress(1)
        var result: JSONObject = [
            "asset": .string(stored.assetID),
            "blob": .string(stored.blob.key.description),
            "provider": .string(provider.id),
            "providerName": .string(provider.displayName),
            "ai": .bool(provider.isAI),
            "landed": .string(outcome.usedFallback ? "asset-only" : outcome.status.rawValue),
        ]
        if let id = output.providerJobID { result["providerJob"] = .string(id) }
        if let message = plan.note ?? outcome.message { result["message"] = .string(message) }
        if plan.note != nil { result["landed"] = .string("asset-only") }
        result.merge(extraResult) { _, new in new }
        return .object(result)
    }

    /// The project's settings as they are now.
    func projectMeta() async throws -> ProjectMeta {
        guard let projectID = context.job.projectID else { throw JobError(.invalidParams, "the job has no project") }
        return try await environment.timelines.currentView(of: projectID).meta
    }
}

/// What a job lands: its operations, what to apply instead when they are refused, and a note for the result
/// when the job already knows the main operations cannot apply.
struct LandingPlan: Sendable {
    var operations: [EditOperation]
    var fallback: [EditOperation] = []
    var note: String? = nil
}

/// Parses `WIDTHxHEIGHT` (16…4096 each).
func parseSize(_ text: String?) throws(JobError) -> (width: Int, height: Int)? {
    guard let text else { return nil }
    let parts = text.lowercased().split(separator: "x").compactMap { Int($0) }
    guard parts.count == 2, (16...4096).contains(parts[0]), (16...4096).contains(parts[1]) else {
        throw JobError(.invalidParams, "size must be WIDTHxHEIGHT, each 16–4096, e.g. 1024x1024")
    }
    return (parts[0], parts[1])
}
