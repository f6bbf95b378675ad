#!/usr/bin/env node
// Interop helper for the Swift CRDT tests: drives the reference Yjs (Debian node-yjs 13.5.43)
// and y-protocols. Run with NODE_PATH=/usr/share/nodejs. Speaks line-delimited JSON on
// stdin/stdout, bytes as lowercase hex; the command set is the one of pycrdt_helper.py plus
// the awareness/sync commands below (see README.md beside this file).
'use strict'

let fakeNow = 0
let Y, encoding, decoding, awarenessProtocol, syncProtocol, authProtocol
try {
  Y = require('yjs')
  encoding = require('lib0/encoding')
  decoding = require('lib0/decoding')
  awarenessProtocol = require('y-protocols/awareness')
  syncProtocol = require('y-protocols/sync')
  authProtocol = require('y-protocols/auth')
  // y-protocols reads the time through lib0's namespace getter: replace it so tests inject the clock.
  require('lib0/dist/time.cjs').getUnixTime = () => fakeNow
} catch (err) {
  process.stdout.write(JSON.stringify({ ok: false, error: 'node-yjs / node-lib0 / node-y-protocols missing (' + err.message + '); run: apt-get install node-yjs node-y-protocols node-lib0 and set NODE_PATH=/usr/share/nodejs' }) + '\n')
  process.exit(3)
}

const hex = (u8) => Buffer.from(u8).toString('hex')
const unhex = (s) => new Uint8Array(Buffer.from(s, 'hex'))

function norm (v) {
  if (v === undefined || v === null) return null
  if (typeof v === 'bigint') return { $bigint: v.toString() }
  if (v instanceof Uint8Array) return { $bytes: hex(v) }
  if (v instanceof Y.Text) return v.toString()
  if (v instanceof Y.Map) { const o = {}; v.forEach((x, k) => { o[k] = norm(x) }); return o }
  if (v instanceof Y.Array) return v.toArray().map(norm)
  if (v instanceof Y.XmlFragment || v instanceof Y.XmlElement || v instanceof Y.XmlText) return v.toString()
  if (v instanceof Y.Doc) return { $doc: v.guid }
  if (Array.isArray(v)) return v.map(norm)
  if (typeof v === 'object') { const o = {}; for (const k of Object.keys(v)) o[k] = norm(v[k]); return o }
  return v
}

function toYValue (v) {
  if (Array.isArray(v)) return v.map(toYValue)
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v)
    if (keys.length === 1 && keys[0] === '$bytes') return unhex(v.$bytes)
    const o = {}; for (const k of keys) o[k] = toYValue(v[k]); return o
  }
  return v
}

const indexAt = (f, len) => Math.max(0, Math.min(Math.floor(f * (len + 1)), len))

// Text positions in ops count Unicode code points; Yjs indexes text by UTF-16 units.
function utf16Offset (str, codePoints) {
  let units = 0; let cp = 0
  for (const ch of str) { if (cp === codePoints) break; units += ch.length; cp++ }
  return units
}

function root (doc, name, kind) {
  switch (kind) {
    case 'map': return doc.getMap(name)
    case 'array': return doc.getArray(name)
    case 'text': return doc.getText(name)
    case 'xml': return doc.getXmlFragment(name)
    default: throw new Error('unknown root kind ' + kind)
  }
}

const KIND_OF_OP = { ms: 'map', md: 'map', mn: 'map', ne: 'map', ai: 'array', ad: 'array', ti: 'text', td: 'text', tu: 'text', tdu: 'text' }
const NEW_TYPE = { map: () => new Y.Map(), array: () => new Y.Array(), text: () => new Y.Text() }

function runOp (doc, op) { runOn(root(doc, op.r, KIND_OF_OP[op.k]), op) }

function runOn (target, op) {
  switch (op.k) {
    case 'ms': target.set(op.key, toYValue(op.v)); break
    case 'md': target.delete(op.key); break
    case 'mn': target.set(op.key, NEW_TYPE[op.t]()); break
    case 'ne': {
      // An edit inside the nested type at key (if it is one): the op for its kind runs on it.
      const child = target.get(op.key)
      if (child instanceof Y.Map) runOn(child, op.map)
      else if (child instanceof Y.Array) runOn(child, op.array)
      else if (child instanceof Y.Text) runOn(child, op.text)
      break
    }
    case 'ai': target.insert(indexAt(op.f, target.length), op.vs.map(toYValue)); break
    case 'ad': {
      const n = target.length
      if (n) { const i = Math.min(Math.floor(op.f * n), n - 1); target.delete(i, Math.min(n - i, op.n)) }
      break
    }
    case 'ti': {
      const s = target.toString(); const cps = Array.from(s).length
      target.insert(utf16Offset(s, indexAt(op.f, cps)), op.s); break
    }
    case 'td': {
      const s = target.toString(); const cps = Array.from(s)
      if (cps.length) {
        const i = Math.min(Math.floor(op.f * cps.length), cps.length - 1)
        const j = Math.min(cps.length, i + op.n)
        const start = utf16Offset(s, i)
        target.delete(start, utf16Offset(s, j) - start)
      }
      break
    }
    // Raw UTF-16 positions (may split a surrogate pair, spec §4.10); Swift and Yjs only.
    case 'tu': target.insert(indexAt(op.f, target.length), op.s); break
    case 'tdu': {
      const n = target.length
      if (n) { const i = Math.min(Math.floor(op.f * n), n - 1); target.delete(i, Math.min(n - i, op.n)) }
      break
    }
    default: throw new Error('unknown op ' + op.k)
  }
}

function toJSON (doc, roots) {
  const out = {}
  for (const name of Object.keys(roots)) out[name] = norm(root(doc, name, roots[name]))
  return out
}

class Replica {
  constructor (client) {
    this.doc = new Y.Doc()
    if (client !== undefined && client !== null) this.doc.clientID = client
    this.updates = []
    this.doc.on('update', (u) => this.updates.push(u))
  }
}

const docs = new Map()
const awarenesses = new Map()

// Records Yjs' awareness events: `update` (added/updated/removed) and `change` (updated filtered to real changes).
function changes (a) {
  const log = []
  a.on('update', ({ added, updated, removed }) => log.push({ event: 'update', added, updated, removed }))
  a.on('change', ({ added, updated, removed }) => log.push({ event: 'change', added, updated, removed }))
  return log
}

function handle (req) {
  switch (req.cmd) {
    case 'hello': return { impl: 'yjs', version: require('yjs/package.json').version, expected: '13.5.43' }
    case 'new': docs.set(req.doc, new Replica(req.client)); return {}
    case 'free': docs.delete(req.doc); awarenesses.delete(req.doc); return {}
    case 'reset': docs.clear(); awarenesses.clear(); return {}
    case 'load': {
      const r = new Replica(req.client)
      Y.applyUpdate(r.doc, unhex(req.update))
      return { json: toJSON(r.doc, req.roots), state: hex(Y.encodeStateAsUpdate(r.doc)), sv: hex(Y.encodeStateVector(r.doc)) }
    }
    // y-protocols sync: the reply a Yjs peer writes for an incoming frame (null when none).
    case 'sync_read': {
      const r = docs.get(req.doc)
      const dec = decoding.createDecoder(unhex(req.frame))
      const enc = encoding.createEncoder()
      const type = decoding.readVarUint(dec)
      if (type !== 0) throw new Error('not a sync frame')
      encoding.writeVarUint(enc, 0)
      syncProtocol.readSyncMessage(dec, enc, r.doc, 'remote')
      r.updates.length = 0
      return { reply: encoding.length(enc) > 1 ? hex(encoding.toUint8Array(enc)) : null }
    }
    case 'sync_step1': {
      const enc = encoding.createEncoder(); encoding.writeVarUint(enc, 0)
      syncProtocol.writeSyncStep1(enc, docs.get(req.doc).doc)
      return { frame: hex(encoding.toUint8Array(enc)) }
    }
    case 'sync_update': {
      const enc = encoding.createEncoder(); encoding.writeVarUint(enc, 0)
      syncProtocol.writeUpdate(enc, unhex(req.update))
      return { frame: hex(encoding.toUint8Array(enc)) }
    }
    case 'auth_denied': {
      const enc = encoding.createEncoder(); encoding.writeVarUint(enc, 2)
      authProtocol.writePermissionDenied(enc, req.reason)
      return { frame: hex(encoding.toUint8Array(enc)) }
    }
    // Awareness (y-protocols/awareness) with an injectable clock (`now` in ms, see fakeNow).
    case 'aw_new': {
      const doc = new Y.Doc(); doc.clientID = req.client
      fakeNow = req.now
      {
        const a = new awarenessProtocol.Awareness(doc)
        clearInterval(a._checkInterval)
        awarenesses.set(req.doc, { a, log: changes(a) })
      }
      return {}
    }
    case 'aw_set_local': {
      const { a, log } = awarenesses.get(req.doc)
      fakeNow = req.now
      { log.length = 0; a.setLocalState(req.state) }
      return { changes: log.splice(0) }
    }
    case 'aw_apply': {
      const { a, log } = awarenesses.get(req.doc)
      fakeNow = req.now
      { log.length = 0; awarenessProtocol.applyAwarenessUpdate(a, unhex(req.update), 'remote') }
      return { changes: log.splice(0) }
    }
    case 'aw_encode': {
      const { a } = awarenesses.get(req.doc)
      const clients = req.clients || Array.from(a.getStates().keys())
      return { update: hex(awarenessProtocol.encodeAwarenessUpdate(a, clients)) }
    }
    case 'aw_timeout': {
      // Runs the body of Yjs' periodic check once at time `now` (Awareness' _checkInterval).
      const { a, log } = awarenesses.get(req.doc)
      fakeNow = req.now
      {
        log.length = 0
        const now = req.now
        if (a.getLocalState() !== null && awarenessProtocol.outdatedTimeout / 2 <= now - a.meta.get(a.clientID).lastUpdated) {
          a.setLocalState(a.getLocalState())
        }
        const remove = []
        a.meta.forEach((meta, clientid) => {
          if (clientid !== a.clientID && awarenessProtocol.outdatedTimeout <= now - meta.lastUpdated && a.states.has(clientid)) remove.push(clientid)
        })
        if (remove.length > 0) awarenessProtocol.removeAwarenessStates(a, remove, 'timeout')
      }
      return { changes: log.splice(0) }
    }
    case 'aw_remove': {
      const { a, log } = awarenesses.get(req.doc)
      fakeNow = req.now
      log.length = 0
      awarenessProtocol.removeAwarenessStates(a, req.clients, 'test')
      return { changes: log.splice(0) }
    }
    case 'aw_states': {
      const { a } = awarenesses.get(req.doc)
      const states = {}; const clocks = {}; const updated = {}
      a.getStates().forEach((s, id) => { states[id] = s })
      a.meta.forEach((m, id) => { clocks[id] = m.clock; updated[id] = m.lastUpdated })
      return { states, clocks, updated }
    }
  }
  const r = docs.get(req.doc)
  if (!r) throw new Error('unknown doc ' + req.doc)
  switch (req.cmd) {
    case 'edit': {
      r.updates.length = 0
      r.doc.transact(() => { for (const op of req.ops) runOp(r.doc, op) })
      const out = r.updates.map(hex); r.updates.length = 0
      return { updates: out }
    }
    case 'apply': Y.applyUpdate(r.doc, unhex(req.update)); r.updates.length = 0; return {}
    case 'state': return { update: hex(req.sv != null ? Y.encodeStateAsUpdate(r.doc, unhex(req.sv)) : Y.encodeStateAsUpdate(r.doc)) }
    case 'sv': return { sv: hex(Y.encodeStateVector(r.doc)) }
    case 'json': return { json: toJSON(r.doc, req.roots) }
    default: throw new Error('unknown command ' + req.cmd)
  }
}

const readline = require('readline')
const rl = readline.createInterface({ input: process.stdin, terminal: false, crlfDelay: Infinity })
rl.on('line', (line) => {
  if (!line.trim()) return
  let answer
  try {
    answer = handle(JSON.parse(line)); answer.ok = true
  } catch (err) {
    answer = { ok: false, error: String(err && err.stack ? err.stack.split('\n')[0] : err) }
  }
  process.stdout.write(JSON.stringify(answer) + '\n')
})
