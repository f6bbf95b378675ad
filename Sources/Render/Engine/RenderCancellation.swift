import Synchronization

/// A cancel flag shared between the caller and a render's pull loop, which checks it between
/// frames. The async render APIs set it when their task is cancelled.
public final class RenderCancellation: Sendable {
    private let flag = Atomic<Bool>(false)

    /// Creates a flag that is not set.
    public init() {}

    /// Asks the render to stop; it ends with ``RenderError/Code/cancelled`` and removes its partial output.
    public func cancel() { flag.store(true, ordering: .relaxed) }

    /// True once ``cancel()`` was called.
    public var isCancelled: Bool { flag.load(ordering: .relaxed) }
}
