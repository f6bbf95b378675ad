import Jobs
import Providers
import Render

extension ProviderError: JobErrorConvertible {
    /// The provider's code, its message, and whether a retry may help.
    public var jobError: JobError { JobError(JobError.Code(code.rawValue), message, retryable: isRetryable) }
}

extension RenderError: JobErrorConvertible {
    /// The render's code (naming the clip when a source is missing); only output failures are retried.
    public var jobError: JobError {
        var text = message
        if let clip, !text.contains(clip) { text += " (clip \(clip))" }
        return JobError(JobError.Code(code.rawValue), text, retryable: code == .outputFailed)
    }
}

extension FillGapError: JobErrorConvertible {
    public var jobError: JobError { JobError(JobError.Code(code.rawValue), message) }
}
