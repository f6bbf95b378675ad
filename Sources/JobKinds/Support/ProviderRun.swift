import Foundation
import Jobs
import Providers
import Render
import Storage

/// Runs a provider inside a job: its resumable state is kept in the job (saved before any polling, so a
/// later attempt resumes the same provider job instead of paying again), its progress is reported within
/// `share` of the job's progress, and a state the provider says is over is dropped.
enum ProviderRun {
    /// What the job stores as provider state.
    struct Saved: Codable {
        var state: ProviderState?
    }

    static func generate(
        _ request: GenerationRequest, with provider: any GenerationProvider, context: JobContext, scratch: URL, share: ClosedRange<Double>
    ) async throws -> GeneratedOutput {
        let saved = try await context.providerState(as: Saved.self)?.state
        let resumable = saved?.providerID == provider.id ? saved : nil
        let generation = GenerationContext(
            temporaryDirectory: scratch,
            savedState: resumable,
            logger: context.logger,
            progress: { progress in
                if case .fraction(let fraction) = progress {
                    try? await context.progress(share.lowerBound + (share.upperBound - share.lowerBound) * fraction)
                }
            },
            save: { state in try await context.saveProviderState(Saved(state: state)) }
        )
        do {
            return try await provider.generate(request, context: generation)
        } catch {
            if error.discardsState { try? await context.saveProviderState(Saved(state: nil)) }
            throw error
        }
    }
}

/// Forwards render progress (reported on the render thread) into the job's progress within `share`.
enum RenderProgressRelay {
    static func run<T: Sendable>(
        context: JobContext, share: ClosedRange<Double>, _ body: @escaping @Sendable (_ progress: @escaping RenderProgressHandler) async throws -> T
    ) async throws -> T {
        let (stream, continuation) = AsyncStream.makeStream(of: Double.self, bufferingPolicy: .bufferingNewest(1))
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                for await fraction in stream { try? await context.progress(share.lowerBound + (share.upperBound - share.lowerBound) * fraction) }
                return nil
            }
            group.addTask {
                defer { continuation.finish() }
                return try await body { progress in
                    if let fraction = progress.fraction { continuation.yield(fraction) }
                }
            }
            var result: T?
            for try await value in group { if let value { result = value } }
            guard let result else { throw JobError(.jobFailed, "the render produced nothing") }
            return result
        }
    }
}
