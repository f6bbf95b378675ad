#!/usr/bin/env node
// A Yjs client using the real y-websocket WebsocketProvider, driven line by line.
//
// Used by YjsClientInteropTests.swift to prove that an unmodified Yjs + y-websocket client syncs with
// EditBay. Debian ships y-websocket 1.4.5, yjs 13.5, y-protocols 1.0.5 and ws 8 (apt-get install
// node-yjs node-y-protocols node-lib0 node-y-websocket node-ws). Run it with
// NODE_PATH=/usr/share/nodejs:
//
//   node ywebsocket_client.cjs --server ws://127.0.0.1:PORT/api/projects/ID --token TOKEN
//
// The provider is created as a browser app would, with room name "sync", so it connects to
// ws://…/api/projects/ID/sync?token=TOKEN. Node 20 has no global WebSocket (y-websocket 1.x uses it
// as the default for `WebSocketPolyfill`), so the `ws` package is passed explicitly.
//
// Once synced it prints {"event": "ready", ...}; then it reads one JSON command per line on stdin and
// prints exactly one JSON line per command (same commands as pycrdt_client.py): set, delete, edit, hold,
// release, waitFor, dump, setAwareness, waitAwareness, waitAuth, stats, close.
'use strict'

const missing = []
const load = (name) => {
  try {
    return require(name)
  } catch (error) {
    missing.push(`${name} (${String(error.message).split('\n')[0]})`)
    return null
  }
}
const Y = load('yjs')
const yws = load('y-websocket')
const WebSocket = load('ws')
load('y-protocols/awareness')
load('lib0/decoding')

const emit = (obj) => process.stdout.write(JSON.stringify(obj) + '\n')

if (missing.length > 0) {
  emit({
    error: `missing Node packages: ${missing.join(', ')}; install with: apt-get install node-yjs node-y-protocols ` +
      `node-lib0 node-y-websocket node-ws, and run with NODE_PATH=/usr/share/nodejs (NODE_PATH is ${process.env.NODE_PATH || 'unset'})`
  })
  process.exit(2)
}

const decoding = require('lib0/decoding')

const args = {}
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1]

const ROOTS = ['meta', 'tracks', 'clips', 'assets', 'markers']
const doc = new Y.Doc()
const counts = { sync: 0, awareness: 0, auth: 0, queryAwareness: 0, unknown: 0 }
const auth = []
const waiters = new Set()
const changed = () => { for (const check of [...waiters]) check() }

const provider = new yws.WebsocketProvider(args.server, 'sync', doc, {
  WebSocketPolyfill: WebSocket,
  params: { token: args.token },
  disableBc: true
})

// Count what arrives and record auth messages, wrapping (not replacing) the provider's own handlers:
// the handler table is per provider, an extension point of y-websocket.
const names = { 0: 'sync', 1: 'awareness', 2: 'auth', 3: 'queryAwareness' }
provider.messageHandlers.forEach((handler, type) => {
  provider.messageHandlers[type] = (encoder, decoder, prov, emitSynced, messageType) => {
    counts[names[type]]++
    if (type === 2) {
      const copy = decoding.createDecoder(decoder.arr.subarray(decoder.pos))
      const kind = decoding.readVarUint(copy)
      auth.push({ type: kind, reason: kind === 0 ? decoding.readVarString(copy) : null })
    }
    handler(encoder, decoder, prov, emitSynced, messageType)
    setImmediate(changed)
  }
})
const originalError = console.error
console.error = (...items) => {
  if (items[0] === 'Unable to compute message') counts.unknown++
  originalError(...items)
}
// y-websocket logs permission denied with console.warn; keep it on stderr (the test shows stderr on failure).

doc.on('update', () => setImmediate(changed))
provider.awareness.on('change', () => setImmediate(changed))

const dump = () => {
  const out = {}
  for (const name of ROOTS) out[name] = doc.getMap(name).toJSON()
  return out
}

const lookup = (obj, path) => {
  for (const key of path) {
    if (obj === null || typeof obj !== 'object' || !(key in obj)) return [false, undefined]
    obj = obj[key]
  }
  return [true, obj]
}

const waitUntil = (predicate, timeoutSeconds, what) => new Promise((resolve, reject) => {
  const check = () => {
    let result
    try { result = predicate() } catch (error) { result = undefined; finish(); reject(error); return }
    if (result !== undefined) { finish(); resolve(result) }
  }
  const timer = setTimeout(() => { finish(); reject(new Error(`timed out after ${timeoutSeconds}s waiting for ${what}`)) }, timeoutSeconds * 1000)
  const finish = () => { clearTimeout(timer); waiters.delete(check) }
  waiters.add(check)
  check()
})

let held = null
const hold = () => {
  const ws = provider.ws
  const deliver = ws.onmessage
  held = { ws, deliver, frames: [] }
  // Only document and awareness changes wait (message types 0 and 1); anything else goes through.
  ws.onmessage = (event) => {
    if (new Uint8Array(event.data)[0] <= 1) held.frames.push(event)
    else deliver(event)
  }
}
const release = () => {
  const { ws, deliver, frames } = held
  held = null
  ws.onmessage = deliver
  for (const event of frames) deliver(event)
  return frames.length
}

const jsonEqual = (a, b) => JSON.stringify(a) === JSON.stringify(b)

const command = async (request) => {
  const timeout = request.timeout || 10
  switch (request.cmd) {
    case 'set':
    case 'delete':
    case 'edit': {
      const changes = request.cmd === 'edit' ? request.changes : [{ ...request, delete: request.cmd === 'delete' }]
      doc.transact(() => {
        for (const { root: name, key, value, delete: remove } of changes) {
          const root = doc.getMap(name)
          if (remove) {
            root.delete(key)
          } else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
            const entity = new Y.Map()
            for (const [field, fieldValue] of Object.entries(value)) entity.set(field, fieldValue)
            root.set(key, entity)
          } else {
            root.set(key, value)
          }
        }
      })
      return { ok: true }
    }
    case 'hold':
      hold()
      return { ok: true }
    case 'release':
      return { ok: true, released: release() }
    case 'waitFor': {
      const paths = request.has || []
      const equal = request.equal || []
      const found = await waitUntil(() => {
        const current = dump()
        const ok = paths.every((path) => lookup(current, path)[0]) &&
          equal.every(([path, value]) => { const [has, got] = lookup(current, path); return has && jsonEqual(got, value) })
        return ok ? current : undefined
      }, timeout, `${JSON.stringify(paths)} and ${JSON.stringify(equal)} in the document`)
      return { doc: found }
    }
    case 'dump':
      return { doc: dump() }
    case 'setAwareness':
      provider.awareness.setLocalState(request.state)
      return { ok: true, clientID: doc.clientID }
    case 'waitAwareness':
      return await waitUntil(() => {
        for (const [client, state] of provider.awareness.getStates()) {
          const [found, value] = lookup(state, request.path)
          if (client !== doc.clientID && found && jsonEqual(value, request.value)) return { clientID: client, state }
        }
        return undefined
      }, timeout, `a remote awareness state with ${JSON.stringify(request.path)} = ${JSON.stringify(request.value)}`)
    case 'waitAuth':
      return { auth: await waitUntil(() => auth[0], timeout, 'an auth message') }
    case 'stats':
      return { counts, auth }
    default:
      throw new Error(`unknown command ${JSON.stringify(request.cmd)}`)
  }
}

const main = async () => {
  let closes = 0
  provider.on('connection-close', (event) => {
    closes++
    if (!provider.synced && closes >= 2) {
      emit({ error: `the server closed the connection before sync (code ${event && event.code}), url ${provider.url}` })
      process.exit(1)
    }
  })
  try {
    await waitUntil(() => (provider.synced ? true : undefined), 10, 'the first sync step 2')
  } catch (error) {
    emit({ error: `${error.message} (url ${provider.url})` })
    process.exit(1)
  }
  const versions = { node: process.version }
  for (const name of ['yjs', 'y-websocket', 'y-protocols', 'lib0', 'ws']) {
    try { versions[name] = require(`${name}/package.json`).version } catch (_) { versions[name] = 'unknown' }
  }
  emit({ event: 'ready', clientID: doc.clientID, url: provider.url.split('?')[0], versions, doc: dump() })

  const lines = require('readline').createInterface({ input: process.stdin })
  let queue = Promise.resolve()
  lines.on('line', (line) => {
    if (line.trim() === '') return
    queue = queue.then(async () => {
      const request = JSON.parse(line)
      if (request.cmd === 'close') {
        provider.destroy()
        emit({ ok: true })
        process.exit(0)
      }
      try {
        emit(await command(request))
      } catch (error) {
        emit({ error: String(error.message || error), doc: dump() })
      }
    })
  })
  lines.on('close', () => { queue.then(() => { provider.destroy(); process.exit(0) }) })
}

main()
