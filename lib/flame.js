// SPDX-License-Identifier: LGPL-2.1-or-later
// The interactive part of pfflame's SVGs: hover for details, click a frame
// to zoom to it, search by regular expression with the matched share of
// what is on screen, and zoom and search kept in the URL so that a link
// reopens the same view.  pfflame puts `pfcfg` (layout numbers and texts)
// in front of this file.
//
// Graphs of 100,000 frames must stay responsive, so:
// - nothing is read from the frames before the graph is on screen: the
//   arrays below are filled in idle time after the load event, or at once
//   by the first click, key or view in the URL that needs them;
// - frames are in pre-order (parents before children), so the frames
//   inside a frame are a range of indices, found without any geometry;
// - zooming hides frames with one class on #frames rather than one
//   attribute per hidden frame; the frames shown get a class, and a zoom
//   moves and marks only those (a frame that leaves the view is put back
//   in its place when the zoom is reset);
// - text widths come from the fixed font-width estimate, never from the
//   layout, so the script never waits for the browser to lay out.
// No library, no network: it must work from a file in any browser.
"use strict";

var pfflame = (function () {
	var cfg = typeof pfcfg === "object" ? pfcfg : {};
	var xpad = cfg.xpad || 10;
	var inverted = !!cfg.inverted;
	var charw = (cfg.fontsize || 12) * (cfg.fontwidth || 0.59);
	var nametype = cfg.nametype || "Function:";
	var searchcolor = cfg.searchcolor || "rgb(230,0,230)";
	var svgns = "http://www.w3.org/2000/svg";
	var fudge = 0.0001;
	var details, unzoombtn, searchbtn, icbtn, matchedtxt, framesel;
	var width = 1200;
	var inited = false;	// the document is loaded
	var n = 0, done = -1;	// frames, and how many are read (-1: not started)
	var groups = [], rects = [], texts = [], names = [];
	var x0, w0, y0, counts;	// as drawn by pfflame
	var cx, cw;		// as drawn now
	var end, parent;	// frames i+1 .. end[i]-1 are inside frame i
	var lit;		// 1 where a search match is highlighted
	var fills = [], label0 = [], textx0 = [];	// saved before the first change
	var shown = [], textx = [];	// labels and their x as shown now, once changed
	var away, moved = [];	// frames moved from their drawn place
	var cls;		// our class: 0 none, 1 "pfin" (shown), 2 "parent"
	var cls0 = [];		// the class --nameattr gave, saved before the first change
	var parents = [];	// ancestors of the zoomed frame
	var zoomed = -1;
	var term = null, ignorecase = false, matched = null;

	// This runs before the frames are parsed.  Most frames of a big graph
	// are too narrow for a label and have an empty <text>: keeping those
	// out of the layout saves a layout object per frame in every style,
	// layout and paint, from the first one on.  The other rules are the
	// zoom's.
	(function () {
		var early = document.createElementNS(svgns, "style");

		early.textContent = "#frames text:empty { display:none; }\n" +
			"#frames.pfzoom > * { display:none; }\n" +
			"#frames.pfzoom > .pfin, #frames.pfzoom > .parent { display:inline; }\n";
		document.documentElement.appendChild(early);
	})();

	// "name (1,234 samples, 5.00%)" or "...; +1.00%)": the name ends at
	// the last " (" followed by a count.
	function splitTitle(t, i) {
		var p = t.length, c;

		while ((p = t.lastIndexOf(" (", p - 1)) > 0) {
			c = t.charCodeAt(p + 2);
			if ((c >= 48 && c <= 57) || c === 45 || c === 43)
				break;
		}
		if (p <= 0) {
			names[i] = t;
			counts[i] = w0[i];
			return;
		}
		names[i] = t.substring(0, p);
		counts[i] = parseFloat(t.substring(p + 2, t.indexOf(" ", p + 2)).replace(/,/g, ""));
	}

	function readFrame(i) {
		var g = groups[i], c = g.children, r, t;

		// pfflame writes <title>, <rect>, <text> in this order
		if (c.length === 3 && c[1].tagName === "rect") {
			t = c[0]; r = c[1]; texts[i] = c[2];
		} else {
			t = g.querySelector("title"); r = g.querySelector("rect");
			texts[i] = g.querySelector("text");
		}
		rects[i] = r;
		x0[i] = cx[i] = parseFloat(r.getAttribute("x"));
		w0[i] = cw[i] = parseFloat(r.getAttribute("width"));
		y0[i] = parseFloat(r.getAttribute("y"));
		splitTitle(t ? t.textContent : "", i);
	}

	function deeper(i, j) {
		return inverted ? y0[i] > y0[j] : y0[i] < y0[j];
	}

	// The tree, from the pre-order and the depths.
	function link() {
		var stack = [], i;

		for (i = 0; i < n; i++) {
			while (stack.length && !deeper(i, stack[stack.length - 1]))
				end[stack.pop()] = i;
			parent[i] = stack.length ? stack[stack.length - 1] : -1;
			stack.push(i);
		}
		while (stack.length)
			end[stack.pop()] = n;
	}

	function start() {
		var el = document.getElementById("frames");

		el = el ? el.children : [];
		n = el.length;
		groups = Array.prototype.slice.call(el);
		x0 = new Float64Array(n); w0 = new Float64Array(n); y0 = new Float64Array(n);
		cx = new Float64Array(n); cw = new Float64Array(n); counts = new Float64Array(n);
		end = new Int32Array(n); parent = new Int32Array(n);
		lit = new Uint8Array(n); away = new Uint8Array(n); cls = new Uint8Array(n);
		done = 0;
	}

	// Read frames until DEADLINE says stop (no deadline: all of them).
	function read(deadline) {
		if (done < 0)
			start();
		while (done < n) {
			readFrame(done++);
			if (deadline && (done & 1023) === 0 && deadline())
				return false;
		}
		if (done === n) {
			link();
			done = n + 1;
		}
		return true;
	}

	function ready() {
		if (inited && done <= n)
			read(null);
	}

	// Read in idle time, a slice at a time, so that the page stays live.
	function readLater() {
		var ric = window.requestIdleCallback;

		function slice(idle) {
			var t0 = Date.now();

			if (!read(function () {
				return idle && idle.timeRemaining ? idle.timeRemaining() < 2 : Date.now() - t0 > 30;
			}))
				later();
		}
		function later() {
			if (typeof ric === "function")
				ric.call(window, slice, { timeout: 1000 });
			else
				setTimeout(slice, 0);
		}
		later();
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

	// Draw frame i at X, W pixels wide; at (x0, w0) exactly as pfflame
	// drew it.  What pfflame drew is read only when first changed, and an
	// empty label (most frames of a big graph) is left where it is.
	function place(i, x, w) {
		var home = x === x0[i] && w === w0[i], t = texts[i], label, tx;

		if (cx[i] === x && cw[i] === w)
			return;
		if (!away[i]) {
			away[i] = 1;
			moved.push(i);
		}
		if (cx[i] !== x) {
			rects[i].setAttribute("x", x.toFixed(1));
			cx[i] = x;
		}
		if (cw[i] !== w) {
			rects[i].setAttribute("width", w.toFixed(1));
			cw[i] = w;
		}
		if (shown[i] === undefined)	// pfflame leaves it empty below 3 characters
			label0[i] = shown[i] = w0[i] + 0.2 < 3 * charw ? "" : t.textContent;
		label = home ? label0[i] : fit(names[i], w);
		if (!home && label === "" && shown[i] === "")
			return;
		tx = home ? undefined : (x + 3).toFixed(2);
		if (textx[i] !== tx) {
			if (textx0[i] === undefined)
				textx0[i] = t.getAttribute("x");
			t.setAttribute("x", home ? textx0[i] : tx);
			textx[i] = tx;
		}
		if (shown[i] !== label) {
			t.textContent = label;
			shown[i] = label;
		}
	}

	// Put frame i back where pfflame drew it.
	function home(i) {
		place(i, x0[i], w0[i]);
		away[i] = 0;
	}

	// Our class after the one pfflame drew (--nameattr may give one);
	// with neither, the attribute goes, so that the frame is again
	// exactly as drawn.
	function setClass(i, c) {
		var g = groups[i], v;

		if (cls[i] === c)
			return;
		if (cls0[i] === undefined)
			cls0[i] = g.getAttribute("class") || "";
		v = cls0[i] + (cls0[i] && c ? " " : "") + (c === 1 ? "pfin" : c === 2 ? "parent" : "");
		if (v)
			g.setAttribute("class", v);
		else
			g.removeAttribute("class");
		cls[i] = c;
	}

	// Classes for a zoom to Z (-1: none), from those of the last one: a
	// zoom to a frame inside the zoomed one touches only the frames that
	// leave the view, and the browser restyles only those.
	function mark(z) {
		var lo = Math.max(zoomed, 0), hi = zoomed >= 0 ? end[zoomed] : 0;
		var zlo = Math.max(z, 0), zhi = z >= 0 ? end[z] : 0, i;

		parents.forEach(function (p) { setClass(p, 0); });
		for (i = lo; i < hi; i++)
			if (i < zlo || i >= zhi)
				setClass(i, 0);
		parents = [];
		for (i = z >= 0 ? parent[z] : -1; i >= 0; i = parent[i]) {
			parents.push(i);
			setClass(i, 2);
		}
		for (i = zlo; i < zhi; i++)
			setClass(i, 1);
		if (z >= 0)
			framesel.setAttribute("class", "pfzoom");
		else
			framesel.removeAttribute("class");
	}

	function zoom(z) {
		var xmin, ratio, i, hi;

		ready();
		if (z < 0 || z >= n || !(w0[z] > 0))
			return;
		xmin = x0[z];
		ratio = (width - 2 * xpad) / w0[z];
		hi = end[z];
		mark(z);
		parents.forEach(function (p) { place(p, xpad, width - 2 * xpad); });
		// frames that leave the view keep their place until the unzoom:
		// hidden, it does not matter, and a zoom costs what it shows
		for (i = z; i < hi; i++)
			place(i, (x0[i] - xmin) * ratio + xpad, w0[i] * ratio);
		zoomed = z;
		unzoombtn.classList.remove("hide");
		if (term !== null)
			search(term);
		save();
	}

	function unzoom() {
		ready();
		mark(-1);
		moved.forEach(home);
		moved = [];
		zoomed = -1;
		unzoombtn.classList.add("hide");
		if (term !== null)
			search(term);
		save();
	}

	function highlight(i, on) {
		if (lit[i] === on)
			return;
		if (fills[i] === undefined)
			fills[i] = rects[i].getAttribute("fill");
		rects[i].setAttribute("fill", on ? searchcolor : fills[i]);
		lit[i] = on;
	}

	// The matched share of the view: a match inside a match counts once,
	// and frames are in pre-order, so skip the inside of each match.
	function share(hit) {
		var i, sum = 0, hi, total;

		if (zoomed < 0) {
			i = 0; hi = n;
		} else {
			for (i = 0; i < parents.length; i++)
				if (hit[parents[i]])
					return 100;
			i = zoomed; hi = end[zoomed];
		}
		while (i < hi) {
			if (hit[i]) {
				sum += counts[i];
				i = end[i];
			} else {
				i++;
			}
		}
		total = zoomed >= 0 ? counts[zoomed] : rootCount();
		return total > 0 ? Math.min(100, 100 * sum / total) : 0;
	}

	function search(t) {
		var re, i, hit;

		ready();
		try {
			re = new RegExp(t, ignorecase ? "i" : "");
		} catch (e) {
			matchedtxt.textContent = "Bad regular expression";
			matchedtxt.classList.remove("hide");
			return null;
		}
		term = t;
		hit = new Uint8Array(n);
		for (i = 0; i < n; i++) {
			hit[i] = re.test(names[i]) ? 1 : 0;
			highlight(i, hit[i]);
		}
		matched = share(hit);
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
			if (parent[i] < 0 && counts[i] > best)
				best = counts[i];
		return best;
	}

	function resetSearch() {
		var i;

		ready();
		for (i = 0; i < n; i++)
			if (lit[i])
				highlight(i, 0);
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
			ready();
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

	// The <g> of the frame that NODE is part of, or null.
	function groupOf(node) {
		while (node && node.parentNode) {
			if (node.parentNode.id === "frames")
				return node;
			node = node.parentNode;
		}
		return null;
	}

	function frameOf(node) {
		var g = groupOf(node);

		if (!g)
			return -1;
		ready();
		return groups.indexOf(g);
	}

	function isRoot(i) {
		return parent[i] < 0 && w0[i] >= width - 2 * xpad - fudge;
	}

	function init() {
		var svg = document.documentElement;

		width = svg.width && svg.width.baseVal ? svg.width.baseVal.value : 1200;
		details = document.getElementById("details");
		unzoombtn = document.getElementById("unzoom");
		searchbtn = document.getElementById("search");
		icbtn = document.getElementById("ignorecase");
		matchedtxt = document.getElementById("matched");
		framesel = document.getElementById("frames") || document.createElementNS(svgns, "g");
		inited = true;
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
		// the details line needs no arrays: the title says it all
		window.addEventListener("mouseover", function (e) {
			var g = groupOf(e.target), t = g && g.querySelector("title");

			if (t)
				details.textContent = nametype + " " + t.textContent;
		});
		window.addEventListener("mouseout", function (e) {
			if (groupOf(e.target))
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
		if (done < 0)
			readLater();
	}

	return {
		init: init,
		zoom: function (i) { zoom(i); },
		unzoom: unzoom,
		search: search,
		resetSearch: resetSearch,
		toggleCase: toggleCase,
		find: function (name) { ready(); return names.indexOf(name); },
		get frames() { ready(); return n; },
		get loaded() { return done > n; },
		get zoomed() { return zoomed; },
		get matched() { return matched; }
	};
})();

function init(evt) {
	pfflame.init();
}
