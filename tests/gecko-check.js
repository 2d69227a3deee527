// SPDX-License-Identifier: GPL-2.0-or-later
// pfscript --format=gecko checked against the Gecko profile format as
// firefox-devtools/profiler documents it (src/types/gecko-profile.ts,
// GeckoProfile at meta.version 31; docs-developer/gecko-profile-format.md):
// the meta fields the importer needs, each thread's tables with their
// schemas, every index in range, stacks that only point back, times that
// never go back.  Prints the samples as folded stacks, the
// thread's TID first ("TID;root;...;leaf COUNT"), then "markers NAME COUNT" lines.
// Usage: node gecko-check.js FILE.json
'use strict';
const fs = require('fs');

const file = process.argv[2];
const fail = (msg) => { console.error(`${file}: ${msg}`); process.exit(1); };
const p = JSON.parse(fs.readFileSync(file, 'utf8'));
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const isIndex = (v, n) => Number.isInteger(v) && v >= 0 && v < n;

const m = p.meta;
if (!m || m.version !== 31) fail('meta.version is not 31');
for (const k of ['startTime', 'interval'])
	if (typeof m[k] !== 'number') fail(`meta.${k} is not a number`);
for (const k of ['stackwalk', 'debug', 'gcpoison', 'asyncstack', 'processType'])
	if (!Number.isInteger(m[k])) fail(`meta.${k} is not an integer`);
if (m.shutdownTime !== null) fail('meta.shutdownTime is not null');
if (!Array.isArray(m.categories) || !m.categories.length) fail('no meta.categories');
for (const c of m.categories)
	if (typeof c.name !== 'string' || typeof c.color !== 'string' || !Array.isArray(c.subcategories))
		fail('a category lacks name, color or subcategories');
if (!Array.isArray(m.markerSchema)) fail('no meta.markerSchema');
const schemaNames = new Set(m.markerSchema.map((s) => s.name));
for (const k of ['libs', 'threads', 'pausedRanges', 'processes'])
	if (!Array.isArray(p[k])) fail(`${k} is not an array`);

const folded = new Map();
const markers = new Map();
const tids = new Set();
for (const t of p.threads) {
	if (typeof t.name !== 'string' || !Number.isInteger(t.pid) || !Number.isInteger(t.tid))
		fail('a thread lacks name, pid or tid');
	if (tids.has(t.tid)) fail(`thread ${t.tid} twice`);
	tids.add(t.tid);
	if (typeof t.processType !== 'string' || typeof t.registerTime !== 'number')
		fail(`thread ${t.tid}: processType or registerTime`);
	const str = t.stringTable;
	if (!Array.isArray(str) || str.some((s) => typeof s !== 'string')) fail(`thread ${t.tid}: stringTable`);
	if (new Set(str).size !== str.length) fail(`thread ${t.tid}: strings not interned`);
	const ft = t.frameTable, st = t.stackTable, sm = t.samples, mk = t.markers;
	if (!same(ft.schema, { location: 0, relevantForJS: 1, innerWindowID: 2, implementation: 3,
			       line: 4, column: 5, category: 6, subcategory: 7 }))
		fail(`thread ${t.tid}: frameTable schema`);
	if (!same(st.schema, { prefix: 0, frame: 1 })) fail(`thread ${t.tid}: stackTable schema`);
	if (!same(sm.schema, { stack: 0, time: 1, eventDelay: 2 })) fail(`thread ${t.tid}: samples schema`);
	if (!same(mk.schema, { name: 0, startTime: 1, endTime: 2, phase: 3, category: 4, data: 5 }))
		fail(`thread ${t.tid}: markers schema`);
	const frameKeys = new Set();
	ft.data.forEach((f, i) => {
		if (f.length !== 8 || !isIndex(f[0], str.length) || typeof f[1] !== 'boolean' ||
		    !isIndex(f[6], m.categories.length) || !isIndex(f[7], m.categories[f[6]].subcategories.length))
			fail(`thread ${t.tid}: frame ${i}`);
		const k = `${f[0]}/${f[6]}`;
		if (frameKeys.has(k)) fail(`thread ${t.tid}: frame ${i} not interned`);
		frameKeys.add(k);
	});
	const stackKeys = new Set();
	st.data.forEach((s, i) => {
		if (s.length !== 2 || !(s[0] === null || isIndex(s[0], i)) || !isIndex(s[1], ft.data.length))
			fail(`thread ${t.tid}: stack ${i}`);
		const k = `${s[0]}/${s[1]}`;
		if (stackKeys.has(k)) fail(`thread ${t.tid}: stack ${i} not interned`);
		stackKeys.add(k);
	});
	let last = -Infinity;
	for (const s of sm.data) {
		if (s.length !== 3 || !(s[0] === null || isIndex(s[0], st.data.length)) || typeof s[1] !== 'number')
			fail(`thread ${t.tid}: a sample`);
		if (s[1] < last) fail(`thread ${t.tid}: sample times go back`);
		last = s[1];
		const names = [];
		for (let k = s[0]; k !== null; k = st.data[k][0])
			names.unshift(str[ft.data[st.data[k][1]][0]]);
		const key = [t.tid, ...names].join(';');
		folded.set(key, (folded.get(key) || 0) + 1);
	}
	for (const x of mk.data) {
		if (x.length !== 6 || !isIndex(x[0], str.length) || typeof x[1] !== 'number' ||
		    !(x[2] === null || typeof x[2] === 'number') || ![0, 1, 2, 3].includes(x[3]) ||
		    !isIndex(x[4], m.categories.length) || !x[5] || !schemaNames.has(x[5].type))
			fail(`thread ${t.tid}: a marker`);
		markers.set(str[x[0]], (markers.get(str[x[0]]) || 0) + 1);
	}
}
for (const [k, n] of folded) console.log(`${k} ${n}`);
for (const [k, n] of markers) console.log(`markers ${k} ${n}`);
