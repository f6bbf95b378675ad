import Configuration
import Foundation
import Logging
import Redis

extension ServerConfiguration {
    /// Reads the configuration. Keys (environment variable in brackets):
    /// - `editbay.host` (`EDITBAY_HOST`), `editbay.port` (`EDITBAY_PORT`), `editbay.data.dir` (`EDITBAY_DATA_DIR`)
    /// - `database.url` (`DATABASE_URL`, secret), `editbay.jwt.secret` (`EDITBAY_JWT_SECRET`, secret)
    /// - `redis.url` (`REDIS_URL`, secret: it may hold a password)
    /// - `log.level` (`LOG_LEVEL`), `editbay.cors.origins` (`EDITBAY_CORS_ORIGINS`), `editbay.bcrypt.cost` (`EDITBAY_BCRYPT_COST`)
    /// - `editbay.access.token.ttl`, `editbay.refresh.token.ttl`, `editbay.login.limit.per.email`,
    ///   `editbay.login.limit.per.ip`, `editbay.login.limit.window`
    /// - `editbay.max.upload.bytes` (`EDITBAY_MAX_UPLOAD_BYTES`), `editbay.blob.dir` (`EDITBAY_BLOB_DIR`)
    ///
    /// Put command-line flags in a provider before the environment so that they win.
    public init(reader: ConfigReader) throws(ConfigurationError) {
        var configuration = ServerConfiguration()
        configuration.host = reader.string(forKey: "editbay.host", default: configuration.host)
        configuration.port = reader.int(forKey: "editbay.port", default: configuration.port)
        configuration.dataDirectory = reader.string(forKey: "editbay.data.dir", default: configuration.dataDirectory)
        configuration.databaseURL = reader.string(forKey: "database.url", isSecret: true).flatMap { $0.isEmpty ? nil : $0 }
        configuration.jwtSecret = reader.string(forKey: "editbay.jwt.secret", isSecret: true).flatMap { $0.isEmpty ? nil : $0 }
        configuration.redisURL = reader.string(forKey: "redis.url", isSecret: true).flatMap { $0.isEmpty ? nil : $0 }
        let level = reader.string(forKey: "log.level", default: "info").lowercased()
        guard let logLevel = Logger.Level(rawValue: level) else {
            throw ConfigurationError(setting: "LOG_LEVEL", "must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        configuration.logLevel = logLevel
        configuration.corsOrigins = reader.string(forKey: "editbay.cors.origins", default: "")
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        configuration.bcryptCost = reader.int(forKey: "editbay.bcrypt.cost", default: configuration.bcryptCost)
        configuration.accessTokenLifetime = reader.int(forKey: "editbay.access.token.ttl", default: configuration.accessTokenLifetime)
        configuration.refreshTokenLifetime = reader.int(forKey: "editbay.refresh.token.ttl", default: configuration.refreshTokenLifetime)
        configuration.loginAttemptsPerEmail = reader.int(forKey: "editbay.login.limit.per.email", default: configuration.loginAttemptsPerEmail)
        configuration.loginAttemptsPerIP = reader.int(forKey: "editbay.login.limit.per.ip", default: configuration.loginAttemptsPerIP)
        configuration.loginWindow = reader.int(forKey: "editbay.login.limit.window", default: configuration.loginWindow)
        configuration.maximumUploadBytes = reader.int(forKey: "editbay.max.upload.bytes", default: configuration.maximumUploadBytes)
        configuration.blobDirectory = reader.string(forKey: "editbay.blob.dir").flatMap { $0.isEmpty ? nil : $0 }
        try configuration.validate()
        self = configuration
    }

    /// Checks every bound; the error names the setting to fix.
    public func validate() throws(ConfigurationError) {
        guard (0...65535).contains(port) else { throw ConfigurationError(setting: "EDITBAY_PORT", "must be 0–65535") }
        guard (4...31).contains(bcryptCost) else { throw ConfigurationError(setting: "EDITBAY_BCRYPT_COST", "must be 4–31") }
        if let jwtSecret, jwtSecret.utf8.count < 32 {
            throw ConfigurationError(setting: "EDITBAY_JWT_SECRET", "must be at least 32 bytes (HS256 needs a 256-bit key)")
        }
        guard accessTokenLifetime > 0, refreshTokenLifetime > 0, loginWindow > 0, loginAttemptsPerEmail > 0, loginAttemptsPerIP > 0
        else { throw ConfigurationError(setting: "EDITBAY_*_TTL / EDITBAY_LOGIN_LIMIT_*", "must be positive") }
        guard maximumUploadBytes > 0 else { throw ConfigurationError(setting: "EDITBAY_MAX_UPLOAD_BYTES", "must be positive") }
        if let redisURL {
            do {
                _ = try RedisConfiguration(url: redisURL)
            } catch {
                throw ConfigurationError(setting: "REDIS_URL", error.message)
            }
        }
    }
}

/// A setting has a value EditBay cannot use.
public struct ConfigurationError: Error, CustomStringConvertible {
    public let setting: String
    public let message: String

    public init(setting: String, _ message: String) {
        self.setting = setting
        self.message = message
    }

    public var description: String { "\(setting) \(message)" }
}
