import Crypto
import Foundation

/// Why a webhook was refused; the HTTP route answers 400 (or 401 for ``Code/badSignature``).
public struct WebhookError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable code.
    public struct Code: RawRepresentable, Sendable, Hashable {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        /// `webhook-id`, `webhook-timestamp` or `webhook-signature` is missing or malformed.
        public static let missingHeaders = Code(rawValue: "WEBHOOK_MISSING_HEADERS")
        /// No `v1` signature matches: wrong secret or a changed body.
        public static let badSignature = Code(rawValue: "WEBHOOK_BAD_SIGNATURE")
        /// The timestamp is outside the tolerance window (a replay or a skewed clock).
        public static let staleTimestamp = Code(rawValue: "WEBHOOK_STALE_TIMESTAMP")
        /// The secret is not `whsec_<base64>` (or plain base64).
        public static let badSecret = Code(rawValue: "WEBHOOK_BAD_SECRET")
        /// The body is not a JSON object with the fields we need.
        public static let badPayload = Code(rawValue: "WEBHOOK_BAD_PAYLOAD")
    }

    /// What was wrong.
    public var code: Code
    /// Why, without secrets.
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}

/// A webhook whose signature checked out.
public struct VerifiedWebhook: Sendable, Hashable {
    /// `webhook-id`: the same for every redelivery of one event, so it detects duplicates.
    public var id: String
    /// `webhook-timestamp`.
    public var timestamp: Date
    /// The raw body that was signed.
    public var body: Data
}

/// Verifies [Standard Webhooks](https://www.standardwebhooks.com) signatures, as Replicate sends them:
/// `webhook-signature: v1,<base64 HMAC-SHA256(key, "{webhook-id}.{webhook-timestamp}.{body}")>`, several
/// space-separated signatures allowed (key rotation), the key being the base64 part of `whsec_<base64>`.
public struct WebhookVerifier: Sendable {
    private let key: SymmetricKey
    /// How far the timestamp may be from now, either way (default 5 minutes).
    public var tolerance: Duration

    /// Creates a verifier for a `whsec_<base64>` secret (the prefix is optional).
    /// - Throws: ``WebhookError/Code/badSecret`` when the rest is not base64.
    public init(secret: String, tolerance: Duration = .seconds(300)) throws(WebhookError) {
        let encoded = secret.hasPrefix("whsec_") ? String(secret.dropFirst(6)) : secret
        guard let bytes = Data(base64Encoded: encoded), !bytes.isEmpty else {
            throw WebhookError(.badSecret, "the webhook secret is not whsec_<base64>")
        }
        self.key = SymmetricKey(data: bytes)
        self.tolerance = tolerance
    }

    /// Checks the three Standard Webhooks headers against `body`.
    ///
    /// - Parameters:
    ///   - id: the `webhook-id` header.
    ///   - timestamp: the `webhook-timestamp` header (Unix seconds).
    ///   - signature: the `webhook-signature` header.
    ///   - body: the raw request body, exactly as received.
    ///   - now: the current time (for tests).
    /// - Returns: The verified webhook; use its ``VerifiedWebhook/id`` to drop duplicates.
    public func verify(
        id: String?,
        timestamp: String?,
        signature: String?,
        body: Data,
        now: Date = Date()
    ) throws(WebhookError) -> VerifiedWebhook {
        guard let id, !id.isEmpty, let timestamp, let seconds = Int64(timestamp), let signature, !signature.isEmpty else {
            throw WebhookError(.missingHeaders, "webhook-id, webhook-timestamp and webhook-signature are required")
        }
        let sent = Date(timeIntervalSince1970: TimeInterval(seconds))
        let skew = abs(now.timeIntervalSince(sent))
        let window = Double(tolerance.components.seconds)
        guard skew <= window else {
            throw WebhookError(.staleTimestamp, "the webhook timestamp is \(Int(skew)) s from now, more than \(Int(window)) s")
        }
        var signed = Data("\(id).\(timestamp).".utf8)
        signed.append(body)
        for candidate in signature.split(separator: " ") {
            let parts = candidate.split(separator: ",", maxSplits: 1)
            guard parts.count == 2, parts[0] == "v1", let mac = Data(base64Encoded: String(parts[1])) else { continue }
            // isValidAuthenticationCode compares in constant time.
            if HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: signed, using: key) {
                return VerifiedWebhook(id: id, timestamp: sent, body: body)
            }
        }
        throw WebhookError(.badSignature, "no v1 signature matches")
    }

    /// Checks a webhook given its headers by name (case-insensitive).
    public func verify(headers: [String: String], body: Data, now: Date = Date()) throws(WebhookError) -> VerifiedWebhook {
        var lowered: [String: String] = [:]
        for (name, value) in headers { lowered[name.lowercased()] = value }
        return try verify(
            id: lowered["webhook-id"], timestamp: lowered["webhook-timestamp"], signature: lowered["webhook-signature"],
            body: body, now: now)
    }

    /// The `webhook-signature` value for a payload (`v1,<base64>`), e.g. to sign test webhooks.
    public func signature(id: String, timestamp: String, body: Data) -> String {
        var signed = Data("\(id).\(timestamp).".utf8)
        signed.append(body)
        let mac = HMAC<SHA256>.authenticationCode(for: signed, using: key)
        return "v1," + Data(mac).base64EncodedString()
    }
}
