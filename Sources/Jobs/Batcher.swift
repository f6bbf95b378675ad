import Synchronization

/// Group commit: concurrent callers' inputs go to the database in one statement.
///
/// The first caller leads: it runs a batch of its own input plus those waiting (up to `maxBatch`), hands the
/// lead to the next waiter, then gives each waiter its output. Alone, a caller runs at once (batch of one);
/// under load, batches grow by themselves. No task is created.
final class Batcher<Input: Sendable, Output: Sendable>: Sendable {
    typealias Run = @Sendable ([Input]) async throws -> [Output]

    private enum Role: Sendable {
        case result(Output)
        case lead
    }

    private struct Waiter: Sendable {
        let input: Input
        let continuation: CheckedContinuation<Role, any Error>
    }

    private struct State {
        var pending: [Waiter] = []
        var leading = false
    }

    private let state = Mutex(State())
    private let maxBatch: Int
    private let run: Run

    /// - Parameter run: returns one output per input, in order.
    init(maxBatch: Int, run: @escaping Run) {
        self.maxBatch = max(1, maxBatch)
        self.run = run
    }

    func submit(_ input: Input) async throws -> Output {
        let leadNow = state.withLock { state in
            if state.leading { return false }
            state.leading = true
            return true
        }
        if leadNow { return try await lead(input) }
        let role = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Role, any Error>) in
            let leadInstead = state.withLock { state in
                if !state.leading {
                    state.leading = true
                    return true
                }
                state.pending.append(Waiter(input: input, continuation: continuation))
                return false
            }
            if leadInstead { continuation.resume(returning: .lead) }
        }
        switch role {
        case .result(let output): return output
        case .lead: return try await lead(input)
        }
    }

    private func lead(_ own: Input) async throws -> Output {
        let batch: [Waiter] = state.withLock { state in
            let count = min(state.pending.count, maxBatch - 1)
            defer { state.pending.removeFirst(count) }
            return Array(state.pending.prefix(count))
        }
        let result: Result<[Output], any Error>
        do {
            let outputs = try await run([own] + batch.map(\.input))
            precondition(outputs.count == batch.count + 1, "a batch must give one output per input")
            result = .success(outputs)
        } catch {
            result = .failure(error)
        }
        let next: Waiter? = state.withLock { state in
            if state.pending.isEmpty {
                state.leading = false
                return nil
            }
            return state.pending.removeFirst()
        }
        next?.continuation.resume(returning: .lead)
        switch result {
        case .success(let outputs):
            for (index, waiter) in batch.enumerated() { waiter.continuation.resume(returning: .result(outputs[index + 1])) }
            return outputs[0]
        case .failure(let error):
            for waiter in batch { waiter.continuation.resume(throwing: error) }
            throw error
        }
    }
}
