import Foundation
import Logging

/// Everything `editbay serve` can be told, with the defaults it runs on when told nothing.
public struct ServerConfiguration: Sendable {
    /// Address to bind (`EDITBAY_HOST`, `--host`). Default `127.0.0.1`.
    public var host: String = "127.0.0.1"
    /// Port to bind (`EDITBAY_PORT`, `--port`); 0 picks a free port. Default 8080.
    public var port: Int = 8080
    /// Where EditBay keeps its embedded database, secret and media (`EDITBAY_DATA_DIR`, `--data-dir`). Default `./.editbay`.
    public var dataDirectory: String = ".editbay"
    /// An external PostgreSQL (`DATABASE_URL`); nil starts the embedded one.
    public var databaseURL: String?
    /// Redis for running several server nodes on one database (`REDIS_URL`: `redis://[:password@]host:port[/db]`
    /// or `unix:///path`); rooms relay updates, awareness and membership changes through it. nil: one node.
    public var redisURL: String?
    /// HS256 secret for access tokens (`EDITBAY_JWT_SECRET`, at least 32 bytes); nil uses the one in the data dir.
    public var jwtSecret: String?
    /// Log level (`LOG_LEVEL`): trace, debug, info, notice, warning, error, critical. Default info.
    public var logLevel: Logger.Level = .info
    /// Origins allowed by CORS (`EDITBAY_CORS_ORIGINS`, comma-separated; `*` allows any). Default none.
    public var corsOrigins: [String] = []
    /// bcrypt cost factor (`EDITBAY_BCRYPT_COST`, 4–31). Default 12.
    public var bcryptCost: Int = 12
    /// Lifetime of access tokens in seconds (`EDITBAY_ACCESS_TOKEN_TTL`). Default 900 (15 minutes).
    public var accessTokenLifetime: Int = 900
    /// Lifetime of refresh tokens in seconds (`EDITBAY_REFRESH_TOKEN_TTL`). Default 2,592,000 (30 days).
    public var refreshTokenLifetime: Int = 2_592_000
    /// Login attempts allowed per email in the window (`EDITBAY_LOGIN_LIMIT_PER_EMAIL`). Default 10.
    public var loginAttemptsPerEmail: Int = 10
    /// Login attempts allowed per client IP in the window (`EDITBAY_LOGIN_LIMIT_PER_IP`). Default 50.
    public var loginAttemptsPerIP: Int = 50
    /// The rate-limit window in seconds (`EDITBAY_LOGIN_LIMIT_WINDOW`). Default 900.
    public var loginWindow: Int = 900

    /// Largest accepted media upload in bytes (`EDITBAY_MAX_UPLOAD_BYTES`). Default 2 GiB.
    public var maximumUploadBytes: Int = 2 << 30
    /// Where media blobs are kept (`EDITBAY_BLOB_DIR`); nil means `<data dir>/blobs`.
    public var blobDirectory: String?

    public init() {}

    /// The blob store's directory as an absolute path.
    public var absoluteBlobDirectory: String {
        URL(fileURLWithPath: blobDirectory ?? (dataDirectory + "/blobs")).standardizedFileURL.path
    }

    /// The data directory as an absolute path.
    public var absoluteDataDirectory: String {
        URL(fileURLWithPath: dataDirectory).standardizedFileURL.path
    }
}
