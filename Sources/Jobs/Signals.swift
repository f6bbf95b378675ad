import Synchronization

/// Why an idle worker slot woke up.
public enum WakeReason: Sendable, Equatable {
    /// A `NOTIFY` (or a finished job) rang.
    case notification
    /// The wait ran out (poll interval or the next due job).
    case timer
    /// The pool is shutting down.
    case closed
}

/// Wakes waiting worker slots: each ring wakes one waiter, or is kept (up to `maxPermits`) for the next wait.
final class Doorbell: Sendable {
    private struct State {
        var permits = 0
        var closed = false
        var nextID = 0
        var waiters: [Int: CheckedContinuation<WakeReason?, Never>] = [:]
    }

    private let state = Mutex(State())
    private let maxPermits: Int

    init(maxPermits: Int) { self.maxPermits = maxPermits }

    /// Wakes one waiter, or lets the next wait return at once.
    func ring() {
        let waiter: CheckedContinuation<WakeReason?, Never>? = state.withLock { state in
            if let (id, waiter) = state.waiters.first {
                state.waiters.removeValue(forKey: id)
                return waiter
            }
            state.permits = min(state.permits + 1, maxPermits)
            return nil
        }
        waiter?.resume(returning: .notification)
    }

    /// Wakes every waiter for good.
    func close() {
        let waiters = state.withLock { state in
            state.closed = true
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume(returning: .closed) }
    }

    var isClosed: Bool { state.withLock { $0.closed } }

    /// Waits for a ring, the close, or `timeout`.
    func wait(timeout: Duration) async -> WakeReason {
        if let now = takeImmediately() { return now }
        return await withTaskGroup(of: WakeReason?.self) { group in
            group.addTask { await self.waitForRing() }
            group.addTask {
                do { try await Task.sleep(for: timeout) } catch { return nil }
                return .timer
            }
            var reason: WakeReason?
            if let first = await group.next() { reason = first }
            group.cancelAll()
            // A ring that raced with the timer must not be lost.
            for await other in group where other == .notification || other == .closed { reason = other }
            return reason ?? .timer
        }
    }

    private func takeImmediately() -> WakeReason? {
        state.withLock { state in
            if state.closed { return .closed }
            if state.permits > 0 {
                state.permits -= 1
                return .notification
            }
            return nil
        }
    }

    private func waitForRing() async -> WakeReason? {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<WakeReason?, Never>) in
                let now: WakeReason?? = state.withLock { state in
                    if state.closed { return .some(.closed) }
                    if state.permits > 0 {
                        state.permits -= 1
                        return .some(.notification)
                    }
                    if Task.isCancelled { return .some(nil) }
                    state.waiters[id] = continuation
                    return .none
                }
                if let now { continuation.resume(returning: now) }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume(returning: nil)
        }
    }
}

/// A value sent once (e.g. why a running job must stop) that any number of tasks can wait for.
final class OneShot<Value: Sendable>: Sendable {
    private struct State {
        var value: Value?
        var nextID = 0
        var waiters: [Int: CheckedContinuation<Value?, Never>] = [:]
    }

    private let state = Mutex(State())

    init() {}

    /// The value, once sent.
    var value: Value? { state.withLock { $0.value } }

    /// Sends the value (only the first one counts) and wakes every waiter.
    func send(_ value: Value) {
        let waiters: [CheckedContinuation<Value?, Never>] = state.withLock { state in
            guard state.value == nil else { return [] }
            state.value = value
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume(returning: value) }
    }

    /// The value, waiting at most `timeout` for it (nil when it did not come in time or the task was cancelled).
    func wait(timeout: Duration) async -> Value? {
        if let value { return value }
        return await withTaskGroup(of: Value?.self) { group in
            group.addTask { await self.waitForValue() }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            var result = await group.next() ?? nil
            group.cancelAll()
            for await other in group where result == nil { result = other }
            return result ?? value
        }
    }

    private func waitForValue() async -> Value? {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Value?, Never>) in
                let now: Value?? = state.withLock { state in
                    if let value = state.value { return .some(value) }
                    if Task.isCancelled { return .some(nil) }
                    state.waiters[id] = continuation
                    return .none
                }
                if let now { continuation.resume(returning: now) }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume(returning: nil)
        }
    }
}
