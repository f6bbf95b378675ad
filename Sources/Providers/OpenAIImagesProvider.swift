import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

extension OpenAIConfiguration {
    /// A JSON POST to `path` with the bearer key.
    func jsonRequest(_ path: String, body: Data) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(apiKey.value)")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(data: body))
        return request
    }
}

/// AI images through an OpenAI-compatible `POST /v1/images/generations` (synchronous: one call, no job id).
///
/// Sends `{model, prompt, size: "WxH", n: 1}` (plus `response_format: "b64_json"` for `dall-e-*` models; GPT image
/// models always answer base64) and writes `data[0].b64_json` (or downloads `data[0].url`) as a PNG file.
public struct OpenAIImagesProvider: GenerationProvider {
    public let id = "openai-images"
    public let displayName = "OpenAI images (AI)"
    public let isAI = true
    public let capabilities: Set<GenerationKind> = [.image]
    public let configuration: OpenAIConfiguration
    private let http: ProviderHTTP
    private let maxDownloadBytes: Int64

    /// Creates a client.
    /// - Parameters:
    ///   - configuration: key, base URL and model.
    ///   - client: the HTTP client.
    ///   - retry: timeouts and retries.
    ///   - maxDownloadBytes: larger images fail with `OUTPUT_TOO_LARGE`.
    public init(configuration: OpenAIConfiguration, client: HTTPClient, retry: RetryPolicy = RetryPolicy(), maxDownloadBytes: Int64 = 2 << 30) {
        self.configuration = configuration
        self.http = ProviderHTTP(client: client, providerID: "openai-images", policy: retry, secrets: [configuration.apiKey.value])
        self.maxDownloadBytes = maxDownloadBytes
    }

    private struct Body: Encodable {
        var model: String
        var prompt: String
        var size: String
        var n = 1
        var responseFormat: String?

        enum CodingKeys: String, CodingKey {
            case model, prompt, size, n
            case responseFormat = "response_format"
        }
    }

    private struct Answer: Decodable {
        struct Image: Decodable {
            var b64Json: String?
            var url: String?
            var revisedPrompt: String?

            enum CodingKeys: String, CodingKey {
                case url
                case b64Json = "b64_json"
                case revisedPrompt = "revised_prompt"
            }
        }

        var created: Int?
        var data: [Image]
    }

    /// The size to ask for: GPT image and DALL·E 3 models take only a few sizes, so the request's shape picks the
    /// closest (landscape, portrait or square) and the job conforms the image afterwards; other models get `WxH`.
    static func size(model: String, width: Int?, height: Int?) -> String {
        let width = width ?? 1024
        let height = height ?? 1024
        let shapes: (landscape: String, portrait: String, square: String)?
        if model.hasPrefix("gpt-image") {
            shapes = ("1536x1024", "1024x1536", "1024x1024")
        } else if model == "dall-e-3" {
            shapes = ("1792x1024", "1024x1792", "1024x1024")
        } else {
            shapes = nil
        }
        guard let shapes else { return "\(width)x\(height)" }
        let ratio = Double(width) / Double(max(height, 1))
        return ratio > 1.15 ? shapes.landscape : ratio < 0.87 ? shapes.portrait : shapes.square
    }

    public func generate(_ request: GenerationRequest, context: GenerationContext) async throws(ProviderError) -> GeneratedOutput {
        guard request.kind == .image else {
            throw ProviderError(.invalidRequest, "\(id) makes images, not \(request.kind.rawValue)", providerID: id)
        }
        guard let prompt = request.prompt, !prompt.isEmpty else {
            throw ProviderError(.invalidRequest, "an image needs a prompt", providerID: id)
        }
        let model = request.parameters["model"]?.stringValue ?? configuration.imageModel
        let size = request.parameters["size"]?.stringValue ?? Self.size(model: model, width: request.width, height: request.height)
        let body = Body(
            model: model, prompt: prompt, size: size, responseFormat: model.hasPrefix("dall-e") ? "b64_json" : nil)
        let payload: Data
        do {
            payload = try JSONEncoder().encode(body)
        } catch {
            throw ProviderError(.invalidRequest, "the request cannot be encoded as JSON", providerID: id)
        }
        await context.progress(.status("generating"))
        let response = try await http.send("generate the image", logger: context.logger) { () throws(ProviderError) in
            configuration.jsonRequest("/v1/images/generations", body: payload)
        }
        let answer: Answer
        do {
            answer = try JSONDecoder().decode(Answer.self, from: Data(buffer: response.body))
        } catch {
            throw ProviderError(.badResponse, "the images API answered something that is not an image list", providerID: id)
        }
        guard let image = answer.data.first else {
            throw ProviderError(.badResponse, "the images API returned no image", providerID: id)
        }
        let file = context.temporaryDirectory.appendingPathComponent("openai-image-\(UUID().uuidString).png")
        let byteCount: Int64
        if let encoded = image.b64Json {
            guard let data = Data(base64Encoded: encoded) else {
                throw ProviderError(.badResponse, "the image is not valid base64", providerID: id)
            }
            guard Int64(data.count) <= maxDownloadBytes else {
                throw ProviderError(.outputTooLarge, "the image is larger than \(maxDownloadBytes) bytes", providerID: id)
            }
            try await LocalFiles.write(data, to: file, providerID: id)
            byteCount = Int64(data.count)
        } else if let url = image.url {
            byteCount = try await http.download(url, to: file, maxBytes: maxDownloadBytes, logger: context.logger)
        } else {
            throw ProviderError(.badResponse, "the image has neither b64_json nor url", providerID: id)
        }
        await context.progress(.fraction(1))
        var metadata: [String: JSONValue] = ["model": .string(model), "size": .string(size)]
        if let revised = image.revisedPrompt { metadata["revised_prompt"] = .string(revised) }
        if let created = answer.created { metadata["created"] = .number(Double(created)) }
        return GeneratedOutput(
            file: file, mediaType: "image/png", byteCount: byteCount, providerID: id, providerJobID: nil, metadata: metadata)
    }
}
