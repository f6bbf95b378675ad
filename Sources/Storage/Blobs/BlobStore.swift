import Crypto
import Foundation
import NIOCore
import NIOPosix

/// Media blobs on the local file system, each stored once under the SHA-256 of its content.
///
/// A blob arrives in two steps: ``stage(_:limit:)`` streams it into a temporary file while hashing it
/// (so an upload can be checked, e.g. probed, before it is kept), then ``commit(_:)`` moves it to its
/// content address, or ``discard(_:)`` removes it. Identical content is kept once. Every file
/// operation runs on NIO's blocking thread pool, never on the caller's executor.
public struct BlobStore: Sendable {
    /// The directory that holds the blobs (`<data dir>/blobs` by default).
    public let root: String
    private let threadPool: NIOThreadPool

    /// Opens (creating if needed) a blob store in `root`.
    public init(root: String, threadPool: NIOThreadPool = .singleton) throws {
        let absolute = URL(fileURLWithPath: root).standardizedFileURL.path
        try FileManager.default.createDirectory(atPath: absolute + "/tmp", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: absolute + "/sha256", withIntermediateDirectories: true)
        self.root = absolute
        self.threadPool = threadPool
    }

    /// The file that holds (or would hold) `key`.
    public func path(for key: BlobKey) -> String {
        root + "/sha256/" + key.hex.prefix(2) + "/" + key.hex
    }

    /// Streams `chunks` into a temporary file, hashing as it goes.
    /// - Throws: ``BlobError/tooLarge`` (and removes the partial file) once more than `limit` bytes
    ///   arrive; ``BlobError/io`` if the file cannot be written; whatever the sequence throws.
    public func stage<Chunks: AsyncSequence>(_ chunks: Chunks, limit: Int) async throws -> StagedBlob where Chunks.Element == ByteBuffer {
        let temporary = root + "/tmp/" + UUID().uuidString
        let handle: FileHandle = try await blocking {
            guard FileManager.default.createFile(atPath: temporary, contents: nil) else {
                throw BlobError.io("cannot create \(temporary)")
            }
            return try FileHandle(forWritingTo: URL(fileURLWithPath: temporary))
        }
        var hasher = SHA256()
        var size = 0
        do {
            for try await chunk in chunks {
                size += chunk.readableBytes
                guard size <= limit else { throw BlobError.tooLarge(limit: limit) }
                let bytes = Data(chunk.readableBytesView)
                hasher.update(data: bytes)
                try await blocking { try handle.write(contentsOf: bytes) }
            }
            try await blocking { try handle.close() }
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
        return StagedBlob(key: BlobKey(digest: hasher.finalize()), size: size, temporaryPath: temporary)
    }

    /// Stages a copy of a file that already exists (for example a rendered or generated output).
    public func stage(fileAt path: String, limit: Int = .max) async throws -> StagedBlob {
        let temporary = root + "/tmp/" + UUID().uuidString
        return try await blocking {
            try FileManager.default.copyItem(atPath: path, toPath: temporary)
            let size = (try FileManager.default.attributesOfItem(atPath: temporary)[.size] as? Int) ?? 0
            guard size <= limit else {
                try? FileManager.default.removeItem(atPath: temporary)
                throw BlobError.tooLarge(limit: limit)
            }
            let input = try FileHandle(forReadingFrom: URL(fileURLWithPath: temporary))
            defer { try? input.close() }
            var hasher = SHA256()
            while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
            return StagedBlob(key: BlobKey(digest: hasher.finalize()), size: size, temporaryPath: temporary)
        }
    }

    /// Moves a staged blob to its content address and returns the stored blob; identical content
    /// already stored is kept and the staged copy removed.
    @discardableResult
    public func commit(_ staged: StagedBlob) async throws -> StoredBlob {
        let destination = path(for: staged.key)
        let directory = (destination as NSString).deletingLastPathComponent
        try await blocking {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            if FileManager.default.fileExists(atPath: destination) {
                try FileManager.default.removeItem(atPath: staged.temporaryPath)
            } else {
                // rename(2) is atomic: a reader sees the whole blob or none.
                guard rename(staged.temporaryPath, destination) == 0 else {
                    throw BlobError.io("cannot move blob into place: \(String(cString: strerror(errno)))")
                }
            }
        }
        return StoredBlob(key: staged.key, size: staged.size, path: destination)
    }

    /// Removes a staged blob that will not be kept.
    public func discard(_ staged: StagedBlob) async {
        try? await blocking { try FileManager.default.removeItem(atPath: staged.temporaryPath) }
    }

    private func blocking<Result: Sendable>(_ body: @escaping @Sendable () throws -> Result) async throws -> Result {
        try await threadPool.runIfActive(body)
    }
}

/// The content address of a blob: the lowercase hex SHA-256 of its bytes, written `sha256:<hex>`.
public struct BlobKey: Sendable, Hashable, CustomStringConvertible {
    /// 64 lowercase hex digits.
    public let hex: String

    init(digest: SHA256.Digest) {
        hex = digest.map { String(format: "%02x", $0) }.joined()
    }

    /// Parses `sha256:<64 hex digits>`; nil for anything else (so a key can never name a path outside the store).
    public init?(_ text: String) {
        guard text.hasPrefix("sha256:") else { return nil }
        let hex = text.dropFirst(7)
        guard hex.count == 64, hex.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else { return nil }
        self.hex = String(hex)
    }

    public var description: String { "sha256:" + hex }
}

/// A blob written to a temporary file, not yet kept.
public struct StagedBlob: Sendable {
    /// Its content address.
    public let key: BlobKey
    /// Its size in bytes.
    public let size: Int
    /// The temporary file (valid until ``BlobStore/commit(_:)`` or ``BlobStore/discard(_:)``).
    public let temporaryPath: String
}

/// A blob kept in the store.
public struct StoredBlob: Sendable {
    public let key: BlobKey
    public let size: Int
    /// The file that holds it.
    public let path: String
}

/// Why a blob could not be stored.
public enum BlobError: Error, CustomStringConvertible, Sendable {
    /// More bytes arrived than allowed.
    case tooLarge(limit: Int)
    /// The file system refused an operation.
    case io(String)

    public var description: String {
        switch self {
        case .tooLarge(let limit): "the file is larger than the limit of \(limit) bytes"
        case .io(let message): message
        }
    }
}
