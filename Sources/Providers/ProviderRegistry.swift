import AsyncHTTPClient

/// The providers available to jobs, by id: the configured HTTP providers plus any others (local ones) added.
public struct ProviderRegistry: Sendable {
    /// Every provider, in registration order.
    public let providers: [any GenerationProvider]
    /// Wakes Replicate polls early; hand it to the webhook route's ``ReplicateWebhookReceiver``.
    public let wakeups: PredictionWakeups
    /// The webhook receiver, when Replicate and its webhook secret are configured.
    public let replicateWebhooks: ReplicateWebhookReceiver?

    /// Builds the HTTP providers that `configuration` enables, followed by `additional` ones.
    /// - Parameters:
    ///   - configuration: e.g. from ``ProviderConfiguration/fromEnvironment(_:)``.
    ///   - client: the HTTP client the providers share.
    ///   - additional: providers built elsewhere (local, offline ones); on a duplicate id the first wins.
    public init(configuration: ProviderConfiguration, client: HTTPClient, additional: [any GenerationProvider] = []) {
        let wakeups = PredictionWakeups()
        var providers: [any GenerationProvider] = []
        var receiver: ReplicateWebhookReceiver?
        if let replicate = configuration.replicate {
            let provider = ReplicateProvider(
                configuration: replicate, client: client, retry: configuration.retry, wakeups: wakeups,
                maxDownloadBytes: configuration.maxDownloadBytes, maxUploadBytes: configuration.maxUploadBytes)
            if !provider.capabilities.isEmpty { providers.append(provider) }
            if let secret = replicate.webhookSecret, let verifier = try? WebhookVerifier(secret: secret.value) {
                receiver = ReplicateWebhookReceiver(verifier: verifier, wakeups: wakeups)
            }
        }
        if let openAI = configuration.openAI {
            providers.append(
                OpenAIImagesProvider(
                    configuration: openAI, client: client, retry: configuration.retry, maxDownloadBytes: configuration.maxDownloadBytes))
            providers.append(
                OpenAISpeechProvider(
                    configuration: openAI, client: client, retry: configuration.retry, maxDownloadBytes: configuration.maxDownloadBytes))
        }
        for provider in additional where !providers.contains(where: { $0.id == provider.id }) {
            providers.append(provider)
        }
        self.providers = providers
        self.wakeups = wakeups
        self.replicateWebhooks = receiver
    }

    /// The provider with this id, if configured.
    public func provider(id: String) -> (any GenerationProvider)? {
        providers.first { $0.id == id }
    }

    /// The providers that can generate `kind`, in registration order.
    public func providers(for kind: GenerationKind) -> [any GenerationProvider] {
        providers.filter { $0.capabilities.contains(kind) }
    }

    /// The ids of all providers.
    public var ids: [String] { providers.map(\.id) }
}
