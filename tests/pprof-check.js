// SPDX-License-Identifier: GPL-2.0-or-later
// A second, independent reader of pftools' pprof output: the npm package
// pprof-format (Datadog's pure JavaScript profile.proto codec) decodes a
// gzip-compressed profile, the structure is checked against profile.proto's
// rules, and the totals per sample type are printed as "TYPE/UNIT TOTAL",
// then "labels KEY,KEY..." and "comments N".
// Usage: node pprof-check.js MODULES-DIR FILE.pb.gz
'use strict';
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const { Profile } = require(path.join(process.argv[2], 'pprof-format'));

const file = process.argv[3];
const fail = (msg) => { console.error(`${file}: ${msg}`); process.exit(1); };
const prof = Profile.decode(zlib.gunzipSync(fs.readFileSync(file)));
const str = prof.stringTable.strings;
const S = (i) => { const n = Number(i); if (n < 0 || n >= str.length) fail(`string index ${n} out of range`); return str[n]; };

if (str[0] !== '') fail('string_table[0] is not empty');
// Ids: non-zero and unique per kind, every reference resolves.
function ids(list, what) {
	const seen = new Map();
	for (const o of list) {
		const id = Number(o.id);
		if (id === 0) fail(`${what} with id 0`);
		if (seen.has(id)) fail(`${what} id ${id} twice`);
		seen.set(id, o);
	}
	return seen;
}
const maps = ids(prof.mapping, 'mapping');
const locs = ids(prof.location, 'location');
const funcs = ids(prof.function, 'function');
for (const m of prof.mapping) { S(m.filename); S(m.buildId); }
for (const f of prof.function) { S(f.name); S(f.systemName); S(f.filename); }
for (const l of prof.location) {
	if (Number(l.mappingId) && !maps.has(Number(l.mappingId))) fail(`location ${l.id}: no mapping ${l.mappingId}`);
	for (const line of l.line)
		if (!funcs.has(Number(line.functionId))) fail(`location ${l.id}: no function ${line.functionId}`);
}
const totals = prof.sampleType.map(() => 0n);
const keys = new Set();
for (const s of prof.sample) {
	if (s.value.length !== prof.sampleType.length) fail('a sample has the wrong number of values');
	for (const id of s.locationId)
		if (!locs.has(Number(id))) fail(`a sample refers to no location ${id}`);
	s.value.forEach((v, i) => { totals[i] += BigInt(v); });
	for (const l of s.label) {
		keys.add(S(l.key));
		if (Number(l.str)) S(l.str);
	}
}
prof.sampleType.forEach((t, i) => console.log(`${S(t.type)}/${S(t.unit)} ${totals[i]}`));
console.log(`labels ${[...keys].sort().join(',')}`);
for (const c of prof.comment) console.log(`comment ${S(c)}`);
