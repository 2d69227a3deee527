// SPDX-License-Identifier: GPL-2.0-or-later
// Drives Debian's Firefox ESR over pfflame SVGs with real input events, as
// flame-test.js does for Chromium: hover a frame, click to zoom, reset,
// search with Ctrl-F (and the ignore-case toggle), reopen the URL, take
// screenshots.  Firefox speaks WebDriver BiDi itself, so puppeteer-core
// needs no geckodriver.  Expected texts are computed from the folded input
// rather than written down, and only what a user sees is checked (element
// ids, rect attributes, texts), not the script's internals.  A zoomed view
// is drawn over the graph in #zoomview (copies of the frames it shows,
// which the user then sees and clicks); the frames as drawn stay under it,
// transparent and unchanged.  Run by
// tests/run-pfflame-firefox.sh:
//   node firefox-test.js FIREFOX HOME-DIR SHOT-DIR BASIC.folded BASIC.svg \
//     DIFF.folded DIFF.svg TREE.folded TREE.svg
"use strict";

const puppeteer = require("puppeteer-core");
const assert = require("assert");
const fs = require("fs");
const path = require("path");
const { pathToFileURL } = require("url");

const [firefox, home, shots, basicIn, basicSvg, diffIn, diffSvg, treeIn, treeSvg] =
	process.argv.slice(2);
// Minutes, not seconds: a loaded 2-core machine can be very slow, and
// nothing here measures speed.
const LONG = 180000;
let failures = 0;

async function check(what, fn) {
	try {
		await fn();
		console.log("ok: " + what);
	} catch (e) {
		failures++;
		console.log("FAIL: " + what + ": " + (e && e.message ? e.message : e));
	}
}

// The folded input as [{ raw, stack, count, before }]: the frames as
// written and as pfflame's titles show them (annotations stripped), the
// count (the last column) and for differential input the count before.
function readFolded(file) {
	return fs.readFileSync(file, "utf8").split("\n").filter((l) => l.trim() !== "").map((l) => {
		const m = /^(.*?)\s+(?:([\d.]+)\s+)?([\d.]+)\s*$/.exec(l);
		const raw = m[1].split(";");

		return {
			raw,
			stack: raw.map((n) => n.replace(/_\[[kijw]\]$/, "")),
			count: parseFloat(m[3]),
			before: m[2] === undefined ? null : parseFloat(m[2])
		};
	});
}

function under(rows, prefix) {
	return rows.filter((r) => prefix.every((n, i) => r.stack[i] === n));
}

function sum(rows, key) {
	return rows.reduce((s, r) => s + (r[key] || 0), 0);
}

// Frames drawn: one per distinct stack prefix, plus "all" (no frame is
// narrow enough to be left out in these small inputs).
function frameCount(rows) {
	const seen = new Set();

	for (const r of rows)
		for (let i = 1; i <= r.raw.length; i++)
			seen.add(r.raw.slice(0, i).join(";"));
	return seen.size + 1;
}

// "Matched: P%" for a search of RE with the view zoomed to the frame at
// PREFIX (a path from the root; [] when not zoomed): the share of the
// zoomed frame's count in stacks where RE matches a frame in view, all of
// it when RE matches the zoomed frame or one of its ancestors.
function expectedMatch(rows, re, prefix) {
	const rows2 = under(rows, prefix);
	const total = sum(rows2, "count");
	let m;

	if (re.test("all") || prefix.some((n) => re.test(n)))
		m = 100;
	else
		m = 100 * sum(rows2.filter((r) => r.stack.slice(prefix.length).some((n) => re.test(n))),
			"count") / total;
	return "Matched: " + (m >= 100 ? "100" : m.toFixed(1)) + "%";
}

function thousands(n) {
	return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

// The details line for the frame at PREFIX: "Function: name (N samples,
// P%)", and "; +D%" (change of the second column over its total) for
// differential input.
function expectedDetails(rows, prefix) {
	const rows2 = under(rows, prefix);
	const n = sum(rows2, "count"), total = sum(rows, "count");
	let s = "Function: " + prefix[prefix.length - 1] + " (" + thousands(n) + " samples, " +
		(100 * n / total).toFixed(2) + "%";

	if (rows[0].before !== null) {
		const d = 100 * (n - sum(rows2, "before")) / total;
		s += "; " + (d > 0 ? "+" : "") + d.toFixed(2) + "%";
	}
	return s + ")";
}

// The <g> of frame NAME (its title starts with "NAME ("): its copy in the
// zoomed view when zoomed, else as drawn.
async function frame(page, name) {
	const h = await page.evaluateHandle((name) => {
		const sel = document.getElementById("zoomview") ? "#zoomview > g" : "#frames > g";

		for (const g of document.querySelectorAll(sel))
			if (g.querySelector("title").textContent.startsWith(name + " ("))
				return g;
		return null;
	}, name);
	const el = h.asElement();
	assert.ok(el, "no frame " + name);
	return el;
}

// Every frame as drawn (or with SEL "#zoomview > g", in the zoomed view):
// name, rect geometry, hidden (#frames transparent counts).
async function allFrames(page, sel) {
	return page.$$eval(sel || "#frames > g", (gs) => {
		return gs.map((g) => {
			const r = g.querySelector("rect");
			const st = getComputedStyle(g);

			return {
				name: g.querySelector("title").textContent.replace(/ \([^(]*$/, ""),
				x: parseFloat(r.getAttribute("x")),
				y: parseFloat(r.getAttribute("y")),
				width: parseFloat(r.getAttribute("width")),
				hidden: st.display === "none" || st.visibility === "hidden" ||
					getComputedStyle(g.parentNode).opacity === "0"
			};
		});
	});
}

// The frames as drawn, as markup, and whether they are shown.
async function drawnFrames(page) {
	return page.$eval("#frames", (f) => ({ inner: f.innerHTML, opacity: getComputedStyle(f).opacity }));
}

// What the user sees of frame NAME: its rect's geometry, whether it is
// displayed at all (a zoomed view without it hides it), its label.
async function look(page, name) {
	return page.evaluate((name) => {
		const view = document.getElementById("zoomview");
		let g = null;

		for (const e of document.querySelectorAll(view ? "#zoomview > g" : "#frames > g"))
			if (e.querySelector("title").textContent.startsWith(name + " (")) {
				g = e;
				break;
			}
		if (!g)
			return { hidden: true, missing: !view };
		const r = g.querySelector("rect");
		const st = getComputedStyle(g);

		return {
			x: parseFloat(r.getAttribute("x")),
			width: parseFloat(r.getAttribute("width")),
			hidden: st.display === "none" || st.visibility === "hidden" ||
				getComputedStyle(g.parentNode).opacity === "0",
			label: g.querySelector("text").textContent,
			fill: r.getAttribute("fill"),
			parent: g.classList.contains("parent")
		};
	}, name);
}

async function text(page, id) {
	return page.$eval("#" + id, (e) => e.textContent);
}

async function href(page) {
	return page.evaluate(() => location.href);
}

async function click(page, sel) {
	const h = await page.$(sel);
	assert.ok(h, "no " + sel);
	await h.click();
}

async function ctrl(page, key) {
	await page.keyboard.down("Control");
	await page.keyboard.press(key);
	await page.keyboard.up("Control");
}

// Open URL in PAGE once its document and script have run.
async function open(page, url) {
	await page.goto(url, { waitUntil: "load" });
	await page.waitForFunction(() => document.readyState === "complete" &&
		document.querySelectorAll("#frames > g").length > 0);
}

// Wait until the search line shows a share.
async function matchedShown(page) {
	await page.waitForFunction(() => /^Matched/.test(document.getElementById("matched").textContent));
}

async function newPage(browser, errors, dialog) {
	const page = await browser.newPage();

	page.setDefaultTimeout(LONG);
	await page.setViewport({ width: 1280, height: 400 });
	page.on("pageerror", (e) => errors.push("page error: " + String(e)));
	page.on("console", (m) => { if (m.type() === "error") errors.push("console: " + m.text()); });
	// the search prompt: answer what the check in progress asks for
	page.on("dialog", (d) => (dialog.answer === null ? d.dismiss() : d.accept(dialog.answer))
		.catch((e) => errors.push("dialog: " + e)));
	return page;
}

const full = 1200 - 2 * 10;	// the graph's width minus the side pads

// The basic graph: load, hover, zoom, Ctrl-F, reopen the link.  Returns
// do_work's and alloc's frames as first drawn.
async function basicZoom(browser, page, errors, dialog) {
	const rows = readFolded(basicIn);
	let dw0, alloc0;

	await open(page, pathToFileURL(basicSvg).href);
	const drawn0 = await drawnFrames(page);

	await check("script loaded without errors", async () => {
		assert.strictEqual(await page.$$eval("#frames > g", (g) => g.length), frameCount(rows));
		assert.strictEqual(await page.$eval("svg", (s) => s.getAttribute("width")), "1200");
		assert.deepStrictEqual(errors, []);
	});

	await check("hover shows details", async () => {
		await (await (await frame(page, "compute")).$("rect")).hover();
		await page.waitForFunction(() => document.getElementById("details").textContent.trim() !== "");
		assert.strictEqual(await text(page, "details"), expectedDetails(rows, ["main", "do_work", "compute"]));
	});

	await check("click zooms to the frame", async () => {
		dw0 = await look(page, "do_work");
		alloc0 = await look(page, "alloc");
		await (await frame(page, "do_work")).click();
		await page.waitForFunction(() => /[?#].*x=/.test(location.href));
		const dw = await look(page, "do_work");
		const alloc = await look(page, "alloc");
		const main = await look(page, "main");
		assert.ok(Math.abs(dw.width - full) < 0.2 && Math.abs(dw.x - 10) < 0.2,
			"do_work at " + dw.x + ", width " + dw.width);
		const ratio = full / dw0.width;
		assert.ok(Math.abs(alloc.width - alloc0.width * ratio) < 0.5,
			"alloc width " + alloc.width + ", expected " + alloc0.width * ratio);
		assert.ok(Math.abs(alloc.x - (10 + (alloc0.x - dw0.x) * ratio)) < 0.5, "alloc x " + alloc.x);
		assert.ok((await look(page, "init")).hidden, "init (beside do_work) is hidden");
		assert.ok((await look(page, "worker")).hidden, "worker is hidden");
		assert.ok(!main.hidden && Math.abs(main.width - full) < 0.2, "main, an ancestor, spans the width");
		assert.ok(main.parent, "main is shown as an ancestor");
		const now = await drawnFrames(page);
		assert.strictEqual(now.opacity, "0", "the frames as drawn are transparent");
		assert.strictEqual(now.inner, drawn0.inner, "the frames as drawn are unchanged");
		await (await (await frame(page, "alloc")).$("rect")).hover();
		await page.waitForFunction(() => /alloc/.test(document.getElementById("details").textContent));
		assert.strictEqual(await text(page, "details"), expectedDetails(rows, ["main", "do_work", "alloc"]),
			"hover in the zoomed view");
		assert.ok(!(await look(page, "compute")).hidden, "compute is shown");
		assert.ok(await page.$eval("#unzoom", (e) => getComputedStyle(e).display !== "none"),
			"Reset Zoom is offered");
		assert.match(await href(page), /[?#]x=[\d.]+&y=\d+/);
	});

	await check("Ctrl-F searches with the matched share of the zoomed frame", async () => {
		dialog.answer = "^mal";
		await ctrl(page, "f");
		await matchedShown(page);
		assert.strictEqual(await text(page, "matched"), expectedMatch(rows, /^mal/, ["main", "do_work"]));
		assert.strictEqual((await look(page, "malloc")).fill, "rgb(230,0,230)");
		assert.notStrictEqual((await look(page, "memset")).fill, "rgb(230,0,230)");
		assert.match(await href(page), /s=%5Emal/);
	});

	await page.screenshot({ path: path.join(shots, "pfflame-firefox-zoomed.png") });

	await check("a link reopens the same view", async () => {
		const page2 = await newPage(browser, errors, dialog);

		await open(page2, await href(page));
		await matchedShown(page2);
		assert.strictEqual(await text(page2, "matched"), expectedMatch(rows, /^mal/, ["main", "do_work"]));
		const dw = await look(page2, "do_work");
		assert.ok(Math.abs(dw.width - full) < 0.2, "do_work width " + dw.width);
		assert.ok((await look(page2, "init")).hidden, "init is hidden");
		assert.strictEqual((await look(page2, "malloc")).fill, "rgb(230,0,230)");
		await page2.close();
	});
	return { dw0, alloc0 };
}

// The basic graph, still zoomed and searched: the other keys and buttons.
async function basicKeys(page, dialog, { dw0, alloc0 }) {
	const rows = readFolded(basicIn);
	let long0;

	await check("Escape clears the search, ic and Search search ignoring case", async () => {
		await page.bringToFront();
		await page.keyboard.press("Escape");
		await page.waitForFunction(() => !/^Matched/.test(document.getElementById("matched").textContent));
		assert.notStrictEqual((await look(page, "malloc")).fill, "rgb(230,0,230)");
		await click(page, "#ignorecase");
		await page.waitForFunction(() => /i=1/.test(location.href));
		dialog.answer = "MALLOC|MEMSET";
		await click(page, "#search");
		await matchedShown(page);
		assert.strictEqual(await text(page, "matched"),
			expectedMatch(rows, /MALLOC|MEMSET/i, ["main", "do_work"]));
		assert.match(await href(page), /i=1/);
	});

	await check("reset zoom restores the graph", async () => {
		await click(page, "#unzoom");
		await page.waitForFunction(() => !/x=/.test(location.href));
		const dw = await look(page, "do_work");
		assert.strictEqual(dw.width, dw0.width);
		assert.strictEqual(dw.x, dw0.x);
		const alloc = await look(page, "alloc");
		assert.ok(alloc.x === alloc0.x && alloc.width === alloc0.width && !alloc.hidden,
			"alloc at " + alloc.x + ", width " + alloc.width);
		assert.ok(!(await look(page, "init")).hidden, "init is shown again");
		assert.strictEqual(await page.$("#zoomview"), null, "the zoomed view is gone");
		assert.strictEqual((await drawnFrames(page)).opacity, "1", "the frames as drawn are shown");
		// the share is now of everything
		assert.strictEqual(await text(page, "matched"), expectedMatch(rows, /MALLOC|MEMSET/i, []));
	});

	await check("Ctrl-I toggles case back: the search is redone", async () => {
		await ctrl(page, "i");
		await page.waitForFunction(() => !/i=1/.test(location.href));
		assert.strictEqual(await text(page, "matched"), expectedMatch(rows, /MALLOC|MEMSET/, []));
		await page.keyboard.press("Escape");
		await page.waitForFunction(() => !/s=/.test(location.href));
	});

	// Firefox's own quick find and find-again keys: the page takes them
	await check("/ and F3 open the search too", async () => {
		for (const [key, re] of [["/", "compute"], ["F3", "^init$"]]) {
			dialog.answer = re;
			await page.keyboard.press(key);
			await matchedShown(page);
			assert.strictEqual(await text(page, "matched"), expectedMatch(rows, new RegExp(re), []),
				key);
			await page.keyboard.press("Escape");
			await page.waitForFunction(() => !/s=/.test(location.href));
		}
	});

	const long = "a_function_with_a_rather_long_name_that_will_not_fit_in_its_frame";
	await check("labels follow the zoom", async () => {
		long0 = await look(page, long);
		assert.match(long0.label, /\.\.$/);
		await (await frame(page, long)).click();
		await page.waitForFunction(() => /x=/.test(location.href));
		assert.strictEqual((await look(page, long)).label, long);
		await click(page, "#unzoom");
		await page.waitForFunction(() => !/x=/.test(location.href));
		assert.strictEqual((await look(page, long)).label, long0.label);
	});
}

async function diff(page, errors, dialog) {
	const rows = readFolded(diffIn);

	await check("differential graph: details, zoom and search", async () => {
		await open(page, pathToFileURL(diffSvg).href);
		await (await (await frame(page, "page_fault")).$("rect")).hover();
		await page.waitForFunction(() => document.getElementById("details").textContent.trim() !== "");
		assert.strictEqual(await text(page, "details"),
			expectedDetails(rows, ["main", "do_work", "alloc", "memset", "page_fault"]));
		await (await frame(page, "do_work")).click();
		await page.waitForFunction(() => /x=/.test(location.href));
		dialog.answer = "fault|compute";
		await ctrl(page, "f");
		await matchedShown(page);
		assert.strictEqual(await text(page, "matched"),
			expectedMatch(rows, /fault|compute/, ["main", "do_work"]));
		await page.screenshot({ path: path.join(shots, "pfflame-firefox-diff.png") });
	});
}

// Where frame F of the graph as drawn (ALL) should be once frame Z is
// zoomed to: its callees (above it) spread over the full width in the
// same proportions, its callers (below) full width, the rest hidden, and
// so are frames that would be narrower than 0.1 px.
function zoomedPlace(all, z, f) {
	const full = 1200 - 2 * 10, ratio = full / z.width, eps = 0.0001;

	if (f.y > z.y)
		return f.x <= z.x + eps && f.x + f.width + eps >= z.x + z.width ?
			{ x: 10, width: full, hidden: false } : { hidden: true };
	if ((f === z || (f.y < z.y && f.x + eps >= z.x && f.x + eps < z.x + z.width)) &&
	    f.width * ratio >= 0.1)
		return { x: 10 + (f.x - z.x) * ratio, width: f.width * ratio, hidden: false };
	return { hidden: true };
}

// Frames of NOW not where WANT(frame as drawn) says, as readable lines.
function misplaced(drawn, now, want) {
	const bad = [];

	drawn.forEach((f, i) => {
		const w = want(f), g = now[i];

		if (w.hidden !== g.hidden || (!w.hidden &&
		    (Math.abs(w.x - g.x) > 0.11 || Math.abs(w.width - g.width) > 0.11)))
			bad.push(f.name + " at " + f.x + "," + f.y + ": " + JSON.stringify(g) +
				", expected " + JSON.stringify(w));
	});
	return bad;
}

// The zoomed view (VIEW, its frames) against the frames as drawn (DRAWN)
// placed by WANT: the same frames, by name and depth, at the same places.
function misdrawn(drawn, view, want) {
	const bad = [], order = (a, b) => a.y - b.y || a.x - b.x;
	const exp = drawn.map((f) => ({ f, w: want(f) })).filter((e) => !e.w.hidden)
		.map((e) => ({ name: e.f.name, y: e.f.y, x: e.w.x, width: e.w.width })).sort(order);
	const got = view.slice().sort(order);

	if (exp.length !== got.length)
		bad.push(got.length + " frames in the zoomed view, expected " + exp.length);
	exp.forEach((e, k) => {
		const g = got[k] || {};

		if (g.name !== e.name || g.y !== e.y || g.hidden ||
		    Math.abs(g.x - e.x) > 0.11 || Math.abs(g.width - e.width) > 0.11)
			bad.push(JSON.stringify(g) + ", expected " + JSON.stringify(e));
	});
	return bad;
}

// A generated tree of some 1,400 frames, all drawn (--minwidth=0): every
// frame is checked after a zoom, a search's share is computed from the
// input, and Escape goes back step by step.
async function tree(page, dialog) {
	const rows = readFolded(treeIn);

	await check("tree: zoom lays out every frame, search, Escape twice", async () => {
		await open(page, pathToFileURL(treeSvg).href);
		const drawn = await allFrames(page);
		assert.strictEqual(drawn.length, frameCount(rows));
		// the leftmost fn_2_1 is main;fn_1_0;fn_2_1: input is sorted
		const zi = drawn.reduce((b, f, i) => f.name === "fn_2_1" &&
			(b < 0 || f.x < drawn[b].x) ? i : b, -1);
		const z = drawn[zi];
		const html0 = await drawnFrames(page);
		await (await page.$$("#frames > g"))[zi].click();
		await page.waitForFunction(() => /x=/.test(location.href));
		let bad = misdrawn(drawn, await allFrames(page, "#zoomview > g"), (f) => zoomedPlace(drawn, z, f));
		assert.deepStrictEqual(bad.slice(0, 3), [], bad.length + " frames misplaced");
		assert.ok((await allFrames(page)).every((f) => f.hidden), "the frames as drawn are hidden");
		assert.strictEqual((await drawnFrames(page)).inner, html0.inner, "and unchanged");

		dialog.answer = "^fn_4_[02]$|fn_5_3";
		await ctrl(page, "f");
		await matchedShown(page);
		assert.strictEqual(await text(page, "matched"),
			expectedMatch(rows, /^fn_4_[02]$|fn_5_3/, ["main", "fn_1_0", "fn_2_1"]));
		await page.keyboard.press("Escape");	// the search
		await page.waitForFunction(() => !/s=/.test(location.href));
		assert.ok(/x=/.test(await href(page)), "still zoomed");
		await page.keyboard.press("Escape");	// the zoom
		await page.waitForFunction(() => !/x=/.test(location.href));
		bad = misplaced(drawn, await allFrames(page), (f) => f);
		assert.deepStrictEqual(bad.slice(0, 3), [], bad.length + " frames misplaced");
		assert.deepStrictEqual(await drawnFrames(page), html0, "every frame exactly as drawn");
		assert.strictEqual(await page.$("#zoomview"), null, "the zoomed view is gone");
	});

	// a view of more frames than it draws one by one paints the narrower
	// ones in an image (a canvas): 40 here rather than 2,000
	await check("tree: the narrowest frames of a big view in one image", async () => {
		const r = await page.evaluate(() => {
			pfflame.most = 40;
			pfflame.zoom(1);
			const out = {
				frames: document.querySelectorAll("#zoomview > g").length,
				images: Array.from(document.querySelectorAll("#zoomview > image"))
					.map((e) => e.getAttributeNS("http://www.w3.org/1999/xlink", "href").substring(0, 22))
			};
			pfflame.most = 2000;
			pfflame.unzoom();
			return out;
		});
		assert.ok(r.frames > 1 && r.frames <= 41, r.frames + " frames one by one");
		assert.deepStrictEqual(r.images, ["data:image/png;base64,"]);
	});
}

async function main() {
	const errors = [], dialog = { answer: null };
	const browser = await puppeteer.launch({
		browser: "firefox",
		protocol: "webDriverBiDi",
		executablePath: firefox,
		headless: true,
		userDataDir: path.join(home, "profile"),
		env: { ...process.env, HOME: home, MOZ_CRASHREPORTER_DISABLE: "1" },
		timeout: LONG,
		protocolTimeout: LONG
	});

	try {
		console.log("# " + await browser.version());
		const page = await newPage(browser, errors, dialog);
		await basicKeys(page, dialog, await basicZoom(browser, page, errors, dialog));
		await diff(page, errors, dialog);
		await tree(page, dialog);
		await check("no script errors", async () => {
			assert.deepStrictEqual(errors, []);
		});
	} finally {
		await browser.close();
	}
	console.log(failures ? failures + " check(s) failed" : "all Firefox checks passed");
	process.exit(failures ? 1 : 0);
}

main().catch((e) => {
	console.log("FAIL: " + (e && e.stack ? e.stack : e));
	process.exit(1);
});
