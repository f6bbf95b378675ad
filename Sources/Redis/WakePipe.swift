#if canImport(Glibc)
import Glibc
#endif
import CHiredis  // pollfd: Clang attributes <poll.h> to the first module that includes it

/// A pipe that wakes a thread blocked in `poll`: written from any thread, drained by the one that polls.
final class WakePipe: Sendable {
    let readEnd: Int32
    private let writeEnd: Int32

    init() {
        var fds: [Int32] = [-1, -1]
        let status = fds.withUnsafeMutableBufferPointer { pipe($0.baseAddress!) }
        precondition(status == 0, "pipe failed: \(errno)")
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        readEnd = fds[0]
        writeEnd = fds[1]
    }

    deinit {
        close(readEnd)
        close(writeEnd)
    }

    /// Wakes the poller (a full pipe already will).
    func signal() {
        var byte: UInt8 = 1
        _ = write(writeEnd, &byte, 1)
    }

    /// Empties the pipe.
    func drain() {
        var buffer = [UInt8](repeating: 0, count: 64)
        while buffer.withUnsafeMutableBytes({ read(readEnd, $0.baseAddress, 64) }) > 0 {}
    }

    /// Sleeps up to `milliseconds`, or until signalled.
    func wait(milliseconds: Int) {
        var entry = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
        _ = poll(&entry, 1, Int32(clamping: milliseconds))
        drain()
    }
}
