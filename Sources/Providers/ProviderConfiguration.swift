import Foundation

/// Settings of the Replicate client.
public struct ReplicateConfiguration: Sendable, Hashable {
    /// The API token, sent as `Authorization: Bearer …`.
    public var apiToken: Secret
    /// The API origin, e.g. `https://api.replicate.com` (no trailing `/v1`).
    public var baseURL: String
    /// The video model: `owner/name` (an official model, created at `/v1/models/owner/name/predictions`),
    /// `owner/name:version` or a bare version id (created at `/v1/predictions` with `version`).
    public var videoModel: String?
    /// The image model, in the same forms; nil when Replicate should not make images.
    public var imageModel: String?
    /// The Standard Webhooks secret (`whsec_…`) that signs Replicate's webhooks.
    public var webhookSecret: Secret?
    /// Where Replicate should POST webhooks (our public URL + the webhook route); nil to poll only.
    public var webhookURL: String?
    /// Poll interval after create; it doubles per poll up to ``maxPollInterval``.
    public var initialPollInterval: Duration
    /// The longest wait between polls.
    public var maxPollInterval: Duration
    /// A prediction not finished this long after its creation is cancelled and fails with `PROVIDER_TIMEOUT`.
    public var predictionTimeout: Duration

    /// Creates a configuration.
    public init(
        apiToken: Secret,
        baseURL: String = "https://api.replicate.com",
        videoModel: String? = nil,
        imageModel: String? = nil,
        webhookSecret: Secret? = nil,
        webhookURL: String? = nil,
        initialPollInterval: Duration = .seconds(1),
        maxPollInterval: Duration = .seconds(10),
        predictionTimeout: Duration = .seconds(1800)
    ) {
        self.apiToken = apiToken
        self.baseURL = baseURL
        self.videoModel = videoModel
        self.imageModel = imageModel
        self.webhookSecret = webhookSecret
        self.webhookURL = webhookURL
        self.initialPollInterval = initialPollInterval
        self.maxPollInterval = maxPollInterval
        self.predictionTimeout = predictionTimeout
    }
}

/// Settings of the OpenAI-compatible images and speech clients.
public struct OpenAIConfiguration: Sendable, Hashable {
    /// The API key, sent as `Authorization: Bearer …`.
    public var apiKey: Secret
    /// The API origin, e.g. `https://api.openai.com` (no trailing `/v1`).
    public var baseURL: String
    /// The images model, e.g. `gpt-image-1`; `dall-e-*` models also get `response_format: b64_json`.
    public var imageModel: String
    /// The speech model, e.g. `gpt-4o-mini-tts`.
    public var speechModel: String
    /// The default voice.
    public var voice: String
    /// The default speech format, `mp3` or `wav`.
    public var speechFormat: String

    /// Creates a configuration.
    public init(
        apiKey: Secret,
        baseURL: String = "https://api.openai.com",
        imageModel: String = "gpt-image-1",
        speechModel: String = "gpt-4o-mini-tts",
        voice: String = "alloy",
        speechFormat: String = "mp3"
    ) {
        self.apiKey = apiKey
        self.baseURL = baseURL
        self.imageModel = imageModel
        self.speechModel = speechModel
        self.voice = voice
        self.speechFormat = speechFormat
    }
}

/// Which HTTP providers are configured, and the limits they share.
public struct ProviderConfiguration: Sendable, Hashable, CustomStringConvertible {
    /// Replicate, when a token is set.
    public var replicate: ReplicateConfiguration?
    /// OpenAI-compatible images and speech, when a key is set.
    public var openAI: OpenAIConfiguration?
    /// Timeouts and retries of every HTTP call.
    public var retry: RetryPolicy
    /// The largest output a provider may download (default 2 GiB).
    public var maxDownloadBytes: Int64
    /// The largest local frame image uploaded as a data URI (default 20 MiB).
    public var maxUploadBytes: Int

    /// Creates a configuration with no providers by default.
    public init(
        replicate: ReplicateConfiguration? = nil,
        openAI: OpenAIConfiguration? = nil,
        retry: RetryPolicy = RetryPolicy(),
        maxDownloadBytes: Int64 = 2 << 30,
        maxUploadBytes: Int = 20 << 20
    ) {
        self.replicate = replicate
        self.openAI = openAI
        self.retry = retry
        self.maxDownloadBytes = maxDownloadBytes
        self.maxUploadBytes = maxUploadBytes
    }

    /// The route Replicate's webhooks are sent to, below `EDITBAY_PUBLIC_URL`.
    public static let replicateWebhookPath = "/api/webhooks/replicate"

    /// Reads the configuration from environment variables (see docs/providers.md):
    ///
    /// - `EDITBAY_REPLICATE_API_TOKEN` (enables Replicate), `EDITBAY_REPLICATE_BASE_URL` (default
    ///   `https://api.replicate.com`), `EDITBAY_REPLICATE_VIDEO_MODEL`, `EDITBAY_REPLICATE_IMAGE_MODEL`,
    ///   `EDITBAY_REPLICATE_WEBHOOK_SECRET`, `EDITBAY_REPLICATE_POLL_SECONDS` (1), `EDITBAY_REPLICATE_MAX_POLL_SECONDS` (10),
    ///   `EDITBAY_REPLICATE_TIMEOUT_SECONDS` (1800);
    /// - `EDITBAY_PUBLIC_URL`: webhooks are requested only when set (and a webhook secret is set);
    /// - `EDITBAY_OPENAI_API_KEY` (enables OpenAI), `EDITBAY_OPENAI_BASE_URL` (default `https://api.openai.com`),
    ///   `EDITBAY_OPENAI_IMAGE_MODEL` (`gpt-image-1`), `EDITBAY_OPENAI_SPEECH_MODEL` (`gpt-4o-mini-tts`),
    ///   `EDITBAY_OPENAI_VOICE` (`alloy`), `EDITBAY_OPENAI_SPEECH_FORMAT` (`mp3`, or `wav`);
    /// - `EDITBAY_PROVIDER_MAX_DOWNLOAD_BYTES` (2 GiB), `EDITBAY_PROVIDER_REQUEST_TIMEOUT_SECONDS` (60),
    ///   `EDITBAY_PROVIDER_MAX_ATTEMPTS` (4).
    ///
    /// - Throws: `NOT_CONFIGURED` naming the variable whose value is invalid (never its value).
    public static func fromEnvironment(_ env: [String: String]) throws(ProviderError) -> ProviderConfiguration {
        let reader = EnvironmentReader(env: env)
        var configuration = ProviderConfiguration()
        configuration.retry.requestTimeout = try reader.seconds("EDITBAY_PROVIDER_REQUEST_TIMEOUT_SECONDS", default: 60)
        configuration.retry.maxAttempts = try reader.integer("EDITBAY_PROVIDER_MAX_ATTEMPTS", default: 4, range: 1...20)
        configuration.maxDownloadBytes = Int64(
            try reader.integer("EDITBAY_PROVIDER_MAX_DOWNLOAD_BYTES", default: 2 << 30, range: 1...(1 << 50)))
        let publicURL = try reader.url("EDITBAY_PUBLIC_URL")
        if let token = reader.string("EDITBAY_REPLICATE_API_TOKEN") {
            var replicate = ReplicateConfiguration(
                apiToken: Secret(token),
                baseURL: try reader.url("EDITBAY_REPLICATE_BASE_URL") ?? "https://api.replicate.com",
                videoModel: reader.string("EDITBAY_REPLICATE_VIDEO_MODEL"),
                imageModel: reader.string("EDITBAY_REPLICATE_IMAGE_MODEL"),
                webhookSecret: reader.string("EDITBAY_REPLICATE_WEBHOOK_SECRET").map(Secret.init)
            )
            replicate.initialPollInterval = try reader.seconds("EDITBAY_REPLICATE_POLL_SECONDS", default: 1)
            replicate.maxPollInterval = try reader.seconds("EDITBAY_REPLICATE_MAX_POLL_SECONDS", default: 10)
            replicate.predictionTimeout = try reader.seconds("EDITBAY_REPLICATE_TIMEOUT_SECONDS", default: 1800)
            if let secret = replicate.webhookSecret {
                do {
                    _ = try WebhookVerifier(secret: secret.value)
                } catch {
                    throw ProviderError(.notConfigured, "EDITBAY_REPLICATE_WEBHOOK_SECRET is not a whsec_<base64> secret")
                }
                if let publicURL {
                    replicate.webhookURL = publicURL.trimmingSuffix("/") + replicateWebhookPath
                }
            }
            configuration.replicate = replicate
        }
        if let key = reader.string("EDITBAY_OPENAI_API_KEY") {
            let format = reader.string("EDITBAY_OPENAI_SPEECH_FORMAT") ?? "mp3"
            guard ["mp3", "wav"].contains(format) else {
                throw ProviderError(.notConfigured, "EDITBAY_OPENAI_SPEECH_FORMAT must be mp3 or wav")
            }
            configuration.openAI = OpenAIConfiguration(
                apiKey: Secret(key),
                baseURL: try reader.url("EDITBAY_OPENAI_BASE_URL") ?? "https://api.openai.com",
                imageModel: reader.string("EDITBAY_OPENAI_IMAGE_MODEL") ?? "gpt-image-1",
                speechModel: reader.string("EDITBAY_OPENAI_SPEECH_MODEL") ?? "gpt-4o-mini-tts",
                voice: reader.string("EDITBAY_OPENAI_VOICE") ?? "alloy",
                speechFormat: format
            )
        }
        return configuration
    }

    /// A summary for logs: which providers and models are on; secrets show as `[redacted]`.
    public var description: String {
        var parts: [String] = []
        if let replicate {
            parts.append(
                "replicate(base: \(replicate.baseURL), token: \(replicate.apiToken), video: \(replicate.videoModel ?? "-"), "
                    + "image: \(replicate.imageModel ?? "-"), webhooks: \(replicate.webhookURL == nil ? "off" : "on"))")
        }
        if let openAI {
            parts.append(
                "openai(base: \(openAI.baseURL), key: \(openAI.apiKey), image: \(openAI.imageModel), "
                    + "speech: \(openAI.speechModel)/\(openAI.voice)/\(openAI.speechFormat))")
        }
        return "ProviderConfiguration(\(parts.isEmpty ? "no HTTP providers" : parts.joined(separator: ", ")))"
    }
}

/// Typed reads of environment variables; errors name the variable, never its value.
private struct EnvironmentReader {
    let env: [String: String]

    func string(_ name: String) -> String? {
        guard let value = env[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    func url(_ name: String) throws(ProviderError) -> String? {
        guard let value = string(name) else { return nil }
        guard let components = URLComponents(string: value), ["http", "https"].contains(components.scheme?.lowercased() ?? ""),
            components.host?.isEmpty == false
        else {
            throw ProviderError(.notConfigured, "\(name) must be an http(s) URL")
        }
        return value.trimmingSuffix("/")
    }

    func integer(_ name: String, default fallback: Int, range: ClosedRange<Int>) throws(ProviderError) -> Int {
        guard let value = string(name) else { return fallback }
        guard let number = Int(value), range.contains(number) else {
            throw ProviderError(.notConfigured, "\(name) must be a whole number in \(range.lowerBound)...\(range.upperBound)")
        }
        return number
    }

    func seconds(_ name: String, default fallback: Double) throws(ProviderError) -> Duration {
        guard let value = string(name) else { return .milliseconds(Int64(fallback * 1000)) }
        guard let number = Double(value), number > 0, number < 1e7 else {
            throw ProviderError(.notConfigured, "\(name) must be a positive number of seconds")
        }
        return .milliseconds(Int64(number * 1000))
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        var value = self
        while value.hasSuffix(suffix) { value.removeLast(suffix.count) }
        return value
    }
}
