import AsyncHTTPClient
import Foundation
import NIOHTTP1
@testable import Providers
import Testing

@Suite struct ProviderConfigurationTests {
    let token = "r8_SECRET_token_value_42"
    let key = "sk-SECRET-openai-key-99"
    let webhookSecret = "whsec_" + Data(repeating: 9, count: 24).base64EncodedString()

    var fullEnvironment: [String: String] {
        [
            "EDITBAY_REPLICATE_API_TOKEN": token,
            "EDITBAY_REPLICATE_BASE_URL": "http://127.0.0.1:9999/",
            "EDITBAY_REPLICATE_VIDEO_MODEL": "owner/video-model",
            "EDITBAY_REPLICATE_IMAGE_MODEL": "owner/image-model:abc",
            "EDITBAY_REPLICATE_WEBHOOK_SECRET": webhookSecret,
            "EDITBAY_REPLICATE_TIMEOUT_SECONDS": "120",
            "EDITBAY_PUBLIC_URL": "https://editbay.example.com/",
            "EDITBAY_OPENAI_API_KEY": key,
            "EDITBAY_OPENAI_BASE_URL": "http://127.0.0.1:9998",
            "EDITBAY_OPENAI_IMAGE_MODEL": "dall-e-3",
            "EDITBAY_OPENAI_SPEECH_MODEL": "tts-1",
            "EDITBAY_OPENAI_VOICE": "nova",
            "EDITBAY_OPENAI_SPEECH_FORMAT": "wav",
            "EDITBAY_PROVIDER_MAX_DOWNLOAD_BYTES": "1000000",
            "EDITBAY_PROVIDER_MAX_ATTEMPTS": "2",
        ]
    }

    @Test func readsEveryVariable() throws {
        let configuration = try ProviderConfiguration.fromEnvironment(fullEnvironment)
        let replicate = try #require(configuration.replicate)
        #expect(replicate.apiToken.value == token)
        #expect(replicate.baseURL == "http://127.0.0.1:9999")
        #expect(replicate.videoModel == "owner/video-model")
        #expect(replicate.imageModel == "owner/image-model:abc")
        #expect(replicate.webhookURL == "https://editbay.example.com/api/webhooks/replicate")
        #expect(replicate.predictionTimeout == .seconds(120))
        let openAI = try #require(configuration.openAI)
        #expect(openAI.apiKey.value == key)
        #expect(openAI.baseURL == "http://127.0.0.1:9998")
        #expect(openAI.imageModel == "dall-e-3")
        #expect(openAI.speechModel == "tts-1")
        #expect(openAI.voice == "nova")
        #expect(openAI.speechFormat == "wav")
        #expect(configuration.maxDownloadBytes == 1_000_000)
        #expect(configuration.retry.maxAttempts == 2)
    }

    @Test func defaultsWhenOnlyKeysAreSet() throws {
        let configuration = try ProviderConfiguration.fromEnvironment([
            "EDITBAY_REPLICATE_API_TOKEN": token, "EDITBAY_OPENAI_API_KEY": key,
        ])
        #expect(configuration.replicate?.baseURL == "https://api.replicate.com")
        #expect(configuration.replicate?.videoModel == nil)
        #expect(configuration.replicate?.webhookURL == nil)
        #expect(configuration.openAI?.baseURL == "https://api.openai.com")
        #expect(configuration.openAI?.imageModel == "gpt-image-1")
        #expect(configuration.openAI?.speechFormat == "mp3")
        #expect(configuration.maxDownloadBytes == 2 << 30)
    }

    @Test func noVariablesMeansNoHTTPProviders() throws {
        let configuration = try ProviderConfiguration.fromEnvironment([:])
        #expect(configuration.replicate == nil)
        #expect(configuration.openAI == nil)
        #expect(ProviderRegistry(configuration: configuration, client: .shared).providers.isEmpty)
    }

    @Test func webhooksNeedBothAPublicURLAndASecret() throws {
        var environment = fullEnvironment
        environment["EDITBAY_PUBLIC_URL"] = nil
        #expect(try ProviderConfiguration.fromEnvironment(environment).replicate?.webhookURL == nil)
        environment = fullEnvironment
        environment["EDITBAY_REPLICATE_WEBHOOK_SECRET"] = nil
        #expect(try ProviderConfiguration.fromEnvironment(environment).replicate?.webhookURL == nil)
    }

    @Test(arguments: [
        ("EDITBAY_REPLICATE_BASE_URL", "ftp://x"),
        ("EDITBAY_OPENAI_SPEECH_FORMAT", "ogg"),
        ("EDITBAY_PROVIDER_MAX_ATTEMPTS", "zero"),
        ("EDITBAY_REPLICATE_TIMEOUT_SECONDS", "-5"),
        ("EDITBAY_REPLICATE_WEBHOOK_SECRET", "whsec_!!"),
    ])
    func invalidValuesNameTheVariableButNotTheValue(name: String, value: String) {
        var environment = fullEnvironment
        environment[name] = value
        do {
            _ = try ProviderConfiguration.fromEnvironment(environment)
            Issue.record("\(name)=\(value) was accepted")
        } catch {
            #expect(error.code == .notConfigured)
            #expect(error.message.contains(name))
            #expect(!error.message.contains(value))
        }
    }

    @Test func secretsNeverAppearInDescriptions() throws {
        let configuration = try ProviderConfiguration.fromEnvironment(fullEnvironment)
        var dumped = ""
        dump(configuration, to: &dumped)
        let texts = [
            configuration.description, String(describing: configuration), String(reflecting: configuration), dumped,
            "\(configuration.replicate!)", "\(configuration.openAI!)",
        ]
        for text in texts {
            #expect(!text.contains(token))
            #expect(!text.contains(key))
            #expect(!text.contains(String(webhookSecret.dropFirst(6))))
        }
        #expect(configuration.description.contains("[redacted]"))
        #expect(configuration.description.contains("owner/video-model"))
    }

    @Test func theRegistryReturnsConfiguredProvidersByID() throws {
        let registry = ProviderRegistry(configuration: try ProviderConfiguration.fromEnvironment(fullEnvironment), client: .shared)
        #expect(registry.ids == ["replicate", "openai-images", "openai-speech"])
        #expect(registry.provider(id: "replicate")?.capabilities == [.video, .image])
        #expect(registry.providers(for: .speech).map(\.id) == ["openai-speech"])
        #expect(registry.providers(for: .image).map(\.id) == ["replicate", "openai-images"])
        #expect(registry.providers.allSatisfy { $0.isAI })
        #expect(registry.replicateWebhooks != nil)
        #expect(registry.provider(id: "local-video") == nil)
    }

    @Test func replicateWithoutAModelIsNotOffered() throws {
        let registry = ProviderRegistry(
            configuration: try ProviderConfiguration.fromEnvironment(["EDITBAY_REPLICATE_API_TOKEN": token]), client: .shared)
        #expect(registry.provider(id: "replicate") == nil)
    }

    @Test func retryAfterIsReadAsSecondsOrAnHTTPDate() {
        var headers = HTTPHeaders()
        headers.add(name: "Retry-After", value: "7")
        #expect(ProviderHTTP.retryAfter(headers) == .seconds(7))
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        headers.replaceOrAdd(name: "Retry-After", value: formatter.string(from: Date().addingTimeInterval(120)))
        let wait: Duration = ProviderHTTP.retryAfter(headers) ?? .zero
        #expect(wait > .seconds(100) && wait <= .seconds(120))
        headers.replaceOrAdd(name: "Retry-After", value: "soon")
        #expect(ProviderHTTP.retryAfter(headers) == nil)
    }

    @Test func errorCodesSayWhetherARetryMayHelp() {
        let retryable: [ProviderError.Code] = [.rateLimited, .providerUnavailable, .providerTimeout, .outputExpired, .stateNotSaved, .ioFailed]
        let final: [ProviderError.Code] = [.providerFailed, .badResponse, .unauthorized, .invalidRequest, .cancelled, .notConfigured, .outputTooLarge]
        #expect(retryable.allSatisfy { ProviderError($0, "x").isRetryable })
        #expect(final.allSatisfy { !ProviderError($0, "x").isRetryable })
        #expect(ProviderError(.rateLimited, "slow down", providerID: "replicate").description == "RATE_LIMITED (replicate): slow down")
    }
}
