// Job queue benchmark: no-op jobs through the PostgreSQL queue with 1 and 4 worker slots.
//
//   make bench-jobs            (runs this in release mode under scripts/with-test-postgres.sh)
//   JobsBenchmark [--jobs N] [--samples M] [--workers 1,4] [--database-url postgres://…]
//
// The server comes from --database-url, DATABASE_URL or EDITBAY_TEST_DATABASE_URL; a database of its own is
// created there, migrated, and dropped at the end. Prints figures; asserts nothing.
import Foundation
import Jobs
import Logging
import PostgresNIO
import Storage
import Synchronization
import Timeline

struct Options {
    var jobs = 5000
    var samples = 300
    var workers = [1, 4]
    var databaseURL: String?
    var calibrate = false

    init(arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--jobs": jobs = iterator.next().flatMap(Int.init) ?? jobs
            case "--samples": samples = iterator.next().flatMap(Int.init) ?? samples
            case "--workers": workers = (iterator.next() ?? "").split(separator: ",").compactMap { Int($0) }
            case "--database-url": databaseURL = iterator.next()
            case "--calibrate": calibrate = true
            default:
                print("usage: JobsBenchmark [--jobs N] [--samples M] [--workers 1,4] [--database-url URL]")
                exit(2)
            }
        }
        let environment = ProcessInfo.processInfo.environment
        databaseURL = databaseURL ?? environment["DATABASE_URL"] ?? environment["EDITBAY_TEST_DATABASE_URL"]
    }
}

/// When each job was enqueued and started, by its sequence number.
final class Clock: Sendable {
    let state: Mutex<(enqueued: [Int: ContinuousClock.Instant], started: [Int: ContinuousClock.Instant], finished: Int)>
    let startedStream: AsyncStream<Int>
    let startedContinuation: AsyncStream<Int>.Continuation
    let allFinished: AsyncStream<Void>
    let allFinishedContinuation: AsyncStream<Void>.Continuation
    let target: Mutex<Int>

    init() {
        state = Mutex(([:], [:], 0))
        (startedStream, startedContinuation) = AsyncStream.makeStream(of: Int.self)
        (allFinished, allFinishedContinuation) = AsyncStream.makeStream(of: Void.self)
        target = Mutex(.max)
    }

    func enqueued(_ i: Int) { let now = ContinuousClock.now; state.withLock { $0.enqueued[i] = now } }
    func started(_ i: Int) {
        let now = ContinuousClock.now
        state.withLock { $0.started[i] = now }
        startedContinuation.yield(i)
    }
    func finished() {
        let count = state.withLock { state in
            state.finished += 1
            return state.finished
        }
        if count == target.withLock({ $0 }) { allFinishedContinuation.yield() }
    }

    /// Enqueue-to-start latencies in milliseconds for sequence numbers in `range`, sorted.
    func latencies(_ range: Range<Int>) -> [Double] {
        state.withLock { state in
            range.compactMap { i in
                guard let start = state.started[i], let enqueue = state.enqueued[i] else { return nil }
                let d = start - enqueue
                return Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
            }.sorted()
        }
    }
}

struct NoOp: JobHandler {
    let kind = "bench.noop"
    let clock: Clock
    func run(_ context: JobContext) async throws -> JSONValue {
        if let i = context.job.params.objectValue?["i"]?.int64Value { clock.started(Int(i)) }
        return .null
    }
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return .nan }
    return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
}

func format(_ value: Double) -> String { String(format: "%.2f", value) }

func run(options: Options, server: DatabaseConfiguration, workers: Int, logger: Logger) async throws -> [String: Double] {
    let name = "editbay_jobs_bench_\(UInt32.random(in: 0 ... .max))"
    try await withClient(server, logger: logger) { admin in
        try await admin.query("CREATE DATABASE \(unescaped: name)", logger: logger)
    }
    var pooled = server.with(database: name)
    pooled.maximumConnections = 20
    let configuration = pooled
    let figures = try await withClient(configuration, logger: logger) { client in
        let database = Database(client: client, configuration: configuration, logger: logger)
        try await Migrator(client: client, logger: logger).migrate()
        let queue = JobQueue(database: database)
        let clock = Clock()
        let poolConfiguration = JobWorkerConfiguration(
            workerID: "bench-\(workers)", concurrency: workers, pollInterval: .seconds(5),
            onEvent: { event in if case .finished = event { clock.finished() } }
        )
        let pool = JobWorkerPool(database: database, handlers: [NoOp(clock: clock)], configuration: poolConfiguration, logger: logger)
        if options.calibrate {
            var t = ContinuousClock.now
            for _ in 0..<2000 { try await client.query("SELECT 1", logger: logger) }
            print("SELECT 1: \((ContinuousClock.now - t) / 2000)")
            t = ContinuousClock.now
            for i in 0..<2000 {
                _ = try await queue.enqueue(JobRequest(kind: "calibrate", params: .object(["i": .integer(Int64(i))]), projectID: nil, createdBy: nil))
            }
            print("enqueue: \((ContinuousClock.now - t) / 2000)")
            t = ContinuousClock.now
            for i in 0..<2000 {
                _ = try await database.jobs.enqueue(NewJobRecord(kind: "calibrate", params: "{}", projectID: nil, createdBy: nil, maxAttempts: 3))
                _ = i
            }
            print("repository enqueue: \((ContinuousClock.now - t) / 2000)")
            t = ContinuousClock.now
            for _ in 0..<2000 {
                _ = try await database.jobs.claim(kinds: ["calibrate"], workerID: "w")
            }
            print("claim: \((ContinuousClock.now - t) / 2000)")
        }
        return try await withThrowingTaskGroup(of: [String: Double].self) { group in
            group.addTask { try await pool.run(); return [:] }
            defer { group.cancelAll() }
            // Let the slots go idle.
            try await Task.sleep(for: .milliseconds(500))

            // 1. Idle workers: one job at a time, enqueue-to-start.
            let samples = options.samples
            for i in 0..<samples {
                clock.enqueued(i)
                _ = try await queue.enqueue(JobRequest(kind: "bench.noop", params: .object(["i": .integer(Int64(i))]), projectID: nil, createdBy: nil))
                for await started in clock.startedStream where started == i { break }
                try await Task.sleep(for: .milliseconds(2))
            }
            let idle = clock.latencies(0..<samples)

            // 2. Throughput: a burst of jobs from 8 producers while the workers run.
            try await Task.sleep(for: .milliseconds(200))
            let total = options.jobs
            clock.target.withLock { $0 = samples + total }
            let begin = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { producers in
                for producer in 0..<8 {
                    producers.addTask {
                        for i in stride(from: samples + producer, to: samples + total, by: 8) {
                            clock.enqueued(i)
                            _ = try await queue.enqueue(
                                JobRequest(kind: "bench.noop", params: .object(["i": .integer(Int64(i))]), projectID: nil, createdBy: nil)
                            )
                        }
                    }
                }
                try await producers.waitForAll()
            }
            let enqueued = ContinuousClock.now
            for await _ in clock.allFinished { break }
            let end = ContinuousClock.now
            let seconds = (end - begin) / .seconds(1)
            let burst = clock.latencies(samples..<(samples + total))
            return [
                "workers": Double(workers),
                "jobs": Double(total),
                "jobs_per_second": Double(total) / seconds,
                "enqueue_per_second": Double(total) / ((enqueued - begin) / .seconds(1)),
                "idle_p50_ms": percentile(idle, 0.5),
                "idle_p99_ms": percentile(idle, 0.99),
                "burst_p50_ms": percentile(burst, 0.5),
                "burst_p99_ms": percentile(burst, 0.99),
            ]
        }
    }
    try await withClient(server, logger: logger) { admin in
        try await admin.query("DROP DATABASE IF EXISTS \(unescaped: name) WITH (FORCE)", logger: logger)
    }
    return figures
}

@discardableResult
func withClient<Result: Sendable>(
    _ configuration: DatabaseConfiguration, logger: Logger, _ body: @Sendable (PostgresClient) async throws -> Result
) async throws -> Result {
    let client = PostgresClient(configuration: configuration.clientConfiguration, backgroundLogger: logger)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { await client.run() }
        defer { group.cancelAll() }
        return try await body(client)
    }
}

let options = Options(arguments: CommandLine.arguments)
guard let url = options.databaseURL else {
    print("JobsBenchmark needs a PostgreSQL server: --database-url, DATABASE_URL or EDITBAY_TEST_DATABASE_URL (make bench-jobs sets it)")
    exit(2)
}
var logger = Logger(label: "bench")
logger.logLevel = .error
let server = try DatabaseConfiguration(url: url)
print("no-op jobs through the queue: \(options.jobs) in a burst (8 producers), \(options.samples) one at a time to idle workers")
print("workers  jobs/s  enqueue/s  idle p50 ms  idle p99 ms  burst p50 ms  burst p99 ms")
for workers in options.workers {
    let f = try await run(options: options, server: server, workers: workers, logger: logger)
    print(
        String(repeating: " ", count: 7 - String(workers).count) + "\(workers)",
        String(format: "%7.0f %10.0f", f["jobs_per_second"]!, f["enqueue_per_second"]!),
        String(format: "%12.2f %12.2f %13.2f %13.2f", f["idle_p50_ms"]!, f["idle_p99_ms"]!, f["burst_p50_ms"]!, f["burst_p99_ms"]!)
    )
    let json = f.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \(format($0.value))" }.joined(separator: ", ")
    print("{\(json)}")
}
