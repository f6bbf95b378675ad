import Foundation
import Synchronization

/// What the slots of one worker pool share: the doorbell, the running jobs' stop signals, the per-kind
/// limits and the shutdown flag.
final class PoolState: Sendable {
    let doorbell: Doorbell
    private let limits: [String: Int]
    private let state: Mutex<State>

    private struct State {
        var shuttingDown = false
        var stops: [UUID: OneShot<StopReason>] = [:]
        var running: [String: Int] = [:]
        var lastLapsedCheck: ContinuousClock.Instant?
    }

    /// - Parameter limits: the most jobs of each kind run at once.
    init(slots: Int, limits: [String: Int]) {
        doorbell = Doorbell(maxPermits: max(1, slots))
        self.limits = limits
        state = Mutex(State())
    }

    var isShuttingDown: Bool { state.withLock { $0.shuttingDown } }

    /// Stops claiming and tells every running job to stop (they go back to the queue).
    func beginShutdown() {
        let stops = state.withLock { state in
            state.shuttingDown = true
            return Array(state.stops.values)
        }
        doorbell.close()
        for stop in stops { stop.send(.shutdown) }
    }

    /// Registers a running job's stop signal; returns false when the pool is shutting down.
    func register(_ id: UUID, stop: OneShot<StopReason>) -> Bool {
        state.withLock { state in
            state.stops[id] = stop
            return !state.shuttingDown
        }
    }

    func unregister(_ id: UUID) {
        _ = state.withLock { $0.stops.removeValue(forKey: id) }
    }

    /// A cancel was requested for `id` (by `NOTIFY`): stops it if it runs here.
    func requestCancel(_ id: UUID) {
        let stop = state.withLock { $0.stops[id] }
        stop?.send(.cancelRequested)
    }

    /// How many more jobs of each kind may start now. (Claims of a pool run one at a time, through its
    /// claim batcher, so this cannot race with another claim of the pool.)
    func capacities() -> [String: Int] {
        state.withLock { state in limits.mapValues { $0 }.reduce(into: [:]) { $0[$1.key] = $1.value - state.running[$1.key, default: 0] } }
    }

    /// The kinds a slot could claim now.
    func availableKinds() -> [String] { capacities().filter { $0.value > 0 }.map(\.key) }

    /// Counts a claimed job of `kind` as running.
    func started(kind: String) {
        state.withLock { $0.running[kind, default: 0] += 1 }
    }

    /// A job of `kind` ended; returns whether its kind is limited below the slot count (a slot may be
    /// waiting for it).
    func finished(kind: String, slots: Int) -> Bool {
        state.withLock { state in state.running[kind, default: 1] -= 1 }
        return limits[kind, default: .max] < slots
    }

    /// Whether it is time to look for jobs whose worker died, even though queued jobs keep the slots busy.
    func lapsedCheckDue(every interval: Duration) -> Bool {
        let now = ContinuousClock.now
        return state.withLock { state in
            if let last = state.lastLapsedCheck, now - last < interval { return false }
            state.lastLapsedCheck = now
            return true
        }
    }
}
