// SPDX-License-Identifier: GPL-2.0-or-later
// Times pfflame SVGs in headless Chromium: how long the graph takes to
// open (navigation until it is painted, and until the script has read
// every frame in idle time), then zooming to a wide frame, to a narrow
// one and to a frame inside it, searching, resetting the zoom and the
// search.  Each interaction is
// timed as the script's own time plus the time until the next frame is
// drawn, since most of the cost of showing or hiding 100,000 frames is
// the browser's style, layout and paint, not the script.  Run by
// bench/flame.sh with NODE_PATH pointing at playwright-core:
//   node flame-load.js CHROMIUM PROFILE-DIR SVG...
"use strict";

const { chromium } = require("playwright-core");
const { pathToFileURL } = require("url");

const [chromePath, profile, ...svgs] = process.argv.slice(2);

// Two animation frames and a task: the browser has drawn what changed.
function painted() {
	return new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 0))));
}

// In the page: zoom to the widest frame under the root, then to one 20
// to 40 pixels wide, then to the first frame inside that one, search,
// unzoom, reset the search.
async function interact() {
	const next = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 0))));
	const g = document.querySelectorAll("#frames > g");
	let wide = -1, ww = 0, narrow = -1;
	for (let i = 0; i < g.length; i++) {
		const w = parseFloat(g[i].querySelector("rect").getAttribute("width"));
		if (w > ww && w < 1000) { ww = w; wide = i; }
		if (narrow < 0 && w > 20 && w < 40) narrow = i;
	}
	const out = [];
	async function time(name, fn) {
		const t0 = performance.now();
		fn();
		const t1 = performance.now();
		await next();
		out.push(`${name} ${(t1 - t0).toFixed(0)}+${(performance.now() - t1).toFixed(0)}`);
	}
	await time("zoom", () => pfflame.zoom(wide < 0 ? 0 : wide));
	if (narrow >= 0) {
		await time("zoom narrow", () => pfflame.zoom(narrow));
		await time("zoom inside", () => pfflame.zoom(narrow + 1));
	}
	await time("search", () => pfflame.search("function_num_0001"));
	await time("unzoom", () => pfflame.unzoom());
	await time("reset search", () => pfflame.resetSearch());
	return out.join(", ");
}

async function main() {
	const ctx = await chromium.launchPersistentContext(profile, {
		executablePath: chromePath,
		headless: true,
		viewport: { width: 1280, height: 1000 },
		args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		       "--no-first-run", "--disable-background-networking",
		       "--disable-component-update", "--disable-sync"]
	});
	const page = await ctx.newPage();
	for (const svg of svgs) {
		const t = Date.now();
		await page.goto(pathToFileURL(svg).href, { waitUntil: "load", timeout: 120000 });
		await page.evaluate(painted);
		const shown = Date.now() - t;
		// older scripts have no `loaded`: they read every frame on load
		await page.waitForFunction(() => window.pfflame && (pfflame.loaded === undefined || pfflame.loaded),
					   null, { timeout: 120000, polling: 50 });
		const loaded = Date.now() - t;
		const frames = await page.evaluate(() => pfflame.frames);
		const ms = await page.evaluate(interact);
		console.log(`${svg}: ${frames} frames, painted ${shown} ms, read ${loaded} ms; ` +
			    `script+drawing ms: ${ms}`);
	}
	await ctx.close();
}

main().catch((e) => { console.error(e); process.exit(1); });
