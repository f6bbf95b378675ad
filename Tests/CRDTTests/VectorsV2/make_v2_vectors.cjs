const Y = require('yjs')
const hex = u => Buffer.from(u).toString('hex')
const cases = []
function add(name, build, roots) {
  const doc = new Y.Doc()
  doc.clientID = 7
  build(doc)
  const v1 = Y.encodeStateAsUpdate(doc)
  const v2 = Y.encodeStateAsUpdateV2(doc)
  const json = {}
  for (const [r, k] of Object.entries(roots)) {
    json[r] = k === 'text' ? doc.getText(r).toString() : k === 'xml' ? doc.getXmlFragment(r).toString() : doc.get(r, k === 'map' ? Y.Map : Y.Array).toJSON()
  }
  cases.push({ name, v1_hex: hex(v1), v2_hex: hex(v2), v1_to_v2_hex: hex(Y.convertUpdateFormatV1ToV2(v1)), v2_to_v1_hex: hex(Y.convertUpdateFormatV2ToV1(v2)), roots, expected_json: json })
}
add('text_map_gc', d => { const t = d.getText('t'); t.insert(0, 'ab'); d.getMap('m').set('k', 42); t.insert(2, 'c'); t.delete(0, 1) }, { t: 'text', m: 'map' })
add('rich_text', d => { const t = d.getText('t'); t.insert(0, 'Hello world'); t.format(0, 5, { bold: true }); t.insertEmbed(6, { image: 'a.png' }); t.insert(12, '!', { italic: true, color: '#f00' }) }, { t: 'text' })
add('nested', d => { const m = d.getMap('root'); const a = new Y.Array(); m.set('list', a); a.insert(0, [1, 'two', true, null, { x: 1 }, new Uint8Array([1, 2])]); const t = new Y.Text(); m.set('text', t); t.insert(0, 'héllo 😀'); const inner = new Y.Map(); a.insert(1, [inner]); inner.set('deep', 1.5); m.delete('text') }, { root: 'map' })
add('xml', d => { const x = d.getXmlFragment('x'); const p = new Y.XmlElement('p'); x.insert(0, [p]); p.setAttribute('class', 'intro'); const t = new Y.XmlText(); p.insert(0, [t]); t.insert(0, 'Hi'); const q = new Y.XmlElement('p'); x.insert(1, [q]) }, { x: 'xml' })
add('many_edits', d => { const t = d.getText('t'); for (let i = 0; i < 200; i++) { t.insert((i * 7) % (t.length + 1), String.fromCharCode(97 + i % 26)); if (i % 5 == 0 && t.length > 3) t.delete((i * 3) % (t.length - 1), 2) } const a = d.getArray('a'); for (let i = 0; i < 50; i++) a.insert(0, [i, -i * 1000, 2 ** 40, 0.25]) ; a.delete(10, 30) }, { t: 'text', a: 'array' })
process.stdout.write(JSON.stringify(cases, (k, v) => v instanceof Uint8Array ? { $bytes: hex(v) } : v, 1))
