import Foundation
import Synchronization

/// Lets a webhook wake a provider that is waiting between polls of a provider job.
///
/// Polling alone is correct: a wake only shortens the current wait. A wake that arrives while the job is being
/// watched but nobody waits (between two polls) is remembered, so the next wait returns at once. Wakes for
/// jobs nobody watches are dropped, so memory stays bounded.
public final class PredictionWakeups: Sendable {
    private struct State {
        var waiters: [String: [UInt64: CheckedContinuation<Void, Never>]] = [:]
        var watched: [String: Int] = [:]
        var pending: Set<String> = []
        /// Tokens handed out whose continuation is not registered yet; a cancel removes them early.
        var unregistered: Set<UInt64> = []
        var nextToken: UInt64 = 0
    }

    private let state = Mutex(State())

    /// Creates an empty registry.
    public init() {}

    /// Wakes whoever waits on `jobID` (e.g. a prediction id from a verified webhook).
    public func wake(_ jobID: String) {
        let continuations: [CheckedContinuation<Void, Never>] = state.withLock { state in
            let waiting = state.waiters.removeValue(forKey: jobID).map { Array($0.values) } ?? []
            if waiting.isEmpty, state.watched[jobID] != nil { state.pending.insert(jobID) }
            return waiting
        }
        for continuation in continuations { continuation.resume() }
    }

    /// Runs `body` while wakes for `jobID` are remembered.
    func watching<Result>(_ jobID: String, _ body: () async throws(ProviderError) -> Result) async throws(ProviderError) -> Result {
        state.withLock { $0.watched[jobID, default: 0] += 1 }
        defer {
            state.withLock { state in
                let count = (state.watched[jobID] ?? 1) - 1
                if count == 0 {
                    state.watched[jobID] = nil
                    state.pending.remove(jobID)
                } else {
                    state.watched[jobID] = count
                }
            }
        }
        return try await body()
    }

    /// Waits up to `duration`, less when `jobID` is woken. Returns true when woken. Cancellation ends the wait.
    func wait(for jobID: String, upTo duration: Duration) async -> Bool {
        if state.withLock({ $0.pending.remove(jobID) != nil }) { return true }
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                try? await Task.sleep(for: duration)
                return false
            }
            group.addTask { await self.waitForWake(jobID) }
            let first = await group.next() ?? false
            group.cancelAll()
            return first && !Task.isCancelled
        }
    }

    /// Suspends until `wake(jobID)` or cancellation; true when woken.
    private func waitForWake(_ jobID: String) async -> Bool {
        let token = state.withLock { state -> UInt64 in
            state.nextToken += 1
            state.unregistered.insert(state.nextToken)
            return state.nextToken
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    // Missing means the task was cancelled before we got here.
                    guard state.unregistered.remove(token) != nil else { return true }
                    state.waiters[jobID, default: [:]][token] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let continuation = state.withLock { state -> CheckedContinuation<Void, Never>? in
                if state.unregistered.remove(token) != nil { return nil }  // registration will resume at once
                let continuation = state.waiters[jobID]?.removeValue(forKey: token)
                if state.waiters[jobID]?.isEmpty == true { state.waiters[jobID] = nil }
                return continuation  // nil: a wake already resumed it
            }
            continuation?.resume()
        }
        return !Task.isCancelled
    }
}
