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
// - a zoom never shows, hides or moves the frames pfflame drew: showing
//   or hiding tens of thousands of elements costs the browser a second
//   or more of style and layout.  The whole #frames group is made
//   transparent instead (an opacity change needs no layout), and the
//   zoomed view is drawn over it in a group of its own, #zoomview,
//   holding only the frames it shows, built in one fragment; a reset
//   removes that group and makes #frames opaque again;
// - drawing each new element costs the browser some 50 us here, so a
//   zoomed view draws at most 2,000 frames one by one (the widest); the
//   narrower ones, a sliver of a pixel each in a big graph, are painted
//   on a canvas shown as one image;
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
	var groups = [], rects = [], names = [];
	var x0, w0, y0, counts;	// as drawn by pfflame
	var end, parent;	// frames i+1 .. end[i]-1 are inside frame i
	var ytop = Infinity, ybottom = 0;	// the frame area
	var lit;		// 1 where a search match is highlighted
	var fills = [];		// drawn colours of the frames a search lit
	var parents = [];	// ancestors of the zoomed frame
	var zoomed = -1;
	var view = null;	// the <g id="zoomview"> drawn over #frames, zoomed
	var hit = null;		// 1 where the current search matches
	var minw = 0.1;		// narrower frames are not drawn in a zoom (pfflame's default)
	var most = 2000;	// frames drawn one by one in a zoom; the narrower, in an image
	var term = null, ignorecase = false, matched = null;

	// This runs before the frames are parsed.  Most frames of a big graph
	// are too narrow for a label and have an empty <text>: keeping those
	// out of the layout saves a layout object per frame in every style,
	// layout and paint, from the first one on.  The other rules hide the
	// drawn frames under a zoomed view: opacity on the one group restyles
	// nothing inside it and needs no layout (pointer-events there, being
	// inherited, restyled every frame: a second at 68,000 frames), and
	// the zoomed view has a background of its own that takes the pointer.
	(function () {
		var early = document.createElementNS(svgns, "style");

		early.textContent = "#frames text:empty, #zoomview text:empty { display:none; }\n" +
			"#frames.pfzoom { opacity:0; }\n" +
			"#zoomview > g:hover, #zoomview > a:hover " +
			"{ stroke:black; stroke-width:0.5; cursor:pointer; }\n";
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
			t = c[0]; r = c[1];
		} else {
			t = g.querySelector("title"); r = g.querySelector("rect");
		}
		rects[i] = r;
		x0[i] = parseFloat(r.getAttribute("x"));
		w0[i] = parseFloat(r.getAttribute("width"));
		y0[i] = parseFloat(r.getAttribute("y"));
		splitTitle(t ? t.textContent : "", i);
	}

	function deeper(i, j) {
		return inverted ? y0[i] > y0[j] : y0[i] < y0[j];
	}

	// The tree, from the pre-order and the depths.
	function link() {
		var stack = [], i, h = n ? parseFloat(rects[0].getAttribute("height")) + 1 : 0;

		for (i = 0; i < n; i++) {
			ytop = Math.min(ytop, y0[i]);
			ybottom = Math.max(ybottom, y0[i] + h);
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
		counts = new Float64Array(n);
		end = new Int32Array(n); parent = new Int32Array(n);
		lit = new Uint8Array(n);
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

	// The <rect> and <text> of G, a frame or a copy of one.
	function partsOf(g) {
		var c = g.children;

		if (c.length === 3 && c[1].tagName === "rect")
			return [c[1], c[2]];
		return [g.querySelector("rect"), g.querySelector("text")];
	}

	// A copy of frame i at X, W pixels wide, labelled to fit, coloured
	// for the search, with the class (and link) --nameattr gave it.
	function copy(i, x, w, parentcls) {
		var g = groups[i].cloneNode(true), p = partsOf(g), r = p[0], t = p[1];
		var fill = viewfill(i), label;

		r.setAttribute("x", x.toFixed(1));
		r.setAttribute("width", w.toFixed(1));
		if (r.getAttribute("fill") !== fill)
			r.setAttribute("fill", fill);
		if (t) {
			t.setAttribute("x", (x + 3).toFixed(2));
			label = fit(names[i], w);
			if (t.textContent !== label)
				t.textContent = label;
		}
		if (parentcls)
			g.setAttribute("class", (g.getAttribute("class") || "") +
				       (g.getAttribute("class") ? " " : "") + "parent");
		g.pfi = i;
		return g;
	}

	// The width from which frames of the zoomed view of z are drawn one
	// by one: minw, or more when over `most` frames would be that wide.
	function threshold(z, ratio) {
		var hi = end[z], ws = [], i, w;

		for (i = z; i < hi; ) {
			w = w0[i] * ratio;
			if (w < minw) {
				i = end[i];
				continue;
			}
			ws.push(w);
			i++;
		}
		if (ws.length <= most)
			return minw;
		ws = Float64Array.from(ws).sort();
		return ws[ws.length - most - 1] + 1e-6;	// widths tie: at most `most`
	}

	// Frames narrower than the threshold, slivers of a pixel, are painted
	// on a canvas that the view shows as one image: each as a rect of its
	// own colour, so that they look as in the graph, without an element
	// each.
	function Slivers() {
		var scale = window.devicePixelRatio || 1, h = ybottom - ytop;
		var canvas = null, ctx = null, any = false;
		var fh = parseFloat(rects[0].getAttribute("height"));

		this.add = function (i, x, w) {
			if (!canvas) {
				canvas = document.createElementNS("http://www.w3.org/1999/xhtml", "canvas");
				canvas.width = Math.ceil(width * scale);
				canvas.height = Math.ceil(h * scale);
				ctx = canvas.getContext ? canvas.getContext("2d") : null;
			}
			if (!ctx)
				return;
			ctx.fillStyle = viewfill(i);
			ctx.fillRect(x * scale, (y0[i] - ytop) * scale, w * scale, fh * scale);
			any = true;
		};
		// The image, or null when there was nothing to paint.
		this.image = function () {
			var img;

			if (!any)
				return null;
			img = document.createElementNS(svgns, "image");
			img.setAttribute("x", "0");
			img.setAttribute("y", String(ytop));
			img.setAttribute("width", String(width));
			img.setAttribute("height", String(h));
			img.setAttribute("preserveAspectRatio", "none");
			img.setAttributeNS("http://www.w3.org/1999/xlink", "xlink:href", canvas.toDataURL("image/png"));
			return img;
		};
	}

	// The zoomed view's background: transparent over the frame area, so
	// that the pointer reaches no frame under it.
	function background() {
		var r = document.createElementNS(svgns, "rect");

		r.setAttribute("x", "0");
		r.setAttribute("y", String(ytop));
		r.setAttribute("width", String(width));
		r.setAttribute("height", String(ybottom - ytop));
		r.setAttribute("fill", "rgb(255,255,255)");
		r.setAttribute("fill-opacity", "0");
		return r;
	}

	// The zoomed view of frame z: its ancestors across the whole width,
	// the frames inside it spread over the same width, those narrower
	// than the threshold painted in one image, those narrower than minw
	// (and so everything inside them) left out.
	function draw(z) {
		var frag = document.createDocumentFragment(), full = width - 2 * xpad;
		var xmin = x0[z], ratio = full / w0[z], hi = end[z], thr = threshold(z, ratio);
		var slivers = new Slivers(), i, w, x, g, img;

		for (i = parents.length - 1; i >= 0; i--)
			frag.appendChild(copy(parents[i], xpad, full, true));
		for (i = z; i < hi; ) {
			w = w0[i] * ratio;
			if (w < minw) {
				i = end[i];
				continue;
			}
			x = (x0[i] - xmin) * ratio + xpad;
			if (w < thr)
				slivers.add(i, x, w);
			else
				frag.appendChild(copy(i, x, w, false));
			i++;
		}
		g = document.createElementNS(svgns, "g");
		g.setAttribute("id", "zoomview");
		g.appendChild(background());
		img = slivers.image();
		if (img)
			g.appendChild(img);
		g.appendChild(frag);
		if (view)
			view.parentNode.replaceChild(g, view);
		else
			framesel.parentNode.insertBefore(g, framesel.nextSibling);
		view = g;
	}

	function zoom(z) {
		var i;

		ready();
		if (z < 0 || z >= n || !(w0[z] > 0))
			return;
		parents = [];
		for (i = parent[z]; i >= 0; i = parent[i])
			parents.push(i);
		zoomed = z;
		draw(z);	// coloured for the search, if any
		framesel.setAttribute("class", "pfzoom");
		unzoombtn.classList.remove("hide");
		if (term !== null)
			report();
		save();
	}

	function unzoom() {
		ready();
		if (view) {
			view.parentNode.removeChild(view);
			view = null;
		}
		framesel.removeAttribute("class");
		parents = [];
		zoomed = -1;
		unzoombtn.classList.add("hide");
		paint();	// the drawn frames catch up with the search
		if (term !== null)
			report();
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

	// Colour the frames on screen: the zoomed view's copies when zoomed
	// (the drawn frames under it catch up at the reset), else the frames.
	function paint() {
		var i;

		if (zoomed >= 0) {
			draw(zoomed);
			return;
		}
		for (i = 0; i < n; i++)
			highlight(i, hit ? hit[i] : 0);
	}

	// The colour of frame i in the zoomed view.
	function viewfill(i) {
		if (hit && hit[i])
			return searchcolor;
		return lit[i] ? fills[i] : rects[i].getAttribute("fill");
	}

	// The matched share of the view on the search line.
	function report() {
		matched = share(hit);
		searchbtn.classList.add("show");
		searchbtn.textContent = "Reset Search";
		matchedtxt.classList.remove("hide");
		matchedtxt.textContent = "Matched: " + (matched === 100 ? "100" : matched.toFixed(1)) + "%";
	}

	function search(t) {
		var re, i;

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
		for (i = 0; i < n; i++)
			hit[i] = re.test(names[i]) ? 1 : 0;
		paint();
		report();
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
		ready();
		hit = null;
		paint();
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
			if (node.parentNode.id === "frames" || node.parentNode.id === "zoomview")
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
		return g.pfi !== undefined ? g.pfi : groups.indexOf(g);
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
		get matched() { return matched; },
		// how many frames a zoomed view draws one by one (for tests)
		get most() { return most; },
		set most(v) { most = v; }
	};
})();

function init(evt) {
	pfflame.init();
}
