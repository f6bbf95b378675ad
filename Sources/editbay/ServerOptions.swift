import API
import CollabServer
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

    /// The collaboration limits from the environment (`EDITBAY_MAX_CONNECTIONS_PER_PROJECT`,
    /// `EDITBAY_MAX_CONNECTIONS_PER_USER`, `EDITBAY_MESSAGES_PER_SECOND`, `EDITBAY_MESSAGE_BURST`,
    /// `EDITBAY_MAX_DOCUMENT_BYTES`, `EDITBAY_MAX_MESSAGE_BYTES`), over `CollabConfiguration`'s defaults.
    func collabConfiguration() throws -> CollabConfiguration {
        let reader = ConfigReader(provider: EnvironmentVariablesProvider())
        var collab = CollabConfiguration()
        collab.maximumConnectionsPerProject = reader.int(forKey: "editbay.max.connections.per.project", default: collab.maximumConnectionsPerProject)
        collab.maximumConnectionsPerUser = reader.int(forKey: "editbay.max.connections.per.user", default: collab.maximumConnectionsPerUser)
        collab.messagesPerSecond = Double(reader.int(forKey: "editbay.messages.per.second", default: Int(collab.messagesPerSecond)))
        collab.messageBurst = Double(reader.int(forKey: "editbay.message.burst", default: Int(collab.messageBurst)))
        collab.maximumDocumentBytes = reader.int(forKey: "editbay.max.document.bytes", default: collab.maximumDocumentBytes)
        collab.maximumMessageSize = reader.int(forKey: "editbay.max.message.bytes", default: collab.maximumMessageSize)
        guard collab.maximumConnectionsPerProject > 0, collab.maximumConnectionsPerUser > 0, collab.messagesPerSecond > 0,
            collab.messageBurst >= 1, collab.maximumDocumentBytes > 0, collab.maximumMessageSize >= 1024
        else { throw ValidationError("EDITBAY_MAX_* / EDITBAY_MESSAGE* limits must be positive (message size at least 1024)") }
        return collab
    }

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
