import Foundation
import NIOCore
import NIOFoundationCompat
import NIOPosix

/// Blocking file I/O for providers, always run on `NIOThreadPool` (never on the cooperative pool).
enum LocalFiles {
    /// Reads a whole (small) file, e.g. a first-frame image.
    static func read(_ path: String, maxBytes: Int, providerID: String) async throws(ProviderError) -> Data {
        do {
            return try await NIOThreadPool.singleton.runIfActive {
                let url = URL(fileURLWithPath: path)
                let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
                guard size <= maxBytes else {
                    throw ProviderError(
                        .invalidRequest, "\(url.lastPathComponent) is \(size) bytes, more than \(maxBytes)", providerID: providerID)
                }
                return try Data(contentsOf: url)
            }
        } catch let error as ProviderError {
            throw error
        } catch {
            throw ProviderError(
                .invalidRequest, "cannot read \(URL(fileURLWithPath: path).lastPathComponent): \(error.localizedDescription)",
                providerID: providerID)
        }
    }

    /// Writes `data` to a new file at `url`.
    static func write(_ data: Data, to url: URL, providerID: String) async throws(ProviderError) {
        do {
            try await NIOThreadPool.singleton.runIfActive {
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try data.write(to: url)
            }
        } catch {
            throw ProviderError(.ioFailed, "cannot write \(url.lastPathComponent): \(error.localizedDescription)", providerID: providerID)
        }
    }

    /// Removes a file if it exists (a partial download).
    static func remove(_ url: URL) async {
        _ = try? await NIOThreadPool.singleton.runIfActive {
            try? FileManager.default.removeItem(at: url)
        }
    }
}

/// Appends byte buffers to a new file on `NIOThreadPool`, in batches of about 1 MiB.
final class FileWriter: Sendable {
    private let handle: FileHandle
    let url: URL

    private init(handle: FileHandle, url: URL) {
        self.handle = handle
        self.url = url
    }

    /// Creates (or truncates) the file at `url`.
    static func create(_ url: URL) async throws -> FileWriter {
        try await NIOThreadPool.singleton.runIfActive {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
                throw CocoaError(.fileWriteUnknown)
            }
            return FileWriter(handle: try FileHandle(forWritingTo: url), url: url)
        }
    }

    /// Writes `buffer` at the end of the file.
    func write(_ buffer: ByteBuffer) async throws {
        guard buffer.readableBytes > 0 else { return }
        let data = Data(buffer: buffer)
        try await NIOThreadPool.singleton.runIfActive { [handle] in
            try handle.write(contentsOf: data)
        }
    }

    /// Flushes and closes the file.
    func close() async throws {
        try await NIOThreadPool.singleton.runIfActive { [handle] in
            try handle.synchronize()
            try handle.close()
        }
    }
}
