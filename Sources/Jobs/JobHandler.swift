import Timeline

/// Runs the jobs of one kind.
///
/// A handler is called once per attempt. It reports steps and progress through the context, checks for
/// cancellation (its task is also cancelled when the job is cancelled or times out), saves provider state
/// before waiting on a remote provider (so a later attempt resumes), and lands its output with
/// ``JobContext/land(_:)`` (at most once per job, however often it runs). It returns the job's result.
public protocol JobHandler: Sendable {
    /// The kind of job it runs, e.g. `fill.gap`.
    var kind: String { get }
    /// How long one attempt may run before it is stopped with `TIMEOUT` (a job's own timeout overrides it).
    var timeout: Duration { get }
    /// How many jobs of this kind one worker pool runs at once (nil: as many as the pool has slots).
    var maxConcurrency: Int? { get }
    /// Runs one attempt; throws ``JobError`` (or any error, recorded as `JOB_FAILED`, retryable).
    func run(_ context: JobContext) async throws -> JSONValue
}

extension JobHandler {
    /// Ten minutes.
    public var timeout: Duration { .seconds(600) }
    /// No limit beyond the pool's slots.
    public var maxConcurrency: Int? { nil }
}
