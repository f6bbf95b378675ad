import Foundation
import HTTPTypes
import Hummingbird
import NIOPosix

/// Serves a stored file, whole or one byte range (`Range: bytes=a-b`, `bytes=a-`, `bytes=-n`), so players can seek.
enum BlobResponse {
    static func make(path: String, mediaType: String?, request: Request, context: AppRequestContext) async throws -> Response {
        let size: Int
        do {
            size = try await NIOThreadPool.singleton.runIfActive {
                (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            }
        } catch {
            throw APIError(.notFound, code: "BLOB_MISSING", "the stored media is missing from the blob store")
        }
        var headers: HTTPFields = [.contentType: mediaType ?? "application/octet-stream", .acceptRanges: "bytes"]
        let fileIO = FileIO()
        if let header = request.headers[.range] {
            guard let range = byteRange(header, size: size) else {
                headers[.contentRange] = "bytes */\(size)"
                return Response(status: .rangeNotSatisfiable, headers: headers)
            }
            headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound)/\(size)"
            headers[.contentLength] = String(range.count)
            return Response(status: .partialContent, headers: headers, body: try await fileIO.loadFile(path: path, range: range, context: context))
        }
        headers[.contentLength] = String(size)
        return Response(status: .ok, headers: headers, body: try await fileIO.loadFile(path: path, context: context))
    }

    /// The one range of a `Range` header, clamped to the file; nil when it is malformed or unsatisfiable.
    static func byteRange(_ header: String, size: Int) -> ClosedRange<Int>? {
        guard header.hasPrefix("bytes="), size > 0 else { return nil }
        let spec = header.dropFirst(6)
        guard !spec.contains(","), let dash = spec.firstIndex(of: "-") else { return nil }
        let first = spec[..<dash].trimmingCharacters(in: .whitespaces)
        let last = spec[spec.index(after: dash)...].trimmingCharacters(in: .whitespaces)
        if first.isEmpty {
            guard let suffix = Int(last), suffix > 0 else { return nil }
            return max(0, size - suffix)...(size - 1)
        }
        guard let start = Int(first), start >= 0, start < size else { return nil }
        if last.isEmpty { return start...(size - 1) }
        guard let end = Int(last), end >= start else { return nil }
        return start...min(end, size - 1)
    }
}
