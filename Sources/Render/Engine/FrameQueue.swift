import CFFmpeg
import Foundation

/// A bounded hand-over of decoded frames from one decode thread to the graph thread.
///
/// The producer blocks while it is full; the consumer waits (with a timeout, so it can check for
/// cancellation) while it is empty. Frames are owned by the queue while in it and move to
/// whoever takes them.
///
/// `@unchecked Sendable`: every stored property is read and written only while `condition` is locked.
final class FrameQueue: @unchecked Sendable {
    /// What ``pop(timeout:)`` found.
    enum Item {
        /// The next frame; the caller owns it now (free it with `av_frame_free`).
        case frame(UnsafeMutablePointer<AVFrame>)
        /// The stream ended; nothing more will come.
        case end
        /// Decoding failed; nothing more will come.
        case failed(RenderError)
        /// Nothing arrived within the timeout.
        case timedOut
    }

    private let condition = NSCondition()
    private var frames: [UnsafeMutablePointer<AVFrame>] = []
    private var head = 0
    private var finished = false
    private var failure: RenderError?
    private var closed = false
    /// Frames it holds at most.
    let capacity: Int

    /// Creates a queue holding at most `capacity` frames (at least 1).
    init(capacity: Int) { self.capacity = max(1, capacity) }

    deinit { drain() }

    /// Producer: appends `frame`, waiting while the queue is full.
    /// - Returns: false if the consumer closed the queue; the frame stays the caller's.
    func push(_ frame: UnsafeMutablePointer<AVFrame>) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while !closed && frames.count - head >= capacity { condition.wait() }
        guard !closed else { return false }
        frames.append(frame)
        condition.broadcast()
        return true
    }

    /// Producer: no more frames; `failure` says why if it was an error.
    func finish(failure: RenderError? = nil) {
        condition.lock()
        defer { condition.unlock() }
        finished = true
        self.failure = failure
        condition.broadcast()
    }

    /// Consumer: the next frame, the end, or a failure, waiting at most `timeout`.
    func pop(timeout: Duration) -> Item {
        condition.lock()
        defer { condition.unlock() }
        let deadline = Date().addingTimeInterval(Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18)
        while head == frames.count && !finished {
            if !condition.wait(until: deadline) { break }
        }
        if head < frames.count {
            let frame = frames[head]
            head += 1
            if head > 64 && head * 2 > frames.count {
                frames.removeFirst(head)
                head = 0
            }
            condition.broadcast()
            return .frame(frame)
        }
        if let failure { return .failed(failure) }
        return finished ? .end : .timedOut
    }

    /// Consumer: stops the queue, frees the frames still in it and wakes a waiting producer.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
        drain()
    }

    private func drain() {
        condition.lock()
        defer { condition.unlock() }
        for i in head..<frames.count {
            var f: UnsafeMutablePointer<AVFrame>? = frames[i]
            av_frame_free(&f)
        }
        frames.removeAll()
        head = 0
    }
}
