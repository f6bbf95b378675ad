import Foundation
import Synchronization

/// Remembers the `webhook-id`s seen recently so a redelivered webhook is recognised.
///
/// Ids are kept twice the verifier's tolerance: an older redelivery already fails the timestamp check.
/// In-memory and per process; a durable record (if ever needed) belongs to the caller.
public final class WebhookReplayGuard: Sendable {
    private let seen = Mutex<[String: Date]>([:])
    private let retention: TimeInterval
    private let maxEntries: Int

    /// Creates a guard keeping ids for `retention` (default 10 minutes), at most `maxEntries` of them.
    public init(retention: Duration = .seconds(600), maxEntries: Int = 100_000) {
        self.retention = TimeInterval(retention.components.seconds)
        self.maxEntries = maxEntries
    }

    /// True the first time `id` is seen, false for a duplicate.
    public func firstDelivery(of id: String, now: Date = Date()) -> Bool {
        seen.withLock { seen in
            if seen.count >= maxEntries {
                seen = seen.filter { now.timeIntervalSince($0.value) < retention }
                if seen.count >= maxEntries, let oldest = seen.min(by: { $0.value < $1.value }) { seen[oldest.key] = nil }
            }
            if seen[id] != nil { return false }
            seen[id] = now
            return true
        }
    }
}

/// The fields of Replicate's webhook body (the prediction object) that a receiver needs.
public struct ReplicateWebhookPayload: Sendable, Hashable, Decodable {
    /// The prediction id.
    public var id: String
    /// Its status: `starting`, `processing`, `succeeded`, `failed` or `canceled`.
    public var status: String
}

/// What a received webhook amounts to.
public enum WebhookReceipt: Sendable, Hashable {
    /// A first delivery: the waiting provider was woken.
    case accepted(webhookID: String, predictionID: String, status: String)
    /// A redelivery of a webhook already accepted: answer 2xx and do nothing.
    case duplicate(webhookID: String)
}

/// Everything a webhook route needs: verify the signature, drop duplicates, wake the provider polling
/// that prediction. The provider still polls for the truth; the webhook only makes it look sooner.
///
/// ```swift
/// router.post("/api/webhooks/replicate") { request, context in
///     let body = try await request.body.collect(upTo: 1 << 20)
///     let headers = Dictionary(request.headers.map { ($0.name.rawName, $0.value) }, uniquingKeysWith: { a, _ in a })
///     do { _ = try receiver.receive(headers: headers, body: Data(buffer: body)); return .ok }
///     catch { return error.code == .badSignature ? .unauthorized : .badRequest }
/// }
/// ```
public struct ReplicateWebhookReceiver: Sendable {
    /// Checks signatures.
    public let verifier: WebhookVerifier
    /// Wakes waiting providers; share it with ``ReplicateProvider``.
    public let wakeups: PredictionWakeups
    /// Detects redeliveries.
    public let replayGuard: WebhookReplayGuard

    /// Creates a receiver.
    public init(verifier: WebhookVerifier, wakeups: PredictionWakeups, replayGuard: WebhookReplayGuard = WebhookReplayGuard()) {
        self.verifier = verifier
        self.wakeups = wakeups
        self.replayGuard = replayGuard
    }

    /// Handles one delivery.
    /// - Throws: ``WebhookError`` for a bad signature, stale timestamp, missing headers or a body without `id`/`status`.
    public func receive(headers: [String: String], body: Data, now: Date = Date()) throws(WebhookError) -> WebhookReceipt {
        let webhook = try verifier.verify(headers: headers, body: body, now: now)
        let payload: ReplicateWebhookPayload
        do {
            payload = try JSONDecoder().decode(ReplicateWebhookPayload.self, from: body)
        } catch {
            throw WebhookError(.badPayload, "the webhook body is not a prediction with id and status")
        }
        guard replayGuard.firstDelivery(of: webhook.id, now: now) else { return .duplicate(webhookID: webhook.id) }
        wakeups.wake(payload.id)
        return .accepted(webhookID: webhook.id, predictionID: payload.id, status: payload.status)
    }
}
