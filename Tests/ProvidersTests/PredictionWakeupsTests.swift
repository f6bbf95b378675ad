import Foundation
@testable import Providers
import Testing

/// The early wake-up of polls by webhooks (internal API, hence @testable).
@Suite struct PredictionWakeupsTests {
    @Test func aWakeEndsTheWait() async {
        let wakeups = PredictionWakeups()
        let woken = await withTaskGroup(of: Bool?.self) { group in
            group.addTask { await wakeups.wait(for: "p1", upTo: .seconds(60)) }
            group.addTask {
                // Wake repeatedly until the waiter has registered (a wake with no waiter is dropped).
                for _ in 0..<2000 {
                    try? await Task.sleep(for: .milliseconds(5))
                    wakeups.wake("p1")
                }
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        #expect(woken == true)
    }

    @Test func aWakeWhileWatchedIsRememberedForTheNextWait() async throws {
        let wakeups = PredictionWakeups()
        let woken = try await wakeups.watching("p2") { () async throws(ProviderError) -> Bool in
            wakeups.wake("p2")
            return await wakeups.wait(for: "p2", upTo: .seconds(60))
        }
        #expect(woken)
    }

    @Test func aWaitWithoutWakeTimesOut() async {
        let wakeups = PredictionWakeups()
        wakeups.wake("p3")  // not watched: dropped
        #expect(await wakeups.wait(for: "p3", upTo: .milliseconds(30)) == false)
    }

    @Test func cancellationEndsTheWait() async {
        let wakeups = PredictionWakeups()
        let task = Task { await wakeups.wait(for: "p4", upTo: .seconds(60)) }
        task.cancel()
        #expect(await task.value == false)
    }
}
