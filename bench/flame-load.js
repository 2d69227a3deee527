// SPDX-License-Identifier: GPL-2.0-or-later
// Times pfflame SVGs in headless Chromium: from navigation until the script
// has read every frame, then a click to zoom, a search and a reset.  Run by
// bench/flame.sh with NODE_PATH pointing at playwright-core:
//   node flame-load.js CHROMIUM PROFILE-DIR SVG...
"use strict";

const { chromium } = require("playwright-core");
const { pathToFileURL } = require("url");

const [chromePath, profile, ...svgs] = process.argv.slice(2);

async function main() {
	const ctx = await chromium.launchPersistentContext(profile, {
		executablePath: chromePath,
		headless: true,
		args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		       "--no-first-run", "--disable-background-networking",
		       "--disable-component-update", "--disable-sync"]
	});
	const page = await ctx.newPage();
	for (const svg of svgs) {
		let t = Date.now();
		await page.goto(pathToFileURL(svg).href, { waitUntil: "load", timeout: 120000 });
		await page.waitForFunction(() => window.pfflame && window.pfflame.frames > 0,
					   null, { timeout: 120000 });
		const load = Date.now() - t;
		const frames = await page.evaluate(() => pfflame.frames);
		// zoom to the widest frame below the root, search, reset
		const ms = await page.evaluate(() => {
			const g = document.querySelectorAll("#frames > g");
			let best = -1, bw = 0;
			for (let i = 0; i < g.length; i++) {
				const w = parseFloat(g[i].querySelector("rect").getAttribute("width"));
				if (w > bw && w < 1000) { bw = w; best = i; }
			}
			const t0 = performance.now();
			pfflame.zoom(best < 0 ? 0 : best);
			const t1 = performance.now();
			pfflame.search("function_num_0001");
			const t2 = performance.now();
			pfflame.unzoom();
			pfflame.resetSearch();
			const t3 = performance.now();
			return [t1 - t0, t2 - t1, t3 - t2];
		});
		console.log(`${svg}: ${frames} frames, load ${load} ms, zoom ${ms[0].toFixed(0)} ms, ` +
			    `search ${ms[1].toFixed(0)} ms, reset ${ms[2].toFixed(0)} ms`);
	}
	await ctx.close();
}

main().catch((e) => { console.error(e); process.exit(1); });
