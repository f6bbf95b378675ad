import CHiredis
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One hiredis connection, used synchronously: every call may block on the socket.
///
/// Not thread-safe and not `Sendable`: its owner (``RedisConnection`` or ``RedisSubscriber``) uses it from
/// one thread of its own, never from an event loop or Swift's cooperative pool.
final class RedisContext {
    private let context: UnsafeMutablePointer<redisContext>

    private init(_ context: UnsafeMutablePointer<redisContext>) {
        self.context = context
    }

    deinit { redisFree(context) }

    /// Connects, signs in (`AUTH`), checks the server answers (`PING`) and selects the database.
    /// - Throws: ``RedisError`` `CONNECTION_REFUSED`, `CONNECTION_FAILED`, `AUTHENTICATION_FAILED`, …
    static func connect(_ configuration: RedisConfiguration) throws(RedisError) -> RedisContext {
        blockBrokenPipeSignal()
        let timeout = editbay_timeval_ms(Self.milliseconds(configuration.connectTimeout))
        let raw: UnsafeMutablePointer<redisContext>?
        switch configuration.endpoint {
        case .tcp(let host, let port): raw = redisConnectWithTimeout(host, Int32(port), timeout)
        case .unixSocket(let path): raw = redisConnectUnixWithTimeout(path, timeout)
        }
        guard let raw else { throw RedisError(.connectionFailed, "out of memory while connecting to \(configuration.displayName)") }
        let context = RedisContext(raw)
        if raw.pointee.err != 0 {
            let reason = String(cString: editbay_redis_errstr(raw))
            let refused = reason.localizedCaseInsensitiveContains("refused")
            throw RedisError(refused ? .connectionRefused : .connectionFailed, "\(configuration.displayName): \(reason)")
        }
        // Commands of a dead server must not hang a thread for ever.
        _ = redisSetTimeout(raw, editbay_timeval_ms(5_000))
        if let password = configuration.password {
            let arguments = configuration.username.map { ["AUTH", $0, password] } ?? ["AUTH", password]
            let reply = try context.command(arguments)
            if case .error(let message) = reply {
                throw RedisError(.authenticationFailed, "\(configuration.displayName) refused the credentials: \(Self.firstWord(message))")
            }
        }
        switch try context.command(["PING"]) {
        case .error(let message) where message.hasPrefix("NOAUTH") || message.hasPrefix("WRONGPASS"):
            throw RedisError(.authenticationFailed, "\(configuration.displayName) needs a password (redis://:PASSWORD@host:port)")
        case .error(let message):
            throw RedisError(.serverError, "PING: \(message)")
        default:
            break
        }
        if configuration.database != 0, case .error(let message) = try context.command(["SELECT", String(configuration.database)]) {
            throw RedisError(.serverError, "SELECT \(configuration.database): \(message)")
        }
        return context
    }

    /// The socket, for `poll`.
    var fileDescriptor: Int32 { context.pointee.fd }

    /// Sends one command (arguments are binary-safe) and waits for its reply.
    func command(_ arguments: [String]) throws(RedisError) -> RedisReply {
        try command(arguments.map { Array($0.utf8) })
    }

    /// Sends one command (arguments are binary-safe) and waits for its reply.
    func command(_ arguments: [[UInt8]]) throws(RedisError) -> RedisReply {
        precondition(!arguments.isEmpty, "a command needs a name")
        let lengths = arguments.map(\.count)
        // Each argument's storage must stay alive while hiredis formats the command.
        let pointers = arguments.map { argument -> UnsafeMutablePointer<CChar> in
            let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: max(1, argument.count))
            argument.withUnsafeBytes { bytes in
                if let base = bytes.baseAddress { UnsafeMutableRawPointer(buffer).copyMemory(from: base, byteCount: argument.count) }
            }
            return buffer
        }
        defer { for pointer in pointers { pointer.deallocate() } }
        var argv = pointers.map { UnsafePointer<CChar>?($0) }
        let reply = argv.withUnsafeMutableBufferPointer { argv in
            lengths.withUnsafeBufferPointer { argvlen in
                redisCommandArgv(context, Int32(arguments.count), argv.baseAddress, argvlen.baseAddress)
            }
        }
        return try take(reply)
    }

    /// Queues `PUBLISH channel payload` (`%b` arguments); ``flush()`` or ``reply()`` sends it.
    func appendPublish(channel: String, payload: [UInt8]) throws(RedisError) {
        // Never an empty buffer: its base address would be nil; the lengths say what counts.
        let name = Array(channel.utf8) + [0]
        let body = payload.isEmpty ? [0] : payload
        let status = name.withUnsafeBufferPointer { name in
            body.withUnsafeBufferPointer { body in
                name.withMemoryRebound(to: CChar.self) { name in
                    body.withMemoryRebound(to: CChar.self) { body in
                        editbay_redis_append_publish(context, name.baseAddress, name.count - 1, body.baseAddress, payload.count)
                    }
                }
            }
        }
        guard status == REDIS_OK else { throw error("queueing PUBLISH") }
    }

    /// Queues `command argument` (SUBSCRIBE, PSUBSCRIBE, UNSUBSCRIBE, PUNSUBSCRIBE) with a binary argument.
    func append(_ command: String, _ argument: String) throws(RedisError) {
        let bytes = Array(argument.utf8) + [0]
        let status = bytes.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { bytes in
                editbay_redis_append_command1(context, command, bytes.baseAddress, bytes.count - 1)
            }
        }
        guard status == REDIS_OK else { throw error("queueing \(command)") }
    }

    /// Waits for the next reply (sending what is queued first).
    func reply() throws(RedisError) -> RedisReply {
        var raw: UnsafeMutableRawPointer?
        guard redisGetReply(context, &raw) == REDIS_OK else { throw error("reading a reply") }
        return try take(raw)
    }

    /// Writes everything queued.
    func flush() throws(RedisError) {
        var done: Int32 = 0
        while done == 0 {
            guard redisBufferWrite(context, &done) == REDIS_OK else { throw error("writing") }
        }
    }

    /// Reads what the socket has (call after `poll` said it is readable: then it does not block).
    /// - Throws: `CONNECTION_LOST` when the server closed the connection.
    func readAvailable() throws(RedisError) {
        guard redisBufferRead(context) == REDIS_OK else { throw error("reading") }
    }

    /// The next reply already read, if a whole one is buffered.
    func bufferedReply() throws(RedisError) -> RedisReply? {
        var raw: UnsafeMutableRawPointer?
        guard redisGetReplyFromReader(context, &raw) == REDIS_OK else { throw error("parsing a reply") }
        guard raw != nil else { return nil }
        return try take(raw)
    }

    private func take(_ raw: UnsafeMutableRawPointer?) throws(RedisError) -> RedisReply {
        guard let raw else { throw error("waiting for a reply") }
        defer { freeReplyObject(raw) }
        return Self.convert(raw.assumingMemoryBound(to: redisReply.self))
    }

    private func error(_ doing: String) -> RedisError {
        let reason = String(cString: editbay_redis_errstr(context))
        switch context.pointee.err {
        case REDIS_ERR_PROTOCOL: return RedisError(.protocolError, "\(doing): \(reason)")
        case REDIS_ERR_EOF: return RedisError(.connectionLost, "\(doing): the server closed the connection")
        default: return RedisError(.connectionLost, "\(doing): \(reason.isEmpty ? "I/O error" : reason)")
        }
    }

    private static func convert(_ reply: UnsafeMutablePointer<redisReply>) -> RedisReply {
        let value = reply.pointee
        func bytes() -> [UInt8] {
            guard let str = value.str, value.len > 0 else { return [] }
            return Array(UnsafeRawBufferPointer(start: str, count: Int(value.len)))
        }
        switch value.type {
        case REDIS_REPLY_STRING: return .string(bytes())
        case REDIS_REPLY_STATUS: return .status(String(decoding: bytes(), as: UTF8.self))
        case REDIS_REPLY_ERROR: return .error(String(decoding: bytes(), as: UTF8.self))
        case REDIS_REPLY_INTEGER: return .integer(Int64(value.integer))
        case REDIS_REPLY_ARRAY:
            guard let elements = value.element else { return .array([]) }
            return .array((0..<Int(value.elements)).compactMap { index in elements[index].map(convert) })
        default: return .null
        }
    }

    /// hiredis writes with write(2): to a server that went away, that raises SIGPIPE, which would end the
    /// process. Blocked on this (the connection's own) thread, the write fails with EPIPE instead.
    private static func blockBrokenPipeSignal() {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    private static func firstWord(_ message: String) -> String {
        String(message.prefix { $0 != " " })
    }

    static func milliseconds(_ duration: Duration) -> Int {
        Int(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
    }
}
