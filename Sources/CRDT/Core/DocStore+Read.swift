/// Reading content: JSON rendering, plain text, deltas, XML strings.
extension DocStore {
    /// Deepest nesting rendered by `json(of:)`; deeper types render as null (hostile documents).
    static let maxRenderDepth = 200

    /// The visible values of a sequence, in order.
    func sequenceItems(_ t: Int32) -> [Int32] {
        var out: [Int32] = []
        var p = types[Int(t)].start
        while p != Item.none {
            if (items[Int(p)].flags & (Item.deletedFlag | Item.countableFlag) == Item.countableFlag) { out.append(p) }
            p = items[Int(p)].right
        }
        return out
    }

    /// The current (not deleted) map entries of type `t`, sorted by key.
    func mapEntries(_ t: Int32) -> [(key: String, item: Int32)] {
        types[Int(t)].map.compactMap { (k, v) in (items[Int(v)].flags & Item.deletedFlag != 0) ? nil : (k, v) }.sorted { $0.key < $1.key }
    }

    /// The JSON value of an item's last content element (for map values).
    func jsonValue(ofItem idx: Int32, depth: Int) -> [YAny] {
        switch items[Int(idx)].content {
        case .type(_, let t): return [json(of: t, depth: depth + 1)]
        case let c: return c.values
        }
    }

    func json(of t: Int32, depth: Int) -> YAny {
        guard depth < Self.maxRenderDepth else { return .null }
        let rec = types[Int(t)]
        let kind = rec.kind ?? guessKind(t)
        switch kind {
        case .map:
            return .object(mapJSON(t, depth: depth))
        case .array:
            var out: [YAny] = []
            for idx in sequenceItems(t) { out.append(contentsOf: jsonValue(ofItem: idx, depth: depth)) }
            return .array(out)
        case .text:
            return .string(plainText(t))
        case .xmlText:
            return .string(xmlTextString(t))
        case .xmlFragment, .xmlElement, .xmlHook:
            return .string(xmlString(t, depth: depth))
        }
    }

    func mapJSON(_ t: Int32, depth: Int) -> YObject {
        var o = YObject()
        for (k, idx) in mapEntries(t) {
            o[k] = jsonValue(ofItem: idx, depth: depth).last ?? .undefined
        }
        return o
    }

    /// Guesses the kind of an untyped root from its content.
    func guessKind(_ t: Int32) -> TypeKind {
        let rec = types[Int(t)]
        if rec.start == Item.none { return .map }
        var p = rec.start
        var textLike = true
        while p != Item.none {
            switch items[Int(p)].content {
            case .string, .format, .embed: break
            case .deleted: break
            default: textLike = false
            }
            if !textLike { break }
            p = items[Int(p)].right
        }
        return textLike ? .text : .array
    }

    /// The text of a text type: its visible String items joined (embeds and formats left out).
    func plainText(_ t: Int32) -> String {
        var units: [UInt16] = []
        units.reserveCapacity(Int(types[Int(t)].length))
        var p = types[Int(t)].start
        while p != Item.none {
            if !(items[Int(p)].flags & Item.deletedFlag != 0), case .string(let s) = items[Int(p)].content {
                units.append(contentsOf: s)
            }
            p = items[Int(p)].right
        }
        return UTF16Transcoding.string(from: units)
    }

    /// XML rendering of fragments and elements (Yjs `toString`).
    func xmlString(_ t: Int32, depth: Int) -> String {
        guard depth < Self.maxRenderDepth else { return "" }
        let rec = types[Int(t)]
        var children = ""
        for idx in sequenceItems(t) {
            if case .type(_, let c) = items[Int(idx)].content {
                switch types[Int(c)].kind {
                case .xmlText?, .text?: children += xmlTextString(c)
                case .xmlElement?, .xmlFragment?: children += xmlString(c, depth: depth + 1)
                case .xmlHook?, .map?: children += YAny.object(mapJSON(c, depth: depth + 1)).jsonString
                default: children += json(of: c, depth: depth + 1).jsonString
                }
            } else {
                for v in items[Int(idx)].content.values {
                    if case .string(let s) = v { children += s } else { children += v.jsonString }
                }
            }
        }
        guard case .xmlElement(let name)? = rec.kind else { return children }
        let lower = name.lowercased()
        var attrs = ""
        for (k, idx) in mapEntries(t) {
            let v = jsonValue(ofItem: idx, depth: depth).last ?? .undefined
            let s: String
            if case .string(let str) = v { s = str } else { s = v.jsonString }
            attrs += " \(k)=\"\(s)\""
        }
        return "<\(lower)\(attrs)>\(children)</\(lower)>"
    }

    /// XmlText rendering: each delta run wrapped in tags named after its attributes.
    func xmlTextString(_ t: Int32) -> String {
        var out = ""
        for op in delta(of: t, snapshot: nil) {
            guard case .insert(let value, let attributes) = op else { continue }
            var body: String
            if case .string(let s) = value { body = s } else { body = value.jsonString }
            let nodes = (attributes?.keys ?? []).sorted()
            var open = ""
            for n in nodes {
                open += "<\(n)"
                if case .object(let attrs)? = attributes?[n] {
                    for k in attrs.keys.sorted() {
                        let v = attrs[k] ?? .null
                        if case .string(let s) = v { open += " \(k)=\"\(s)\"" } else { open += " \(k)=\"\(v.jsonString)\"" }
                    }
                }
                open += ">"
            }
            body = open + body
            for n in nodes.reversed() { body += "</\(n)>" }
            out += body
        }
        return out
    }

    /// The rich-text delta of a text type (Yjs `toDelta`), optionally as seen at a snapshot.
    func delta(of t: Int32, snapshot: Snapshot?) -> [YDelta] {
        var ops: [YDelta] = []
        var attrs = YObject()
        var pendingUnits: [UInt16] = []
        var pendingAttrs: YObject? = nil
        func flush() {
            if !pendingUnits.isEmpty {
                ops.append(.insert(.string(String(decoding: pendingUnits, as: UTF16.self)), attributes: pendingAttrs))
                pendingUnits.removeAll()
            }
        }
        var p = types[Int(t)].start
        while p != Item.none {
            let it = items[Int(p)]
            p = it.right
            let visible: Bool
            if let snapshot {
                visible = snapshot.isVisible(it)
            } else {
                visible = !it.isDeleted
            }
            guard visible else { continue }
            switch it.content {
            case .string(let s):
                let current: YObject? = attrs.isEmpty ? nil : attrs
                if current != pendingAttrs { flush() }
                pendingAttrs = current
                pendingUnits.append(contentsOf: s)
            case .embed(let j):
                flush()
                ops.append(.insert((try? YAny(jsonString: j)) ?? .null, attributes: attrs.isEmpty ? nil : attrs))
            case .type(_, let c):
                flush()
                ops.append(.insert(json(of: c, depth: 1), attributes: attrs.isEmpty ? nil : attrs))
            case .format(let key, let value):
                let v = (try? YAny(jsonString: value)) ?? .null
                if v.isNullish { attrs[key] = nil } else { attrs[key] = v }
            default:
                break
            }
        }
        flush()
        return ops
    }
}
