import Foundation
import Logging
import ServiceLifecycle
import Storage

/// Applies landings that jobs run by processes without rooms (`editbay worker`) left pending: run it in every
/// `editbay serve`. It claims pending landings (`FOR UPDATE SKIP LOCKED`, so two servers never apply the same
/// one), hands each to ``JobLanding``, stores the outcome and notifies; the waiting job picks the outcome up.
/// Wakes on `NOTIFY editbay_landing_pending` and polls as a fallback.
public struct LandingApplier: Service {
    let database: Database
    let landing: any JobLanding
    let configuration: JobWorkerConfiguration
    let logger: Logger

    /// Uses `workerID` (as the claimer), `pollInterval` and `lease` (after which an interrupted claim is
    /// taken over) of `configuration`.
    public init(database: Database, landing: any JobLanding, configuration: JobWorkerConfiguration, logger: Logger) {
        self.database = database
        self.landing = landing
        self.configuration = configuration
        self.logger = logger
    }

    public func run() async throws {
        let doorbell = Doorbell(maxPermits: 1)
        let desk = LandingDesk(database: database, claimer: configuration.workerID, lease: configuration.lease, landing: landing)
        let listener = NotificationListener(database: database, channels: [JobRepository.Channel.landingPending], logger: logger)
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    await listener.run(onListening: { doorbell.ring() }) { _, _ in doorbell.ring() }
                }
                while !doorbell.isClosed && !Task.isCancelled {
                    do {
                        if try await desk.applyNext(jobID: nil, releaseOnError: false) != nil { continue }
                    } catch {
                        logger.warning("landing applier: a landing failed, retrying later", metadata: ["error": "\(String(reflecting: error))"])
                    }
                    _ = await doorbell.wait(timeout: configuration.pollInterval)
                }
                group.cancelAll()
            }
        } onGracefulShutdown: {
            doorbell.close()
        }
    }
}
