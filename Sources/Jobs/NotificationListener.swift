import Logging
import PostgresNIO
import Storage

/// LISTENs on some channels on one pooled connection and hands each notification to `handle`, in order per
/// channel. Reconnects after an error (a restarted server); ends when its task is cancelled.
struct NotificationListener: Sendable {
    let database: Database
    let channels: [String]
    let logger: Logger

    func run(
        onListening: @escaping @Sendable () -> Void,
        handle: @escaping @Sendable (_ channel: String, _ payload: String) async -> Void
    ) async {
        var delay = Duration.milliseconds(100)
        while !Task.isCancelled {
            let started = ContinuousClock.now
            do {
                try await database.client.withConnection { connection in
                    try await Self.listen(connection, channels[...], [], logger: logger) { sequences in
                        onListening()
                        await withTaskGroup(of: Void.self) { group in
                            for (channel, sequence) in sequences {
                                group.addTask {
                                    do {
                                        for try await notification in sequence { await handle(channel, notification.payload) }
                                    } catch {}
                                }
                            }
                            // One sequence ending (connection lost) ends them all, to listen again.
                            await group.next()
                            group.cancelAll()
                        }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                logger.warning("job notifications: listening failed, retrying", metadata: ["error": "\(String(reflecting: error))"])
            }
            if Task.isCancelled { return }
            if ContinuousClock.now - started > .seconds(10) { delay = .milliseconds(100) }
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(5))
        }
    }

    private static func listen(
        _ connection: PostgresConnection,
        _ channels: ArraySlice<String>,
        _ sequences: [(String, PostgresNotificationSequence)],
        logger: Logger,
        body: @escaping @Sendable ([(String, PostgresNotificationSequence)]) async throws -> Void
    ) async throws {
        guard let channel = channels.first else { return try await body(sequences) }
        try await connection.listen(on: channel) { sequence in
            try await listen(connection, channels.dropFirst(), sequences + [(channel, sequence)], logger: logger, body: body)
        }
    }
}
