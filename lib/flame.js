// SPDX-License-Identifier: LGPL-2.1-or-later
// The interactive part of pfflame's SVGs: hover for details, click a frame
// to zoom to it, search by regular expression with the matched share of
// what is on screen, and zoom and search kept in the URL so that a link
// reopens the same view.  pfflame puts `pfcfg` (layout numbers and texts)
// in front of this file.
//
// Frames are read once into arrays; zooming and searching then work on
// those arrays and touch the DOM only where something changes, which keeps
// graphs of 100,000 frames responsive.  No library, no network: it must
// work from a file in any browser.
"use strict";

var pfflame = (function () {
	var cfg = typeof pfcfg === "object" ? pfcfg : {};
	var xpad = cfg.xpad || 10;
	var inverted = !!cfg.inverted;
	var charw = (cfg.fontsize || 12) * (cfg.fontwidth || 0.59);
	var nametype = cfg.nametype || "Function:";
	var searchcolor = cfg.searchcolor || "rgb(230,0,230)";
	var fudge = 0.0001;

	var svg, details, unzoombtn, searchbtn, icbtn, matchedtxt;
	var n = 0;
	var groups = [], rects = [], texts = [], titles = [];
	var names = [], counts = [], fills = [];
	var index = new Map();	// <g> -> frame number
	var x0, w0, y0;		// geometry as drawn by pfflame
	var cx, cw;		// current geometry
	var state;		// 0 shown, 1 hidden, 2 ancestor of the zoomed frame
	var labels = [], shown = [];	// labels as drawn, and as shown now
	var lit;			// 1 where a search match is highlighted
	var zoomed = -1;
	var term = null, ignorecase = false, matched = null;
	var width = 1200;

	function parseCount(s) {
		return parseFloat(s.replace(/,/g, ""));
	}

	// "name (1,234 samples, 5.00%)" or "...; +1.00%)": name and count.
	var titleRe = /^([\s\S]*) \(([-+]?[\d,]+) [^]*?, [-\d.]+%(?:; [-+]?[\d.]+%)?\)$/;

	function load() {
		var frames = document.getElementById("frames");
		var el = frames ? frames.children : [];
		var i, g, c, t, m;

		n = el.length;
		x0 = new Float64Array(n); w0 = new Float64Array(n); y0 = new Float64Array(n);
		cx = new Float64Array(n); cw = new Float64Array(n);
		state = new Uint8Array(n);
		lit = new Uint8Array(n);
		for (i = 0; i < n; i++) {
			g = el[i];
			c = g.children;
			groups.push(g);
			index.set(g, i);
			// pfflame writes <title>, <rect>, <text> in this order
			if (c.length === 3 && c[1].tagName === "rect") {
				titles.push(c[0]);
				rects.push(c[1]);
				texts.push(c[2]);
			} else {
				titles.push(g.querySelector("title"));
				rects.push(g.querySelector("rect"));
				texts.push(g.querySelector("text"));
			}
			x0[i] = cx[i] = parseFloat(rects[i].getAttribute("x"));
			w0[i] = cw[i] = parseFloat(rects[i].getAttribute("width"));
			y0[i] = parseFloat(rects[i].getAttribute("y"));
			fills.push(rects[i].getAttribute("fill"));
			labels.push(texts[i].textContent);
			shown.push(labels[i]);
			t = titles[i].textContent;
			m = titleRe.exec(t);
			names.push(m ? m[1] : t);
			counts.push(m ? parseCount(m[2]) : w0[i]);
		}
	}

	// The label that fits W pixels: the name, or its start and "..".
	function fit(name, w) {
		var chars = Math.floor(w / charw);

		if (chars < 3)
			return "";
		if (chars >= name.length)
			return name;
		return name.substring(0, chars - 2) + "..";
	}

	function place(i, x, w) {
		var label;

		if (cx[i] !== x) {
			rects[i].setAttribute("x", x.toFixed(1));
			texts[i].setAttribute("x", (x + 3).toFixed(2));
			cx[i] = x;
		}
		if (cw[i] !== w) {
			rects[i].setAttribute("width", w.toFixed(1));
			cw[i] = w;
			label = w === w0[i] && x === x0[i] ? labels[i] : fit(names[i], w);
			if (shown[i] !== label) {
				texts[i].textContent = label;
				shown[i] = label;
			}
		}
	}

	// Hidden frames get display="none" rather than a class: Chromium
	// applies the attribute about twice as fast, which tells with tens of
	// thousands of frames.
	function setState(i, s) {
		if (state[i] === s)
			return;
		if (state[i] === 1)
			groups[i].removeAttribute("display");
		if (state[i] === 2)
			groups[i].classList.remove("parent");
		if (s === 1)
			groups[i].setAttribute("display", "none");
		if (s === 2)
			groups[i].classList.add("parent");
		state[i] = s;
	}

	function above(i, j) {
		// frame i is drawn closer to the root than frame j
		return inverted ? y0[i] < y0[j] : y0[i] > y0[j];
	}

	function zoom(z) {
		var xmin = x0[z], xmax = x0[z] + w0[z];
		var ratio = (width - 2 * xpad) / w0[z];
		var i;

		for (i = 0; i < n; i++) {
			if (above(i, z)) {
				if (x0[i] <= xmin + fudge && x0[i] + w0[i] + fudge >= xmax) {
					setState(i, 2);
					place(i, xpad, width - 2 * xpad);
				} else {
					setState(i, 1);
				}
			} else if (x0[i] + fudge >= xmin && x0[i] + fudge < xmax &&
				   (i === z || y0[i] !== y0[z])) {
				setState(i, 0);
				place(i, (x0[i] - xmin) * ratio + xpad, w0[i] * ratio);
			} else {
				setState(i, 1);
			}
		}
		zoomed = z;
		unzoombtn.classList.remove("hide");
		if (term !== null)
			search(term);
		save();
	}

	function unzoom() {
		var i;

		for (i = 0; i < n; i++) {
			setState(i, 0);
			place(i, x0[i], w0[i]);
		}
		zoomed = -1;
		unzoombtn.classList.add("hide");
		if (term !== null)
			search(term);
		save();
	}

	// Is frame i the zoomed frame, or inside it, or one of its ancestors?
	function inView(i) {
		return zoomed < 0 || state[i] !== 1;
	}

	function search(t) {
		var re, i, hits = [], total, sum = 0, end = -Infinity, whole = false;

		try {
			re = new RegExp(t, ignorecase ? "i" : "");
		} catch (e) {
			matchedtxt.textContent = "Bad regular expression";
			matchedtxt.classList.remove("hide");
			return null;
		}
		term = t;
		for (i = 0; i < n; i++) {
			if (re.test(names[i])) {
				if (!lit[i]) {
					rects[i].setAttribute("fill", searchcolor);
					lit[i] = 1;
				}
				if (!inView(i))
					continue;
				if (state[i] === 2 || i === zoomed)
					whole = true;
				hits.push(i);
			} else if (lit[i]) {
				rects[i].setAttribute("fill", fills[i]);
				lit[i] = 0;
			}
		}
		// Count each matched region once: skip matches inside a match.
		hits.sort(function (a, b) { return x0[a] - x0[b] || w0[b] - w0[a]; });
		for (i = 0; i < hits.length; i++) {
			if (x0[hits[i]] + fudge >= end) {
				sum += counts[hits[i]];
				end = x0[hits[i]] + w0[hits[i]];
			}
		}
		total = zoomed >= 0 ? counts[zoomed] : rootCount();
		matched = whole ? 100 : total > 0 ? 100 * sum / total : 0;
		if (matched > 100)
			matched = 100;
		searchbtn.classList.add("show");
		searchbtn.textContent = "Reset Search";
		matchedtxt.classList.remove("hide");
		matchedtxt.textContent = "Matched: " + (matched === 100 ? "100" : matched.toFixed(1)) + "%";
		save();
		return matched;
	}

	function rootCount() {
		var i, best = 0;

		for (i = 0; i < n; i++)
			if (counts[i] > best)
				best = counts[i];
		return best;
	}

	function resetSearch() {
		var i;

		for (i = 0; i < n; i++) {
			if (lit[i]) {
				rects[i].setAttribute("fill", fills[i]);
				lit[i] = 0;
			}
		}
		term = null;
		matched = null;
		searchbtn.classList.remove("show");
		searchbtn.textContent = "Search";
		matchedtxt.textContent = " ";
		save();
	}

	function searchPrompt() {
		var t;

		if (term !== null) {
			resetSearch();
			return;
		}
		t = prompt("Search for (regular expression" +
			   (ignorecase ? ", ignoring case" : "") + "; Ctrl-I toggles case):", "");
		if (t !== null && t !== "")
			search(t);
	}

	function toggleCase() {
		ignorecase = !ignorecase;
		icbtn.classList.toggle("show", ignorecase);
		if (term !== null)
			search(term);
		else
			save();
	}

	// The view in the URL: ?x=..&y=.. (the zoomed frame, as flamegraph.pl
	// writes them), s= (search term), i=1 (ignore case).
	function params() {
		var out = {}, src = location.search.substring(1) + "&" + location.hash.substring(1);

		src.split("&").forEach(function (kv) {
			var p = kv.indexOf("=");

			if (p > 0)
				out[decodeURIComponent(kv.substring(0, p))] = decodeURIComponent(kv.substring(p + 1));
		});
		return out;
	}

	function save() {
		var q = [], url;

		if (zoomed >= 0)
			q.push("x=" + x0[zoomed].toFixed(1), "y=" + y0[zoomed]);
		if (term !== null)
			q.push("s=" + encodeURIComponent(term));
		if (ignorecase)
			q.push("i=1");
		url = location.href.replace(/[?#].*$/, "") + (q.length ? "?" + q.join("&") : "");
		try {
			history.replaceState(null, "", url);
		} catch (e) {
			// some browsers refuse for file: URLs; the fragment always works
			location.replace(url.replace("?", "#"));
		}
	}

	function restore() {
		var p = params(), i, x, y;

		if (p.i === "1") {
			ignorecase = true;
			icbtn.classList.add("show");
		}
		if (p.x !== undefined && p.y !== undefined) {
			x = parseFloat(p.x);
			y = parseFloat(p.y);
			for (i = 0; i < n; i++) {
				if (Math.abs(x0[i] - x) < 0.05 && y0[i] === y) {
					zoom(i);
					break;
				}
			}
		}
		if (p.s)
			search(p.s);
	}

	function frameOf(node) {
		while (node && node.parentNode) {
			if (node.parentNode.id === "frames")
				return index.has(node) ? index.get(node) : -1;
			node = node.parentNode;
		}
		return -1;
	}

	function init() {
		svg = document.documentElement;
		width = svg.width && svg.width.baseVal ? svg.width.baseVal.value : 1200;
		details = document.getElementById("details");
		unzoombtn = document.getElementById("unzoom");
		searchbtn = document.getElementById("search");
		icbtn = document.getElementById("ignorecase");
		matchedtxt = document.getElementById("matched");
		load();
		window.addEventListener("click", function (e) {
			var i = frameOf(e.target);

			if (i >= 0) {
				if (isRoot(i))
					unzoom();
				else if (i !== zoomed)
					zoom(i);
			} else if (e.target.id === "unzoom") {
				unzoom();
			} else if (e.target.id === "search") {
				searchPrompt();
			} else if (e.target.id === "ignorecase") {
				toggleCase();
			}
		});
		window.addEventListener("mouseover", function (e) {
			var i = frameOf(e.target);

			if (i >= 0)
				details.textContent = nametype + " " + titles[i].textContent;
		});
		window.addEventListener("mouseout", function (e) {
			if (frameOf(e.target) >= 0)
				details.textContent = " ";
		});
		window.addEventListener("keydown", function (e) {
			if (e.keyCode === 114 || ((e.ctrlKey || e.metaKey) && e.keyCode === 70) ||
			    (e.key === "/" && !e.ctrlKey)) {
				e.preventDefault();
				searchPrompt();
			} else if ((e.ctrlKey || e.metaKey) && e.keyCode === 73) {
				e.preventDefault();
				toggleCase();
			} else if (e.key === "Escape") {
				if (term !== null)
					resetSearch();
				else if (zoomed >= 0)
					unzoom();
			}
		});
		restore();
	}

	function isRoot(i) {
		return w0[i] >= width - 2 * xpad - fudge;
	}

	return {
		init: init,
		zoom: function (i) { zoom(i); },
		unzoom: unzoom,
		search: search,
		resetSearch: resetSearch,
		toggleCase: toggleCase,
		find: function (name) { return names.indexOf(name); },
		get frames() { return n; },
		get zoomed() { return zoomed; },
		get matched() { return matched; }
	};
})();

function init(evt) {
	pfflame.init();
}
