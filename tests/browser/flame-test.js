// SPDX-License-Identifier: GPL-2.0-or-later
// Drives Debian's Chromium over pfflame SVGs the way a person would: hover a
// frame, click to zoom, search with Ctrl-F, reopen the URL, reset.  Run by
// tests/run-pfflame-browser.sh:
//   node flame-test.js CHROMIUM PROFILE-DIR SHOT-DIR BASIC.svg DIFF.svg TREE.svg
// TREE.svg is a graph of a few thousand frames, some of them links or with
// a class (--nameattr), to check which frames a zoom shows and where, and
// that zooming around and back leaves every frame exactly as pfflame drew
// it.  A zoomed view is drawn over the graph in #zoomview (copies of the
// frames it shows); the frames as drawn stay, made transparent.
"use strict";

const { chromium } = require("playwright-core");
const assert = require("assert");
const path = require("path");
const { pathToFileURL } = require("url");

const [chromePath, profile, shots, basicSvg, diffSvg, treeSvg] = process.argv.slice(2);
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

// The <g> of the frame named NAME (its title starts with "NAME (") as
// drawn, or with WHERE "#zoomview", its copy in the zoomed view.
function frame(page, name, where) {
	return page.locator((where || "#frames") + " > g").filter({
		has: page.locator("title", { hasText: new RegExp("^" + name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") + " \\(") })
	}).first();
}

// Frame NAME as the user sees it: its copy in the zoomed view when
// zoomed (hidden when the view has none), else as drawn.
async function rectOf(page, name) {
	const zoomed = await page.locator("#zoomview").count() > 0;
	const g = frame(page, name, zoomed ? "#zoomview" : "#frames");
	if (zoomed && await g.count() === 0)
		return { hidden: true };
	const r = g.locator("rect");
	return {
		x: parseFloat(await r.getAttribute("x")),
		width: parseFloat(await r.getAttribute("width")),
		hidden: await g.evaluate((g) => getComputedStyle(g).display === "none" ||
			getComputedStyle(g.parentNode).opacity === "0")
	};
}

// The frames as drawn, and whether they are on screen (#frames opaque).
async function drawnFrames(page) {
	return page.evaluate(() => ({
		html: document.getElementById("frames").outerHTML,
		inner: document.getElementById("frames").innerHTML,
		opacity: getComputedStyle(document.getElementById("frames")).opacity
	}));
}

async function main() {
	const ctx = await chromium.launchPersistentContext(profile, {
		executablePath: chromePath,
		headless: true,
		args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		       "--no-first-run", "--disable-background-networking",
		       "--disable-component-update", "--disable-sync"],
		viewport: { width: 1280, height: 400 }
	});
	const page = await ctx.newPage();
	const errors = [];
	page.on("pageerror", (e) => errors.push(String(e)));
	page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
	let answer = null;
	page.on("dialog", (d) => d.accept(answer === null ? "" : answer));

	const url = pathToFileURL(basicSvg).href;
	await page.goto(url);
	await page.waitForFunction(() => window.pfflame && window.pfflame.frames > 0);
	const basic0 = await drawnFrames(page);

	await check("script loaded without errors", async () => {
		assert.strictEqual(await page.evaluate(() => pfflame.frames), 30);
		assert.deepStrictEqual(errors, []);
	});

	await check("hover shows details", async () => {
		await frame(page, "compute").locator("rect").hover();
		assert.strictEqual(await page.locator("#details").textContent(),
			"Function: compute (120 samples, 20.07%)");
	});

	await check("click zooms to the frame", async () => {
		const before = await rectOf(page, "alloc");
		const dw0 = await rectOf(page, "do_work");
		await frame(page, "do_work").click();
		const dw = await rectOf(page, "do_work");
		const alloc = await rectOf(page, "alloc");
		const init = await rectOf(page, "init");
		assert.ok(Math.abs(dw.width - 1180) < 0.2, "do_work width " + dw.width);
		const want = before.width * 1180 / dw0.width;
		assert.ok(Math.abs(alloc.width - want) < 0.5, "alloc " + alloc.width + ", expected " + want);
		assert.ok(init.hidden, "init (not under do_work) is hidden");
		assert.ok(await frame(page, "main", "#zoomview").evaluate((g) => g.classList.contains("parent")),
			"main is shown as an ancestor");
		assert.strictEqual(dw.x, 10, "do_work at x 10");
		assert.ok(!(await rectOf(page, "compute")).hidden, "compute, under do_work, is shown");
		const now = await drawnFrames(page);
		assert.strictEqual(now.opacity, "0", "the frames as drawn are transparent");
		assert.strictEqual(now.inner, basic0.inner, "the frames as drawn are unchanged");
		await frame(page, "alloc", "#zoomview").locator("rect").hover();
		assert.strictEqual(await page.locator("#details").textContent(),
			"Function: alloc (245 samples, 40.97%)", "hover in the zoomed view");
		assert.ok(!(await page.locator("#unzoom").evaluate((e) => e.classList.contains("hide"))),
			"Reset Zoom is offered");
		assert.match(page.url(), /[?#]x=[\d.]+&y=\d+/);
	});

	await check("Ctrl-F searches with the matched share of the zoomed frame", async () => {
		answer = "^mal";
		await page.keyboard.press("Control+f");
		// malloc: 15 + 30 samples of do_work's 365
		await page.waitForFunction(() => pfflame.matched !== null);
		assert.strictEqual(await page.locator("#matched").textContent(), "Matched: 12.3%");
		const fill = await frame(page, "malloc", "#zoomview").locator("rect").getAttribute("fill");
		assert.strictEqual(fill, "rgb(230,0,230)");
		assert.match(page.url(), /s=%5Emal/);
	});

	await page.screenshot({ path: path.join(shots, "pfflame-zoomed.png") });

	await check("a link reopens the same view", async () => {
		const page2 = await ctx.newPage();
		await page2.goto(page.url());
		await page2.waitForFunction(() => window.pfflame && window.pfflame.matched !== null);
		assert.strictEqual(await page2.locator("#matched").textContent(), "Matched: 12.3%");
		const dw = await rectOf(page2, "do_work");
		assert.ok(Math.abs(dw.width - 1180) < 0.2, "do_work width " + dw.width);
		assert.ok((await rectOf(page2, "init")).hidden);
		await page2.close();
	});

	await check("ignore case", async () => {
		await page.keyboard.press("Escape");	// clears the search
		assert.strictEqual(await page.evaluate(() => pfflame.matched), null);
		await page.locator("#ignorecase").click();
		answer = "MALLOC|MEMSET";
		await page.locator("#search").click();
		await page.waitForFunction(() => pfflame.matched !== null);
		// (45 + 200) / 365
		assert.strictEqual(await page.locator("#matched").textContent(), "Matched: 67.1%");
		assert.match(page.url(), /i=1/);
	});

	await check("reset zoom restores the graph", async () => {
		await page.locator("#unzoom").click();
		const dw = await rectOf(page, "do_work");
		const init = await rectOf(page, "init");
		assert.strictEqual(dw.width, 720.3);
		assert.ok(!init.hidden);
		assert.strictEqual(await page.locator("#zoomview").count(), 0, "the zoomed view is gone");
		assert.strictEqual((await drawnFrames(page)).opacity, "1", "the frames as drawn are shown");
		// the share is now of everything: 245 of 598
		assert.strictEqual(await page.locator("#matched").textContent(), "Matched: 41.0%");
		assert.doesNotMatch(page.url(), /x=/);
	});

	await check("labels follow the zoom", async () => {
		const t = frame(page, "a_function_with_a_rather_long_name_that_will_not_fit_in_its_frame").locator("text");
		const before = await t.textContent();
		assert.match(before, /\.\.$/);
		await frame(page, "a_function_with_a_rather_long_name_that_will_not_fit_in_its_frame").click();
		assert.strictEqual(await frame(page, "a_function_with_a_rather_long_name_that_will_not_fit_in_its_frame",
			"#zoomview").locator("text").textContent(),
			"a_function_with_a_rather_long_name_that_will_not_fit_in_its_frame");
		assert.strictEqual(await t.textContent(), before, "the label as drawn is unchanged");
		// a click on the zoomed view's copy of an ancestor zooms out to it
		await frame(page, "main", "#zoomview").click();
		assert.ok(Math.abs((await rectOf(page, "do_work")).width - 720.3 * 1180 / 870.2) < 0.2,
			"do_work in main's view");
		await page.locator("#unzoom").click();
		assert.strictEqual(await t.textContent(), before);
	});

	await check("differential graph loads", async () => {
		await page.goto(pathToFileURL(diffSvg).href);
		await page.waitForFunction(() => window.pfflame && window.pfflame.frames > 0);
		await frame(page, "page_fault").locator("rect").hover();
		assert.match(await page.locator("#details").textContent(), /page_fault \(200 samples, [\d.]+%; \+[\d.]+%\)/);
		await page.screenshot({ path: path.join(shots, "pfflame-diff.png") });
	});

	await check("zooming around and back leaves every frame as drawn", async () => {
		await page.goto(pathToFileURL(treeSvg).href);
		await page.waitForFunction(() => window.pfflame && window.pfflame.frames > 0);
		const drawn = await page.evaluate(() => document.getElementById("frames").outerHTML);
		const r = await page.evaluate(() => {
			// frames are <g>, or <a> where --nameattr made a link
			const g = Array.from(document.querySelectorAll("#frames > *"));
			const attr = (i, a) => parseFloat(g[i].querySelector("rect").getAttribute(a));
			const width = (i) => attr(i, "width");
			const name = (e) => e.querySelector("title").textContent.replace(/ \(.*/, "");
			const drawn = g.map((e, i) => ({ name: name(e), x: attr(i, "x"), y: attr(i, "y"), w: width(i),
							 tag: e.tagName, cls: e.getAttribute("class") }));
			// What a zoom to Z should show, sorted by y and x: the frames
			// below it that span it, full width, Z and the frames above it
			// within its span, spread over the width, those narrower than
			// 0.1 px left out.
			const expect = (z) => {
				const d = drawn[z], ratio = 1180 / d.w;
				return drawn.filter((f) => f.y > d.y && f.x <= d.x + 1e-4 && f.x + f.w + 1e-4 >= d.x + d.w)
					.map((f) => ({ ...f, x: 10, w: 1180, parent: true }))
					.concat(drawn.filter((f, i) => (i === z || (f.y < d.y && f.x + 1e-4 >= d.x &&
						f.x + 1e-4 < d.x + d.w)) && f.w * ratio >= 0.1)
						.map((f) => ({ ...f, x: 10 + (f.x - d.x) * ratio, w: f.w * ratio, parent: false })))
					.sort((a, b) => a.y - b.y || a.x - b.x);
			};
			// what the zoomed view shows, in the same order
			const view = () => Array.from(document.querySelectorAll("#zoomview > g, #zoomview > a"))
				.map((e) => {
					const c = (e.getAttribute("class") || "").split(" ");
					const r = e.querySelector("rect");
					return { name: name(e), x: parseFloat(r.getAttribute("x")), y: parseFloat(r.getAttribute("y")),
						 w: parseFloat(r.getAttribute("width")), tag: e.tagName,
						 cls: c.filter((k) => k !== "parent").join(" ") || null,
						 parent: c.includes("parent"), label: e.querySelector("text").textContent };
				}).sort((a, b) => a.y - b.y || a.x - b.x);
			const bad = (z) => {
				const want = expect(z), got = view(), out = [];
				if (want.length !== got.length)
					out.push(got.length + " frames in the view, expected " + want.length);
				want.forEach((f, k) => {
					const v = got[k] || {};
					if (v.name !== f.name || v.y !== f.y || Math.abs(v.x - f.x) > 0.06 ||
					    Math.abs(v.w - f.w) > 0.06 || v.tag !== f.tag || v.cls !== f.cls ||
					    v.parent !== f.parent)
						out.push(JSON.stringify(v) + ", expected " + JSON.stringify(f));
				});
				return out.slice(0, 3);
			};
			const out = [];
			// the widest frame under the root, a narrow one, a zero-width one
			const order = g.map((e, i) => i).filter((i) => i > 0).sort((a, b) => width(b) - width(a));
			const picks = [order[0], order[Math.floor(order.length / 3)], order[order.length - 1]];
			pfflame.search("fn_2");
			const searched = document.getElementById("frames").innerHTML;
			for (const i of picks) {
				pfflame.zoom(i);
				const v = view();
				const zv = v.find((f) => !f.parent && f.name === drawn[i].name && f.y === drawn[i].y);
				out.push({ i, w: zv && zv.w, orig: width(i),
					   zoomed: pfflame.zoomed, shown: v.length, bad: bad(pfflame.zoomed),
					   label: zv && zv.label, name: drawn[i].name,
					   lit: document.querySelectorAll("#zoomview rect[fill='rgb(230,0,230)']").length,
					   links: v.filter((f) => f.tag === "a").length,
					   same: document.getElementById("frames").innerHTML === searched,
					   opacity: getComputedStyle(document.getElementById("frames")).opacity });
			}
			// at most 40 frames one by one: the widest, the others in an image
			pfflame.most = 40;
			pfflame.zoom(picks[0]);
			const few = view().filter((f) => !f.parent);
			const bands = document.querySelectorAll("#zoomview > image").length;
			const narrowest = Math.min(...few.map((f) => f.w));
			const wider = expect(picks[0]).filter((f) => !f.parent && f.w > narrowest + 0.06).length;
			pfflame.most = 2000;
			pfflame.unzoom();
			pfflame.resetSearch();
			out.push({ shown: g.filter((e) => getComputedStyle(e).display !== "none").length,
				   opacity: getComputedStyle(document.getElementById("frames")).opacity,
				   view: document.querySelectorAll("#zoomview").length,
				   total: g.length, loaded: pfflame.loaded,
				   links: document.querySelectorAll("#frames > a").length,
				   classed: document.querySelectorAll("#frames > .three").length,
				   few: few.length, bands, wider });
			return out;
		});
		assert.ok(r[0].w > 1179.9 && r[0].w < 1180.1, "wide frame zoomed to " + r[0].w);
		assert.ok(r[1].w > 1179.9 && r[1].w < 1180.1, "narrow frame zoomed to " + r[1].w);
		assert.strictEqual(r[1].label, r[1].name, "the zoomed frame's full name is its label");
		assert.deepStrictEqual(r[0].bad, [], "frames in the view of the wide frame");
		assert.deepStrictEqual(r[1].bad, [], "frames in the view of the narrow frame");
		assert.ok(r[1].shown < r[0].shown && r[1].shown > 1, "fewer frames shown: " + r[1].shown);
		assert.ok(r[0].lit > 0 && r[0].links > 0, "search colour and links in the view");
		assert.ok(r[0].same && r[1].same, "the frames as drawn are unchanged under the view");
		assert.strictEqual(r[0].opacity, "0", "the frames as drawn are transparent");
		assert.strictEqual(r[2].orig, 0, "a frame of no width");
		assert.strictEqual(r[2].zoomed, r[1].zoomed, "zooming to a frame of no width is ignored");
		assert.strictEqual(r[3].shown, r[3].total);
		assert.strictEqual(r[3].opacity, "1", "the frames as drawn are shown again");
		assert.strictEqual(r[3].view, 0, "no zoomed view after the reset");
		assert.ok(r[3].loaded);
		assert.ok(r[3].links > 0 && r[3].classed > 0, "--nameattr links and classes in the tree");
		assert.ok(r[3].few <= 40 && r[3].few >= r[3].wider && r[3].bands === 1,
			r[3].few + " frames one by one (" + r[3].wider + " wider), " + r[3].bands + " images");
		assert.strictEqual(await page.evaluate(() => document.getElementById("frames").outerHTML), drawn);
	});

	await check("no script errors", async () => {
		assert.deepStrictEqual(errors, []);
	});
	await ctx.close();
	console.log(failures ? failures + " check(s) failed" : "all browser checks passed");
	process.exit(failures ? 1 : 0);
}

main().catch((e) => {
	console.log("FAIL: " + (e && e.stack ? e.stack : e));
	process.exit(1);
});
