/// One client's structs, sorted by clock: a list of small chunks so that inserting (splits) and
/// removing (merges) in the middle cost O(chunk size) instead of moving the whole tail.
///
/// Positions are plain `Int`s (0..<count) as with an array; each entry keeps the start clock of
/// its struct so lookups by clock are a binary search over compact arrays.
struct StructList {
    static let maxChunk = 2048

    private(set) var chunks: [[Int32]] = []
    private var chunkClocks: [[UInt64]] = []
    /// offsets[c] = number of entries before chunk c (offsets.count == chunks.count + 1).
    private var offsets: [Int] = [0]
    /// The first clock of each chunk.
    private var firstClocks: [UInt64] = []

    var count: Int { offsets[offsets.count - 1] }
    var isEmpty: Bool { count == 0 }
    var last: Int32? {
        let n = chunks.count
        if n == 0 { return nil }
        return chunks[n - 1].last
    }

    /// The chunk and offset of position `i` (0 ≤ i < count).
    @inline(__always)
    private func locate(_ i: Int) -> (c: Int, o: Int) {
        var hi = chunks.count - 1
        // Fast path: the last chunk (appends and recent structs).
        let lastStart = offsets[hi]
        if i >= lastStart { return (hi, i - lastStart) }
        var lo = 0
        hi -= 1
        while lo < hi {
            let mid = (lo + hi + 1) >> 1
            if offsets[mid] <= i { lo = mid } else { hi = mid - 1 }
        }
        return (lo, i - offsets[lo])
    }

    @inline(__always)
    subscript(i: Int) -> Int32 {
        let (c, o) = locate(i)
        return chunks[c][o]
    }

    /// The entries at positions `i − 1` and `i` (0 < i < count), located once.
    @inline(__always)
    func pair(endingAt i: Int) -> (left: Int32, right: Int32) {
        let (c, o) = locate(i)
        let right = chunks[c][o]
        let left = o > 0 ? chunks[c][o - 1] : chunks[c - 1][chunks[c - 1].count - 1]
        return (left, right)
    }

    /// The start clock of the struct at position `i`.
    func clock(at i: Int) -> UInt64 {
        let (c, o) = locate(i)
        return chunkClocks[c][o]
    }

    /// Position of the last struct whose start clock is ≤ `clock`, or nil if `clock` is before the first.
    @inline(__always)
    func lastPosition(startingAtOrBefore clock: UInt64) -> Int? {
        let nChunks = firstClocks.count
        guard nChunks > 0, firstClocks[0] <= clock else { return nil }
        // Chunk: the last with firstClock <= clock (most lookups hit the last chunk).
        var c = nChunks - 1
        if firstClocks[c] > clock {
            var lo = 0
            var n = c
            while n > 1 {
                let half = n >> 1
                if firstClocks[lo + half] <= clock { lo += half }
                n -= half
            }
            c = lo
        }
        let starts = chunkClocks[c]
        var base = 0
        var len = starts.count
        while len > 1 {
            let half = len >> 1
            if starts[base + half] <= clock { base += half }
            len -= half
        }
        return offsets[c] + base
    }

    mutating func append(_ idx: Int32, clock: UInt64) {
        if chunks.isEmpty || chunks[chunks.count - 1].count >= Self.maxChunk {
            chunks.append([idx])
            chunkClocks.append([clock])
            firstClocks.append(clock)
            offsets.append(offsets[offsets.count - 1] + 1)
        } else {
            chunks[chunks.count - 1].append(idx)
            chunkClocks[chunks.count - 1].append(clock)
            offsets[offsets.count - 1] += 1
        }
    }

    /// Inserts at position `i` (0 < i ≤ count).
    mutating func insert(_ idx: Int32, clock: UInt64, at i: Int) {
        if i >= count {
            append(idx, clock: clock)
            return
        }
        var (c, o) = locate(i)
        if o == 0 && c > 0 {
            // Prefer appending to the previous chunk (keeps firstClocks unchanged).
            c -= 1
            o = chunks[c].count
        }
        chunks[c].insert(idx, at: o)
        chunkClocks[c].insert(clock, at: o)
        if o == 0 { firstClocks[c] = clock }
        for k in (c + 1)..<offsets.count { offsets[k] += 1 }
        if chunks[c].count > Self.maxChunk { splitChunk(c) }
    }

    private mutating func splitChunk(_ c: Int) {
        let half = chunks[c].count / 2
        let rightIdx = Array(chunks[c][half...])
        let rightClocks = Array(chunkClocks[c][half...])
        chunks[c].removeSubrange(half...)
        chunkClocks[c].removeSubrange(half...)
        chunks.insert(rightIdx, at: c + 1)
        chunkClocks.insert(rightClocks, at: c + 1)
        firstClocks.insert(rightClocks[0], at: c + 1)
        offsets.insert(offsets[c] + half, at: c + 1)
    }

    /// Removes the entry at position `i`.
    mutating func remove(at i: Int) {
        let (c, o) = locate(i)
        chunks[c].remove(at: o)
        chunkClocks[c].remove(at: o)
        for k in (c + 1)..<offsets.count { offsets[k] -= 1 }
        if chunks[c].isEmpty {
            chunks.remove(at: c)
            chunkClocks.remove(at: c)
            firstClocks.remove(at: c)
            offsets.remove(at: c + 1)
        } else if o == 0 {
            firstClocks[c] = chunkClocks[c][0]
        }
    }

    /// Removes the entries in `range`.
    mutating func removeSubrange(_ range: ClosedRange<Int>) {
        for _ in range { remove(at: range.lowerBound) }
    }

    /// Every struct index in order.
    func forEach(_ body: (Int32) -> Void) {
        for chunk in chunks {
            for idx in chunk { body(idx) }
        }
    }
}
