import Foundation

/// Runs blocking FFmpeg work on a dedicated thread, never on the Swift cooperative pool.
enum RenderThread {
    /// Runs `body` on a new thread named `name` and resumes with its result, setting
    /// `cancellation` when the calling task is cancelled.
    static func run<T: Sendable>(
        name: String,
        cancellation: RenderCancellation = RenderCancellation(),
        _ body: @escaping @Sendable () -> Result<T, RenderError>
    ) async -> Result<T, RenderError> {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<T, RenderError>, Never>) in
                let thread = Thread { continuation.resume(returning: body()) }
                thread.name = name
                thread.stackSize = 8 << 20
                thread.start()
            }
        } onCancel: {
            cancellation.cancel()
        }
    }
}
