import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

extension ProviderHTTP {
    /// Downloads `url` (http, https or a `data:` URI) into `file`, streaming to disk and refusing more than
    /// `maxBytes`. Returns the number of bytes written; a failed download leaves no file behind.
    func download(_ url: String, to file: URL, maxBytes: Int64, logger: Logger) async throws(ProviderError) -> Int64 {
        if url.hasPrefix("data:") {
            let data = try decodeDataURI(url)
            guard Int64(data.count) <= maxBytes else { throw tooLarge(Int64(data.count), maxBytes) }
            try await LocalFiles.write(data, to: file, providerID: providerID)
            return Int64(data.count)
        }
        guard let scheme = URLComponents(string: url)?.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            throw ProviderError(.badResponse, "the output is not an http(s) URL", providerID: providerID)
        }
        return try await perform(
            "download the output", purpose: .output, timeout: policy.downloadTimeout, logger: logger,
            makeRequest: { HTTPClientRequest(url: url) },
            handle: { response in try await stream(response, to: file, maxBytes: maxBytes) }
        )
    }

    /// Streams a 2xx response body into `file`, at most `maxBytes`.
    func stream(_ response: HTTPClientResponse, to file: URL, maxBytes: Int64) async throws -> Int64 {
        if let length = response.headers.first(name: "Content-Length").flatMap({ Int64($0) }), length > maxBytes {
            throw tooLarge(length, maxBytes)
        }
        let writer: FileWriter
        do {
            writer = try await FileWriter.create(file)
        } catch {
            throw ProviderError(.ioFailed, "cannot create \(file.lastPathComponent): \(error.localizedDescription)", providerID: providerID)
        }
        do {
            var total: Int64 = 0
            var pending = ByteBuffer()
            for try await chunk in response.body {
                total += Int64(chunk.readableBytes)
                if total > maxBytes { throw tooLarge(total, maxBytes) }
                pending.writeImmutableBuffer(chunk)
                if pending.readableBytes >= 1 << 20 {
                    try await writer.write(pending)
                    pending.clear()
                }
            }
            try await writer.write(pending)
            try await writer.close()
            return total
        } catch {
            try? await writer.close()
            await LocalFiles.remove(file)
            throw error
        }
    }

    private func tooLarge(_ size: Int64, _ maxBytes: Int64) -> ProviderError {
        ProviderError(
            .outputTooLarge, "the output is larger than the maximum download size of \(maxBytes) bytes (at least \(size))",
            providerID: providerID)
    }

    private func decodeDataURI(_ uri: String) throws(ProviderError) -> Data {
        guard let comma = uri.firstIndex(of: ","), uri[..<comma].hasSuffix(";base64"),
            let data = Data(base64Encoded: String(uri[uri.index(after: comma)...]))
        else {
            throw ProviderError(.badResponse, "the output data URI is not base64", providerID: providerID)
        }
        return data
    }
}
