/// Fast UTF-8 ⇄ UTF-16 transcoding with JavaScript's replacement rules.
///
/// Yjs measures strings in UTF-16 code units, while the wire carries UTF-8. These loops avoid
/// building intermediate `String`s on the hot decode/encode paths.
enum UTF16Transcoding {
    /// Appends the UTF-8 encoding of `units` to `out`; lone surrogates become U+FFFD.
    static func appendUTF8(of units: some Collection<UInt16>, to out: inout [UInt8]) {
        if let done = units.withContiguousStorageIfAvailable({ buf -> Bool in
            appendUTF8(buffer: buf, to: &out)
            return true
        }), done {
            return
        }
        appendUTF8Generic(of: units, to: &out)
    }

    /// Fast path over contiguous storage: writes into uninitialised capacity (3 bytes per unit at most).
    static func appendUTF8(buffer src: UnsafeBufferPointer<UInt16>, to out: inout [UInt8]) {
        let n = src.count
        if n == 0 { return }
        if n < 256 {
            // Short strings: appending in place beats allocating a scratch buffer.
            var ascii = true
            for u in src where u >= 0x80 {
                ascii = false
                break
            }
            if ascii {
                out.reserveCapacity(out.count + n)
                for u in src { out.append(UInt8(truncatingIfNeeded: u)) }
                return
            }
        }
        let converted = [UInt8](unsafeUninitializedCapacity: n * 3) { dst, count in
            var i = 0
            var o = 0
            while i < n {
                let u = src[i]
                if u < 0x80 {
                    dst[o] = UInt8(u)
                    o += 1
                    i += 1
                } else if u < 0x800 {
                    dst[o] = 0xC0 | UInt8(u >> 6)
                    dst[o + 1] = 0x80 | UInt8(u & 0x3F)
                    o += 2
                    i += 1
                } else if u & 0xF800 == 0xD800 {
                    if u & 0xFC00 == 0xD800, i + 1 < n, src[i + 1] & 0xFC00 == 0xDC00 {
                        let scalar = 0x10000 + ((UInt32(u) & 0x3FF) << 10) + (UInt32(src[i + 1]) & 0x3FF)
                        dst[o] = 0xF0 | UInt8(scalar >> 18)
                        dst[o + 1] = 0x80 | UInt8((scalar >> 12) & 0x3F)
                        dst[o + 2] = 0x80 | UInt8((scalar >> 6) & 0x3F)
                        dst[o + 3] = 0x80 | UInt8(scalar & 0x3F)
                        o += 4
                        i += 2
                    } else {
                        dst[o] = 0xEF
                        dst[o + 1] = 0xBF
                        dst[o + 2] = 0xBD
                        o += 3
                        i += 1
                    }
                } else {
                    dst[o] = 0xE0 | UInt8(u >> 12)
                    dst[o + 1] = 0x80 | UInt8((u >> 6) & 0x3F)
                    dst[o + 2] = 0x80 | UInt8(u & 0x3F)
                    o += 3
                    i += 1
                }
            }
            count = o
        }
        out.append(contentsOf: converted)
    }

    static func appendUTF8Generic(of units: some Collection<UInt16>, to out: inout [UInt8]) {
        out.reserveCapacity(out.count + units.count)
        var it = units.makeIterator()
        var pending: UInt16? = nil
        while true {
            let u: UInt16
            if let p = pending {
                u = p
                pending = nil
            } else if let n = it.next() {
                u = n
            } else {
                break
            }
            if u < 0x80 {
                out.append(UInt8(u))
            } else if u < 0x800 {
                out.append(0xC0 | UInt8(u >> 6))
                out.append(0x80 | UInt8(u & 0x3F))
            } else if u & 0xFC00 == 0xD800 {
                // High surrogate: needs a low surrogate next.
                if let lo = it.next() {
                    if lo & 0xFC00 == 0xDC00 {
                        let scalar = 0x10000 + ((UInt32(u) & 0x3FF) << 10) + (UInt32(lo) & 0x3FF)
                        out.append(0xF0 | UInt8(scalar >> 18))
                        out.append(0x80 | UInt8((scalar >> 12) & 0x3F))
                        out.append(0x80 | UInt8((scalar >> 6) & 0x3F))
                        out.append(0x80 | UInt8(scalar & 0x3F))
                    } else {
                        out.append(contentsOf: [0xEF, 0xBF, 0xBD])
                        pending = lo
                    }
                } else {
                    out.append(contentsOf: [0xEF, 0xBF, 0xBD])
                }
            } else if u & 0xFC00 == 0xDC00 {
                out.append(contentsOf: [0xEF, 0xBF, 0xBD])
            } else {
                out.append(0xE0 | UInt8(u >> 12))
                out.append(0x80 | UInt8((u >> 6) & 0x3F))
                out.append(0x80 | UInt8(u & 0x3F))
            }
        }
    }

    /// Decodes UTF-8 bytes to UTF-16 code units, replacing invalid sequences with U+FFFD
    /// (one per maximal invalid subpart, as the WHATWG decoder does).
    static func utf16(fromUTF8 bytes: UnsafeBufferPointer<UInt8>) -> [UInt16] {
        var out = [UInt16]()
        out.reserveCapacity(bytes.count)
        var i = 0
        let n = bytes.count
        // ASCII fast path.
        while i < n {
            let b = bytes[i]
            if b >= 0x80 { break }
            out.append(UInt16(b))
            i += 1
        }
        if i == n { return out }
        // General path: let the standard library validate and repair.
        let rest = UnsafeBufferPointer(rebasing: bytes[i...])
        let s = String(decoding: rest, as: UTF8.self)
        out.append(contentsOf: s.utf16)
        return out
    }

    /// Makes a `String` from UTF-16 code units; lone surrogates become U+FFFD. Transcodes to
    /// UTF-8 first: the standard library's UTF-8 path is much faster than its UTF-16 one.
    static func string(from units: some Collection<UInt16>) -> String {
        var bytes: [UInt8] = []
        appendUTF8(of: units, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}
