import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// AI video (and optionally image) generation through Replicate's asynchronous predictions API.
///
/// Create (`POST /v1/predictions`, or `/v1/models/{owner}/{name}/predictions` for an official model), save the
/// prediction id through ``GenerationContext/save`` **before** the first poll, poll `GET /v1/predictions/{id}`
/// with capped exponential backoff (a verified webhook wakes the wait early through ``PredictionWakeups``),
/// then download the output into the context's temporary directory. Given a saved state, it resumes polling
/// that prediction instead of creating (and paying for) another. On task cancellation or past the prediction
/// deadline it sends `POST /v1/predictions/{id}/cancel`.
public struct ReplicateProvider: GenerationProvider {
    public let id = "replicate"
    public let displayName = "Replicate (AI)"
    public let isAI = true
    public let configuration: ReplicateConfiguration
    private let http: ProviderHTTP
    private let wakeups: PredictionWakeups?
    private let maxDownloadBytes: Int64
    private let maxUploadBytes: Int

    /// Creates a client.
    /// - Parameters:
    ///   - configuration: token, base URL, models, webhook and polling settings.
    ///   - client: the HTTP client (e.g. `HTTPClient.shared`).
    ///   - retry: timeouts and retries of each HTTP call.
    ///   - wakeups: shared with the webhook route's ``ReplicateWebhookReceiver``; nil to rely on polling only.
    ///   - maxDownloadBytes: outputs larger than this fail with `OUTPUT_TOO_LARGE`.
    ///   - maxUploadBytes: frame images larger than this fail with `INVALID_REQUEST`.
    public init(
        configuration: ReplicateConfiguration,
        client: HTTPClient,
        retry: RetryPolicy = RetryPolicy(),
        wakeups: PredictionWakeups? = nil,
        maxDownloadBytes: Int64 = 2 << 30,
        maxUploadBytes: Int = 20 << 20
    ) {
        self.configuration = configuration
        self.http = ProviderHTTP(client: client, providerID: "replicate", policy: retry, secrets: [configuration.apiToken.value])
        self.wakeups = wakeups
        self.maxDownloadBytes = maxDownloadBytes
        self.maxUploadBytes = maxUploadBytes
    }

    /// `video` when a video model is set, `image` when an image model is set.
    public var capabilities: Set<GenerationKind> {
        var kinds: Set<GenerationKind> = []
        if configuration.videoModel != nil { kinds.insert(.video) }
        if configuration.imageModel != nil { kinds.insert(.image) }
        return kinds
    }

    public func generate(_ request: GenerationRequest, context: GenerationContext) async throws(ProviderError) -> GeneratedOutput {
        let logger = context.logger
        let state: ProviderState
        var prediction: ReplicatePrediction
        if let saved = context.savedState, saved.providerID == id {
            state = saved
            logger.info("resuming a Replicate prediction", metadata: ["prediction": "\(saved.providerJobID)"])
            prediction = try await fetch(saved.providerJobID, logger: logger)
        } else {
            prediction = try await create(request, logger: logger)
            state = ProviderState(providerID: id, providerJobID: prediction.id, createdAt: Date())
            do {
                try await context.save(state)
            } catch {
                await cancel(prediction.id, logger: logger)
                throw ProviderError(
                    .stateNotSaved, "the prediction id could not be saved, so the prediction was cancelled", providerID: id)
            }
        }
        await context.progress(.status(prediction.status.rawValue))
        let deadline = state.createdAt.addingTimeInterval(Self.seconds(configuration.predictionTimeout))
        if let wakeups {
            let id = prediction.id
            prediction = try await wakeups.watching(id) { () async throws(ProviderError) -> ReplicatePrediction in
                try await poll(prediction, until: deadline, context: context)
            }
        } else {
            prediction = try await poll(prediction, until: deadline, context: context)
        }
        return try await finish(prediction, request: request, context: context)
    }

    // MARK: - Steps

    private func create(_ request: GenerationRequest, logger: Logger) async throws(ProviderError) -> ReplicatePrediction {
        let model: String? =
            switch request.kind {
            case .video: configuration.videoModel
            case .image: configuration.imageModel
            default: nil
            }
        guard let model else {
            throw ProviderError(.notConfigured, "no Replicate model is configured for \(request.kind.rawValue)", providerID: id)
        }
        let input = try await input(for: request)
        let official = !model.contains(":") && model.contains("/")
        var body = ReplicateCreateBody(version: official ? nil : model, input: input)
        if let webhook = configuration.webhookURL {
            body.webhook = webhook
            body.webhookEventsFilter = ["completed"]
        }
        let path = official ? "/v1/models/\(model)/predictions" : "/v1/predictions"
        let payload: Data
        do {
            payload = try JSONEncoder().encode(body)
        } catch {
            throw ProviderError(.invalidRequest, "the request cannot be encoded as JSON", providerID: id)
        }
        let response = try await http.send("create the prediction", logger: logger) { () throws(ProviderError) in
            var request = apiRequest(path, method: .POST)
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: payload))
            return request
        }
        let prediction = try decode(response)
        logger.info("created a Replicate prediction", metadata: ["prediction": "\(prediction.id)", "model": "\(model)"])
        return prediction
    }

    /// The model input: prompt, duration, size, fps and frames as data URIs, then `request.parameters`
    /// (a parameter set to `null` removes the derived key, for models that do not take it).
    private func input(for request: GenerationRequest) async throws(ProviderError) -> [String: JSONValue] {
        var input: [String: JSONValue] = [:]
        if let prompt = request.prompt { input["prompt"] = .string(prompt) }
        if let duration = request.durationSeconds { input["duration"] = .number(duration) }
        if let width = request.width { input["width"] = .number(Double(width)) }
        if let height = request.height { input["height"] = .number(Double(height)) }
        if let fps = request.fps { input["fps"] = .number(fps) }
        for (key, path) in [("first_frame_image", request.firstFramePath), ("last_frame_image", request.lastFramePath)] {
            guard let path else { continue }
            let data = try await LocalFiles.read(path, maxBytes: maxUploadBytes, providerID: id)
            input[key] = .string(MediaTypes.dataURI(data, path: path))
        }
        for (key, value) in request.parameters {
            input[key] = value == .null ? nil : value
        }
        return input
    }

    private func fetch(_ predictionID: String, logger: Logger) async throws(ProviderError) -> ReplicatePrediction {
        let response: ProviderHTTP.Response
        do {
            response = try await http.send("poll the prediction", logger: logger) { () throws(ProviderError) in
                apiRequest("/v1/predictions/\(predictionID)", method: .GET)
            }
        } catch where error.httpStatus == 404 {
            throw ProviderError(.outputExpired, "the prediction \(predictionID) no longer exists", providerID: id, discardsState: true)
        }
        return try decode(response)
    }

    private func poll(
        _ start: ReplicatePrediction,
        until deadline: Date,
        context: GenerationContext
    ) async throws(ProviderError) -> ReplicatePrediction {
        var prediction = start
        var interval = configuration.initialPollInterval
        var lastStatus = prediction.status
        while !prediction.status.isTerminal {
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else {
                await cancel(prediction.id, logger: context.logger)
                throw ProviderError(
                    .providerTimeout,
                    "the prediction was still \(prediction.status.rawValue) after \(Int(Self.seconds(configuration.predictionTimeout))) s; it was cancelled",
                    providerID: id, discardsState: true)
            }
            let wait = min(interval, .milliseconds(Int64(remaining * 1000) + 1))
            if let wakeups {
                _ = await wakeups.wait(for: prediction.id, upTo: wait)
            } else {
                try? await Task.sleep(for: wait)
            }
            if Task.isCancelled { throw await cancelled(prediction.id, logger: context.logger) }
            interval = min(interval * 2, configuration.maxPollInterval)
            do {
                prediction = try await fetch(prediction.id, logger: context.logger)
            } catch where error.code == .cancelled {
                throw await cancelled(prediction.id, logger: context.logger)
            }
            if prediction.status != lastStatus {
                lastStatus = prediction.status
                await context.progress(.status(prediction.status.rawValue))
            }
        }
        return prediction
    }

    private func finish(
        _ prediction: ReplicatePrediction,
        request: GenerationRequest,
        context: GenerationContext
    ) async throws(ProviderError) -> GeneratedOutput {
        switch prediction.status {
        case .failed:
            throw ProviderError(
                .providerFailed, "the prediction failed: \(http.scrub(prediction.errorText))", providerID: id, discardsState: true)
        case .canceled:
            throw ProviderError(.cancelled, "the prediction was cancelled at Replicate", providerID: id, discardsState: true)
        default:
            break
        }
        guard let url = prediction.outputURL else {
            throw ProviderError(.badResponse, "the prediction succeeded without an output URL", providerID: id)
        }
        await context.progress(.status("downloading"))
        let (ext, mediaType) = MediaTypes.guess(url: url, kind: request.kind)
        let file = context.temporaryDirectory.appendingPathComponent("replicate-\(Self.safeName(prediction.id)).\(ext)")
        let size = try await http.download(url, to: file, maxBytes: maxDownloadBytes, logger: context.logger)
        await context.progress(.fraction(1))
        return GeneratedOutput(
            file: file, mediaType: mediaType, byteCount: size, providerID: id, providerJobID: prediction.id,
            metadata: prediction.metadata)
    }

    // MARK: - Cancel

    private func cancelled(_ predictionID: String, logger: Logger) async -> ProviderError {
        await cancel(predictionID, logger: logger)
        return ProviderError(
            .cancelled, "the generation was cancelled; the prediction was cancelled at Replicate", providerID: id, discardsState: true)
    }

    /// Best-effort `POST /v1/predictions/{id}/cancel`. It uses the future-based API on purpose: it must go out
    /// even when the calling task is already cancelled.
    private func cancel(_ predictionID: String, logger: Logger) async {
        do {
            var headers = HTTPHeaders()
            headers.add(name: "Authorization", value: "Bearer \(configuration.apiToken.value)")
            let request = try HTTPClient.Request(
                url: configuration.baseURL + "/v1/predictions/\(predictionID)/cancel", method: .POST, headers: headers)
            let response = try await http.client.execute(
                request: request, deadline: .now() + TimeAmount(http.policy.requestTimeout)
            ).get()
            logger.info("cancelled a Replicate prediction", metadata: ["prediction": "\(predictionID)", "status": "\(response.status.code)"])
        } catch {
            logger.warning("could not cancel a Replicate prediction", metadata: ["prediction": "\(predictionID)"])
        }
    }

    // MARK: - Helpers

    private func apiRequest(_ path: String, method: HTTPMethod) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: configuration.baseURL + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(configuration.apiToken.value)")
        request.headers.add(name: "Accept", value: "application/json")
        return request
    }

    private func decode(_ response: ProviderHTTP.Response) throws(ProviderError) -> ReplicatePrediction {
        do {
            return try JSONDecoder().decode(ReplicatePrediction.self, from: Data(buffer: response.body))
        } catch {
            throw ProviderError(.badResponse, "Replicate answered something that is not a prediction", providerID: id)
        }
    }

    static func seconds(_ duration: Duration) -> TimeInterval {
        TimeInterval(duration.components.seconds) + TimeInterval(duration.components.attoseconds) / 1e18
    }

    /// A file-name-safe version of a provider id.
    static func safeName(_ text: String) -> String {
        String(text.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" }.prefix(80))
    }
}
