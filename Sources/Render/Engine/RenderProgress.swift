import Timeline

/// How far a render got, by output time.
public struct RenderProgress: Sendable, Hashable, Codable {
    /// Output time written so far.
    public var outputTime: Flicks
    /// The expected output length, if known.
    public var totalTime: Flicks?
    /// Video frames encoded so far.
    public var frames: Int

    /// Creates a progress report.
    public init(outputTime: Flicks, totalTime: Flicks? = nil, frames: Int = 0) {
        self.outputTime = outputTime
        self.totalTime = totalTime
        self.frames = frames
    }

    /// Output time in seconds.
    public var outputSeconds: Double { outputTime.seconds }

    /// The share done, 0…1, if the total is known.
    public var fraction: Double? {
        guard let totalTime, totalTime.value > 0 else { return nil }
        return min(1, max(0, Double(outputTime.value) / Double(totalTime.value)))
    }
}

/// Receives progress on the render thread; keep it quick (hand the value to an actor or a stream).
public typealias RenderProgressHandler = @Sendable (RenderProgress) -> Void
