/// How provider HTTP calls time out and retry; shared by every HTTP provider.
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts per call, the first included; 5xx, connection failures and short `Retry-After`s are retried.
    public var maxAttempts: Int
    /// The wait after the first failed attempt; it doubles per attempt (with jitter) up to ``maxBackoff``.
    public var initialBackoff: Duration
    /// The longest wait between attempts.
    public var maxBackoff: Duration
    /// The deadline of one API request, body included.
    public var requestTimeout: Duration
    /// The deadline of one output download, body included.
    public var downloadTimeout: Duration
    /// A 429 whose `Retry-After` is at most this long is waited out and retried in place; a longer one
    /// fails at once with `RATE_LIMITED` and its `retryAfter`, so the job queue can schedule the retry.
    public var maxRetryAfterWait: Duration

    /// Creates a policy; the defaults suit the real APIs.
    public init(
        maxAttempts: Int = 4,
        initialBackoff: Duration = .milliseconds(500),
        maxBackoff: Duration = .seconds(30),
        requestTimeout: Duration = .seconds(60),
        downloadTimeout: Duration = .seconds(1800),
        maxRetryAfterWait: Duration = .seconds(60)
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.requestTimeout = requestTimeout
        self.downloadTimeout = downloadTimeout
        self.maxRetryAfterWait = maxRetryAfterWait
    }

    /// The wait before attempt `attempt + 1`: exponential, capped, with up to 50 % jitter taken off.
    func backoff(afterAttempt attempt: Int) -> Duration {
        let exponent = min(max(attempt - 1, 0), 30)
        let uncapped = initialBackoff * (1 << exponent)
        let capped = min(uncapped, maxBackoff)
        return capped * Double.random(in: 0.5...1.0)
    }
}
