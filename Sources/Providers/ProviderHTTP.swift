import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// The one place where providers talk HTTP: deadlines, retries with backoff, `Retry-After`, and the mapping
/// of HTTP failures to ``ProviderError`` codes. Logs method, host, path and status only (never headers, bodies
/// or query strings, which may carry secrets or signed URLs), and scrubs secrets from provider error text.
struct ProviderHTTP: Sendable {
    /// What a request is for, which decides how statuses map to errors.
    enum Purpose: Sendable {
        /// A provider API call: 401/403 are `UNAUTHORIZED`, other 4xx `INVALID_REQUEST`.
        case api
        /// An output download: 403/404/410 are `OUTPUT_EXPIRED`.
        case output
    }

    /// A fully received API response.
    struct Response: Sendable {
        var status: HTTPResponseStatus
        var headers: HTTPHeaders
        var body: ByteBuffer
    }

    let client: HTTPClient
    let providerID: String
    let policy: RetryPolicy
    /// Values that must never appear in errors or logs (API keys).
    let secrets: [String]
    /// The largest JSON body accepted from an API.
    var maxResponseBytes = 512 << 20

    init(client: HTTPClient, providerID: String, policy: RetryPolicy, secrets: [String]) {
        self.client = client
        self.providerID = providerID
        self.policy = policy
        self.secrets = secrets.filter { !$0.isEmpty }
    }

    /// Sends an API request (with retries) and collects the body of its 2xx answer.
    func send(
        _ what: String,
        logger: Logger,
        makeRequest: () throws(ProviderError) -> HTTPClientRequest
    ) async throws(ProviderError) -> Response {
        try await perform(what, purpose: .api, timeout: policy.requestTimeout, logger: logger, makeRequest: makeRequest) {
            response in
            let body = try await response.body.collect(upTo: maxResponseBytes)
            return Response(status: response.status, headers: response.headers, body: body)
        }
    }

    /// Runs `makeRequest` until it gets a 2xx answer, which `handle` consumes, or fails with a ``ProviderError``.
    ///
    /// - 429: waits `Retry-After` (or the backoff) when that is short and attempts remain, else `RATE_LIMITED`.
    /// - 5xx, 408, connection failures, timeouts and bodies cut short: backoff and retry, then `PROVIDER_UNAVAILABLE`.
    /// - Other statuses: see ``Purpose``. Task cancellation: `CANCELLED`.
    func perform<Result: Sendable>(
        _ what: String,
        purpose: Purpose,
        timeout: Duration,
        logger: Logger,
        makeRequest: () throws(ProviderError) -> HTTPClientRequest,
        handle: (HTTPClientResponse) async throws -> Result
    ) async throws(ProviderError) -> Result {
        var attempt = 0
        while true {
            attempt += 1
            try checkCancellation()
            let outcome = try await attemptOnce(
                what, attempt: attempt, purpose: purpose, timeout: timeout, logger: logger, makeRequest: makeRequest, handle: handle)
            guard case .retry(let failure, let wait) = outcome else {
                if case .done(let result) = outcome { return result }
                continue
            }
            guard attempt < policy.maxAttempts else { throw failure }
            logger.warning(
                "provider call failed, retrying",
                metadata: [
                    "provider": "\(providerID)", "call": "\(what)", "code": "\(failure.code)", "attempt": "\(attempt)",
                    "wait_ms": "\(wait.components.seconds * 1000 + wait.components.attoseconds / 1_000_000_000_000_000)",
                ]
            )
            try await sleep(wait, what)
        }
    }

    private enum Outcome<Result> {
        case done(Result)
        case retry(ProviderError, after: Duration)
    }

    /// One attempt: the result, a transient failure to retry after a wait, or a final error (thrown).
    private func attemptOnce<Result: Sendable>(
        _ what: String,
        attempt: Int,
        purpose: Purpose,
        timeout: Duration,
        logger: Logger,
        makeRequest: () throws(ProviderError) -> HTTPClientRequest,
        handle: (HTTPClientResponse) async throws -> Result
    ) async throws(ProviderError) -> Outcome<Result> {
        let request = try makeRequest()
        do {
            let response = try await client.execute(request, timeout: .init(timeout))
            logger.debug(
                "provider request",
                metadata: [
                    "provider": "\(providerID)", "call": "\(what)", "method": "\(request.method.rawValue)",
                    "target": "\(Self.redactedTarget(request.url))", "status": "\(response.status.code)", "attempt": "\(attempt)",
                ]
            )
            switch response.status.code {
            case 200..<300:
                return .done(try await handle(response))
            case 429:
                let retryAfter = Self.retryAfter(response.headers)
                _ = try? await response.body.collect(upTo: 1 << 20)
                let wait = retryAfter ?? policy.backoff(afterAttempt: attempt)
                let failure = ProviderError(
                    .rateLimited, "\(what): the provider is rate limiting us (429)", providerID: providerID, retryAfter: wait,
                    httpStatus: 429)
                if let retryAfter, retryAfter > policy.maxRetryAfterWait { throw failure }
                return .retry(failure, after: wait)
            case 408, 500..<600:
                let text = await errorText(response)
                let failure = ProviderError(
                    .providerUnavailable,
                    "\(what): HTTP \(response.status.code) after \(attempt) attempt(s)\(text.isEmpty ? "" : ": \(text)")",
                    providerID: providerID, httpStatus: Int(response.status.code))
                return .retry(failure, after: policy.backoff(afterAttempt: attempt))
            default:
                throw await finalError(response, purpose: purpose, what: what)
            }
        } catch let error as ProviderError {
            throw error
        } catch {
            if Task.isCancelled { throw cancelled(what) }
            if error is NIOTooManyBytesError {
                throw ProviderError(.badResponse, "\(what): the response is too large", providerID: providerID)
            }
            let failure = ProviderError(
                .providerUnavailable, "\(what): \(Self.describeTransport(error)) after \(attempt) attempt(s)", providerID: providerID)
            return .retry(failure, after: policy.backoff(afterAttempt: attempt))
        }
    }

    /// Sleeps, turning task cancellation into `CANCELLED`.
    func sleep(_ duration: Duration, _ what: String) async throws(ProviderError) {
        do {
            try await Task.sleep(for: duration)
        } catch {
            throw cancelled(what)
        }
    }

    func checkCancellation() throws(ProviderError) {
        if Task.isCancelled { throw cancelled("the request") }
    }

    func cancelled(_ what: String) -> ProviderError {
        ProviderError(.cancelled, "\(what) was cancelled", providerID: providerID)
    }

    /// Replaces every configured secret in `text`.
    func scrub(_ text: String) -> String {
        secrets.reduce(text) { $0.replacingOccurrences(of: $1, with: "[redacted]") }
    }

    private func finalError(_ response: HTTPClientResponse, purpose: Purpose, what: String) async -> ProviderError {
        let status = response.status.code
        let text = await errorText(response)
        let detail = text.isEmpty ? "" : ": \(text)"
        switch (purpose, status) {
        case (.output, 403), (.output, 404), (.output, 410):
            return ProviderError(
                .outputExpired, "\(what): the output is gone (HTTP \(status))", providerID: providerID, httpStatus: Int(status),
                discardsState: true)
        case (.api, 401), (.api, 403):
            return ProviderError(.unauthorized, "\(what): the provider refused our credentials (HTTP \(status))\(detail)", providerID: providerID,
                httpStatus: Int(status))
        case (.api, 400..<500):
            return ProviderError(.invalidRequest, "\(what): the provider rejected the request (HTTP \(status))\(detail)", providerID: providerID,
                httpStatus: Int(status))
        default:
            return ProviderError(.badResponse, "\(what): unexpected HTTP \(status)\(detail)", providerID: providerID,
                httpStatus: Int(status))
        }
    }

    /// The provider's error message from a failed response, short and scrubbed.
    private func errorText(_ response: HTTPClientResponse) async -> String {
        guard let body = try? await response.body.collect(upTo: 64 << 10) else { return "" }
        let data = Data(body.readableBytesView)
        var text = String(decoding: data, as: UTF8.self)
        if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
            if let error = object["error"] as? [String: Any], let message = error["message"] as? String {
                text = message
            } else if let message = (object["detail"] ?? object["error"] ?? object["title"]) as? String {
                text = message
            }
        }
        text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.count > 500 { text = String(text.prefix(500)) + "…" }
        return scrub(text)
    }

    /// `Retry-After` as seconds or an HTTP date.
    static func retryAfter(_ headers: HTTPHeaders) -> Duration? {
        guard let value = headers.first(name: "Retry-After")?.trimmingCharacters(in: .whitespaces) else { return nil }
        if let seconds = Double(value), seconds >= 0 { return .milliseconds(Int64(seconds * 1000)) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: value) else { return nil }
        return .milliseconds(Int64(max(0, date.timeIntervalSinceNow) * 1000))
    }

    /// Scheme, host and path of a URL: no user info or query, which may carry tokens or signatures.
    static func redactedTarget(_ url: String) -> String {
        if url.hasPrefix("data:") { return "data:…" }
        guard let components = URLComponents(string: url) else { return "(invalid URL)" }
        return "\(components.scheme ?? "")://\(components.host ?? "")\(components.port.map { ":\($0)" } ?? "")\(components.path)"
    }

    private static func describeTransport(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout: return "the request timed out"
            case .remoteConnectionClosed: return "the connection was closed"
            default: return "the request failed (\(error))"
            }
        }
        return "the connection failed (\(type(of: error)))"
    }
}
