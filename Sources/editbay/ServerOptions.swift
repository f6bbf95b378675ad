import API
import ArgumentParser
import Configuration
import Foundation
import Logging

/// Flags shared by the commands that reach the database; each overrides its environment variable.
struct ServerOptions: ParsableArguments {
    @Option(name: .long, help: "Address to bind (EDITBAY_HOST, default 127.0.0.1).")
    var host: String?
    @Option(name: .long, help: "Port to bind, 0 for any free port (EDITBAY_PORT, default 8080).")
    var port: Int?
    @Option(name: .long, help: "Data directory: embedded database, secret, media (EDITBAY_DATA_DIR, default ./.editbay).")
    var dataDir: String?

    /// The configuration from these flags over the environment.
    func configuration() throws -> ServerConfiguration {
        var overrides: [AbsoluteConfigKey: ConfigValue] = [:]
        if let host { overrides["editbay.host"] = .init(.string(host), isSecret: false) }
        if let port { overrides["editbay.port"] = .init(.int(port), isSecret: false) }
        if let dataDir { overrides["editbay.data.dir"] = .init(.string(dataDir), isSecret: false) }
        let reader = ConfigReader(providers: [InMemoryProvider(name: "flags", values: overrides), EnvironmentVariablesProvider()])
        do {
            return try ServerConfiguration(reader: reader)
        } catch {
            throw ValidationError("\(error)")
        }
    }
}

/// Logs to standard output at the configured level, once per process.
func bootstrapLogging(level: Logger.Level) -> Logger {
    LoggingSystem.bootstrap { label in
        var handler = StreamLogHandler.standardOutput(label: label)
        handler.logLevel = level
        return handler
    }
    var logger = Logger(label: "editbay")
    logger.logLevel = level
    return logger
}
