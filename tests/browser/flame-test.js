// SPDX-License-Identifier: GPL-2.0-or-later
// Drives Debian's Chromium over pfflame SVGs the way a person would: hover a
// frame, click to zoom, search with Ctrl-F, reopen the URL, reset.  Run by
// tests/run-pfflame-browser.sh:
//   node flame-test.js CHROMIUM PROFILE-DIR SHOT-DIR BASIC.svg DIFF.svg TREE.svg
// TREE.svg is a graph of a few thousand frames, some of them links or with
// a class (--nameattr), to check which frames a zoom shows and that zooming
// around and back leaves every frame exactly as pfflame drew it.
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

// The <g> of the frame named NAME (its title starts with "NAME (").
function frame(page, name) {
	return page.locator("#frames > g").filter({
		has: page.locator("title", { hasText: new RegExp("^" + name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") + " \\(") })
	}).first();
}

async function rectOf(page, name) {
	const r = frame(page, name).locator("rect");
	return {
		x: parseFloat(await r.getAttribute("x")),
		width: parseFloat(await r.getAttribute("width")),
		hidden: await frame(page, name).evaluate((g) => getComputedStyle(g).display === "none")
	};
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
		assert.ok(await frame(page, "main").evaluate((g) => g.classList.contains("parent")),
			"main is shown as an ancestor");
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
		const fill = await frame(page, "malloc").locator("rect").getAttribute("fill");
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
		// the share is now of everything: 245 of 598
		assert.strictEqual(await page.locator("#matched").textContent(), "Matched: 41.0%");
		assert.doesNotMatch(page.url(), /x=/);
	});

	await check("labels follow the zoom", async () => {
		const t = frame(page, "a_function_with_a_rather_long_name_that_will_not_fit_in_its_frame").locator("text");
		const before = await t.textContent();
		assert.match(before, /\.\.$/);
		await frame(page, "a_function_with_a_rather_long_name_that_will_not_fit_in_its_frame").click();
		assert.strictEqual(await t.textContent(),
			"a_function_with_a_rather_long_name_that_will_not_fit_in_its_frame");
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
			const shown = () => g.filter((e) => getComputedStyle(e).display !== "none").length;
			// what a zoom to Z should show: Z, the frames above it within its
			// span, the frames below it that span it
			const drawn = g.map((e, i) => ({ x: attr(i, "x"), y: attr(i, "y"), w: width(i) }));
			const expect = (z) => drawn.filter((f, i) => i === z ||
				(f.y < drawn[z].y && f.x + 1e-4 >= drawn[z].x && f.x + 1e-4 < drawn[z].x + drawn[z].w) ||
				(f.y > drawn[z].y && f.x <= drawn[z].x + 1e-4 && f.x + f.w + 1e-4 >= drawn[z].x + drawn[z].w)).length;
			const out = [];
			// the widest frame under the root, a narrow one, a zero-width one
			const order = g.map((e, i) => i).filter((i) => i > 0).sort((a, b) => width(b) - width(a));
			const picks = [order[0], order[Math.floor(order.length / 3)], order[order.length - 1]];
			pfflame.search("fn_2");
			for (const i of picks) {
				pfflame.zoom(i);
				out.push({ i, w: width(i), zoomed: pfflame.zoomed, shown: shown(), expect: expect(i),
					   label: g[i].querySelector("text").textContent,
					   name: g[i].querySelector("title").textContent.replace(/ \(.*/, "") });
			}
			pfflame.unzoom();
			pfflame.resetSearch();
			out.push({ shown: shown(), total: g.length, loaded: pfflame.loaded,
				   links: document.querySelectorAll("#frames > a").length,
				   classed: document.querySelectorAll("#frames > .three").length });
			return out;
		});
		assert.ok(r[0].w > 1179.9 && r[0].w < 1180.1, "wide frame zoomed to " + r[0].w);
		assert.ok(r[1].w > 1179.9 && r[1].w < 1180.1, "narrow frame zoomed to " + r[1].w);
		assert.strictEqual(r[1].label, r[1].name, "the zoomed frame's full name is its label");
		assert.strictEqual(r[0].shown, r[0].expect, "frames shown zoomed to the wide frame");
		assert.strictEqual(r[1].shown, r[1].expect, "frames shown zoomed to the narrow frame");
		assert.ok(r[1].shown < r[0].shown && r[1].shown > 1, "fewer frames shown: " + r[1].shown);
		assert.strictEqual(r[2].w, 0, "a frame of no width");
		assert.strictEqual(r[2].zoomed, r[1].zoomed, "zooming to a frame of no width is ignored");
		assert.strictEqual(r[3].shown, r[3].total);
		assert.ok(r[3].loaded);
		assert.ok(r[3].links > 0 && r[3].classed > 0, "--nameattr links and classes in the tree");
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
