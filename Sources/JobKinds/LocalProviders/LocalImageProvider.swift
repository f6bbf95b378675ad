import Foundation
import Providers
import Render
import Timeline

/// A title card: the prompt's text drawn on a dark background with libavfilter's `drawtext` (PNG). Offline,
/// instant, and not AI: it makes placeholders and slates, not pictures of the prompt.
public struct LocalImageProvider: GenerationProvider {
    public static let identifier = "local-title-card"
    public var id: String { Self.identifier }
    public let displayName = "Title card (local, not AI)"
    public let isAI = false
    public let capabilities: Set<GenerationKind> = [.image]

    public init() {}

    public func generate(_ request: GenerationRequest, context: GenerationContext) async throws(ProviderError) -> GeneratedOutput {
        let text = try Self.cardText(request, providerID: id)
        let output = context.temporaryDirectory.appendingPathComponent("title-\(UUID().uuidString).png")
        let format = MediaGenerator.Format(width: request.width ?? 1920, height: request.height ?? 1080, rate: .fps25)
        do {
            try await MediaGenerator.titleCard(text: text, to: output.path, duration: Flicks(Flicks.perSecond / 25), format: format, background: "0x202830")
        } catch {
            throw ProviderError(.providerFailed, "the title card could not be drawn: \(error.message)", providerID: id)
        }
        return try LocalOutput.file(output, mediaType: "image/png", providerID: id)
    }

    /// The prompt (trimmed, at most 120 characters: a card holds one line).
    static func cardText(_ request: GenerationRequest, providerID: String) throws(ProviderError) -> String {
        guard let prompt = request.prompt?.trimmingCharacters(in: .whitespacesAndNewlines), !prompt.isEmpty else {
            throw ProviderError(.invalidRequest, "a prompt is needed", providerID: providerID)
        }
        return String(prompt.prefix(120))
    }
}

/// Video without a model: a dissolve from the first frame to the last frame when both are given (the gap
/// bridge), a held frame when one is, else a title card of the prompt. Offline and not AI.
public struct LocalVideoProvider: GenerationProvider {
    public static let identifier = "local-bridge"
    public var id: String { Self.identifier }
    public let displayName = "Frame bridge / title card (local, not AI)"
    public let isAI = false
    public let capabilities: Set<GenerationKind> = [.video]

    public init() {}

    public func generate(_ request: GenerationRequest, context: GenerationContext) async throws(ProviderError) -> GeneratedOutput {
        guard let seconds = request.durationSeconds, seconds > 0, seconds <= 600 else {
            throw ProviderError(.invalidRequest, "durationSeconds must be between 0 and 600", providerID: id)
        }
        let rate = (try? FrameRate(approximating: request.fps ?? 25)) ?? .fps25
        let format = MediaGenerator.Format(width: request.width ?? 1280, height: request.height ?? 720, rate: rate)
        let duration = Flicks(Int64((seconds * Double(Flicks.perSecond)).rounded()))
        let output = context.temporaryDirectory.appendingPathComponent("bridge-\(UUID().uuidString).mp4")
        do {
            switch (request.firstFramePath, request.lastFramePath) {
            case (let first?, let last?):
                try await MediaGenerator.bridge(from: first, to: last, output: output.path, duration: duration, format: format)
            case (let only?, nil), (nil, let only?):
                try await MediaGenerator.bridge(from: only, to: only, output: output.path, duration: duration, format: format)
            case (nil, nil):
                let text = try LocalImageProvider.cardText(request, providerID: id)
                try await MediaGenerator.titleCard(text: text, to: output.path, duration: duration, format: format, background: "0x202830")
            }
        } catch let error as RenderError {
            throw ProviderError(.providerFailed, "the local video could not be made: \(error.message)", providerID: id)
        } catch let error as ProviderError {
            throw error
        } catch {
            throw ProviderError(.providerFailed, "the local video could not be made: \(error)", providerID: id)
        }
        await context.progress(.fraction(1))
        return try LocalOutput.file(output, mediaType: "video/mp4", providerID: id)
    }
}

enum LocalOutput {
    static func file(_ url: URL, mediaType: String, providerID: String) throws(ProviderError) -> GeneratedOutput {
        guard let size = try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int, size > 0 else {
            throw ProviderError(.providerFailed, "no output was written", providerID: providerID)
        }
        return GeneratedOutput(file: url, mediaType: mediaType, byteCount: Int64(size), providerID: providerID, providerJobID: nil, metadata: [:])
    }
}

/// One frame of a media file at a media time, as a PNG (the neighbour frames of a gap fill).
enum FrameGrab {
    static func write(from input: String, at seconds: Double, to output: String) async throws(RenderError) {
        let info = try await MediaProbe.probe(path: input)
        let source = FilterSyntax.escape(input)
        let graph: String
        if info.kind == .image {
            graph = "movie=filename=\(source),trim=end_frame=1,format=rgb24[vout]"
        } else {
            // Seek to a keyframe before the time (timestamps stay those of the file), drop the frames before
            // it, keep the first one at or after it.
            let seek = max(0, seconds - 2)
            graph = "movie=filename=\(source):sp=\(FilterSyntax.number(seek)),trim=start=\(FilterSyntax.number(seconds)),setpts=PTS-STARTPTS,trim=end_frame=1,format=rgb24[vout]"
        }
        try await GraphEncoder.encode(graph: graph, to: output, format: .png)
    }
}
