// crawl.js: folio's link checker. It crawls a published site the way a reader's browser
// would, starting from "/" and from any seed URLs given, and checks every page it reaches:
//
//   - every internal href and src (a, area, img, audio, video, source, track, iframe, embed,
//     object, link, script, and og:image) answers 200, directly or after one redirect;
//   - every #fragment of an internal link to a page exists there as an id;
//   - no page's text outside code, pre, script, style and math holds raw "[[", "%%" or
//     "==" (Obsidian markup that was not rendered);
//   - which elements are marked unresolved (class "unresolved"), and where.
//
//   node crawl.js BASE_URL OUT_DIR [SEED_FILE] [--max-pages N]
//
// SEED_FILE holds one URL path per line. /sitemap.xml, when it answers 200, adds its
// <loc> paths as seeds too. OUT_DIR receives tab-separated listings:
//   pages.tsv       url, status, final status (after a redirect), content type, bytes
//   links.tsv       page, tag, attribute, value as written, URL (path when internal), class,
//                   the URL percent-decoded and NFC-normalised
//   ids.tsv         page, id
//   unresolved.tsv  page, text of the unresolved element
//   problems.tsv    kind, page, detail. Kinds: broken (a linked URL that does not answer 200
//                   after at most one redirect), redirect-chain, fragment, raw-markup, and
//                   seed-unserved (a seed no page links to that does not answer 200, such as
//                   a private note's URL in a push reply), and duplicate-id (an id given to
//                   two elements of one page: a fragment lands on the first)
// and a summary goes to stdout, one "name value" per line. Exit status 0 unless the crawl
// itself failed (the test decides what the findings mean).
"use strict";
const fs = require("fs");
const http = require("http");
const path = require("path");

const args = process.argv.slice(2);
let maxPages = 20000;
const pos = [];
for (let i = 0; i < args.length; i++) {
	if (args[i] === "--max-pages") maxPages = Number(args[++i]);
	else pos.push(args[i]);
}
if (pos.length < 2) {
	console.error("usage: crawl.js BASE_URL OUT_DIR [SEED_FILE] [--max-pages N]");
	process.exit(2);
}
const base = new URL(pos[0]);
const outDir = pos[1];
const seedFile = pos[2];
const agent = new http.Agent({keepAlive: true, maxSockets: 4});

// --- HTTP ----------------------------------------------------------------------------------

function get(url) {
	return new Promise((resolve) => {
		const req = http.get(url, {agent, headers: {"Accept": "text/html,*/*"}, timeout: 10000}, (res) => {
			// Only pages (and the sitemap) are kept; other bodies are counted and dropped, so
			// a vault's large videos cost no memory.
			const keep = /^(text\/html|application\/xml|text\/xml)/.test(res.headers["content-type"] || "");
			const chunks = [];
			let bytes = 0;
			res.on("data", (c) => {
				bytes += c.length;
				if (keep) chunks.push(c);
			});
			res.on("end", () => resolve({status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks), bytes}));
			res.on("error", (e) => resolve({status: 0, headers: {}, body: Buffer.alloc(0), error: e.message}));
		});
		req.on("timeout", () => req.destroy(new Error("timeout")));
		req.on("error", (e) => resolve({status: 0, headers: {}, body: Buffer.alloc(0), error: e.message}));
	});
}

// Fetches a URL, following at most one redirect. Resolves with the first status, the final
// answer and the final URL.
async function fetchOnce(url) {
	let r = await get(url);
	const first = r.status;
	let final = url;
	if ([301, 302, 303, 307, 308].includes(r.status) && r.headers.location) {
		final = new URL(r.headers.location, url).href;
		if (new URL(final).origin !== base.origin) return {first, r: {status: 200, headers: {}, body: Buffer.alloc(0)}, final, external: true};
		r = await get(final);
	}
	return {first, r, final};
}

// --- HTML ----------------------------------------------------------------------------------

function decodeEntities(s) {
	return s.replace(/&(#x[0-9a-f]+|#[0-9]+|amp|lt|gt|quot|apos|nbsp);/gi, (m, e) => {
		const l = e.toLowerCase();
		if (l[0] === "#") return String.fromCodePoint(l[1] === "x" ? parseInt(l.slice(2), 16) : parseInt(l.slice(1), 10));
		return {amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0"}[l];
	});
}

function parseAttrs(s) {
	const attrs = {};
	const re = /([^\s"'>\/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g;
	let m;
	while ((m = re.exec(s))) {
		const k = m[1].toLowerCase();
		if (!(k in attrs)) attrs[k] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? "");
	}
	return attrs;
}

const VOID = new Set(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"]);
const RAW = new Set(["script", "style", "textarea", "title"]);
const BLOCK = new Set(["p", "div", "li", "br", "td", "th", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "section", "article"]);
const SKIP_TEXT = new Set(["code", "pre", "kbd", "samp", "script", "style", "textarea", "math", "svg"]);
const URL_ATTRS = {
	a: ["href"], area: ["href"], link: ["href"], img: ["src"], audio: ["src"], video: ["src", "poster"],
	source: ["src"], track: ["src"], iframe: ["src"], embed: ["src"], object: ["data"], script: ["src"],
};

// Walks one page: its links, ids, unresolved elements and the text a reader sees.
function parseHtml(html) {
	const links = [];
	const ids = new Set();
	const dupIds = [];
	const unresolved = [];
	let text = "";
	const skip = []; // [name, depth] of the element whose text is not prose
	let capture = null; // {name, depth, text} of an unresolved element
	let inBody = false;
	let i = 0;
	while (i < html.length) {
		const lt = html.indexOf("<", i);
		const chunk = decodeEntities(html.slice(i, lt < 0 ? html.length : lt));
		if (inBody && !skip.length) text += chunk;
		if (capture) capture.text += chunk;
		if (lt < 0) break;
		if (html.startsWith("<!--", lt)) {
			const e = html.indexOf("-->", lt + 4);
			i = e < 0 ? html.length : e + 3;
			continue;
		}
		const m = /^<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/.exec(html.slice(lt, lt + 20000));
		if (!m) {
			if (inBody && !skip.length) text += "<";
			i = lt + 1;
			continue;
		}
		i = lt + m[0].length;
		const closing = m[1] === "/";
		const name = m[2].toLowerCase();
		if (BLOCK.has(name)) text += "\n";
		if (name === "body") inBody = !closing;
		if (closing) {
			if (skip.length && skip[skip.length - 1][0] === name && --skip[skip.length - 1][1] === 0) skip.pop();
			if (capture && capture.name === name && --capture.depth === 0) {
				unresolved.push(capture.text.trim().replace(/\s+/g, " "));
				capture = null;
			}
			continue;
		}
		const attrs = parseAttrs(m[3]);
		if (attrs.id) {
			if (ids.has(attrs.id)) dupIds.push(attrs.id);
			ids.add(attrs.id);
		}
		if (name === "a" && attrs.name) ids.add(attrs.name);
		const cls = (attrs.class || "").split(/\s+/);
		for (const a of URL_ATTRS[name] || [])
			if (a in attrs && attrs[a] !== "") links.push({tag: name, attr: a, value: attrs[a], cls: attrs.class || ""});
		if (name === "meta" && /^og:image$/i.test(attrs.property || "") && attrs.content)
			links.push({tag: "meta", attr: "content", value: attrs.content, cls: ""});
		const selfClosing = VOID.has(name) || /\/\s*$/.test(m[3]);
		if (!selfClosing) {
			if (skip.length && skip[skip.length - 1][0] === name) skip[skip.length - 1][1]++;
			else if (SKIP_TEXT.has(name) || cls.includes("math") || cls.includes("mermaid")) skip.push([name, 1]);
			if (capture && capture.name === name) capture.depth++;
			else if (!capture && cls.includes("unresolved")) capture = {name, depth: 1, text: ""};
		} else if (cls.includes("unresolved") && !capture) {
			unresolved.push(attrs.alt || attrs.title || name);
		}
		if (RAW.has(name) && !selfClosing) { // raw text: jump to its end tag
			const e = html.toLowerCase().indexOf("</" + name, i);
			i = e < 0 ? html.length : e;
		}
	}
	return {links, ids, dupIds, unresolved, text};
}

function rawMarkup(text) {
	const found = [];
	for (const mark of ["[[", "%%", "=="]) {
		const at = text.indexOf(mark);
		if (at >= 0) found.push(mark + " in \"" + text.slice(Math.max(0, at - 30), at + 30).replace(/\s+/g, " ") + "\"");
	}
	return found;
}

// --- the crawl -----------------------------------------------------------------------------

function keyOf(u) {
	const x = new URL(u);
	x.hash = "";
	return x.href;
}

async function main() {
	fs.mkdirSync(outDir, {recursive: true});
	const seeds = ["/"];
	if (seedFile) for (const l of fs.readFileSync(seedFile, "utf8").split("\n")) if (l.trim()) seeds.push(l.trim());
	const sm = await get(new URL("/sitemap.xml", base).href);
	if (sm.status === 200)
		for (const m of sm.body.toString("utf8").matchAll(/<loc>\s*([^<]+?)\s*<\/loc>/g)) {
			try {
				const u = new URL(decodeEntities(m[1]), base);
				seeds.push(u.pathname + u.search);
			} catch (e) {
				// not a URL: ignore
			}
		}

	const targets = new Map(); // key -> {first, status, final, type, bytes, page}
	const pages = new Map(); // final key -> parsed page
	const links = []; // {page, tag, attr, value, abs, cls}
	const queue = [];
	const seen = new Set();
	// Every internal URL is fetched once; every HTML page that answers 200 is parsed in turn.
	const enqueue = (u) => {
		const k = keyOf(u);
		if (seen.has(k)) return;
		seen.add(k);
		queue.push({k});
	};
	for (const s of seeds) enqueue(new URL(s, base).href);

	async function visit(job) {
		const {first, r, final, external} = await fetchOnce(job.k);
		const type = (r.headers["content-type"] || "").split(";")[0];
		const t = {first, status: r.status, final, type, bytes: r.bytes ?? r.body.length, external, error: r.error};
		targets.set(job.k, t);
		const fk = keyOf(final);
		if (!external && r.status === 200 && type === "text/html" && !pages.has(fk) && pages.size < maxPages) {
			const p = parseHtml(r.body.toString("utf8"));
			pages.set(fk, p);
			for (const l of p.links) {
				let abs;
				try {
					abs = new URL(l.value, final);
				} catch (e) {
					continue;
				}
				links.push({page: fk, ...l, abs: abs.href});
				if (abs.origin !== base.origin || !/^https?:$/.test(abs.protocol)) continue;
				enqueue(abs.href);
			}
		}
	}
	// A few requests in flight at once; the queue grows as pages are parsed.
	let active = 0;
	await new Promise((done) => {
		const pump = () => {
			while (active < 4 && queue.length) {
				const job = queue.shift();
				active++;
				visit(job).finally(() => {
					active--;
					pump();
				});
			}
			if (!active && !queue.length) done();
		};
		pump();
	});

	const problems = [];
	const rel = (u) => {
		const x = new URL(u);
		return x.origin === base.origin ? x.pathname + x.search + x.hash : u;
	};
	for (const [k, t] of targets) {
		if (t.external) continue;
		const redirected = [301, 302, 303, 307, 308].includes(t.first);
		if (t.status !== 200) {
			const from = links.filter((l) => keyOf(l.abs) === k).slice(0, 3).map((l) => rel(l.page)).join(" ");
			if (!from && k !== keyOf(new URL("/", base).href)) { // a seed nothing links to
				problems.push(["seed-unserved", rel(k), `${t.status}`]);
				continue;
			}
			const how = t.error ? t.error : (redirected ? `${t.first} -> ${rel(t.final)} ${t.status}` : `${t.status}`);
			problems.push([[301, 302, 303, 307, 308].includes(t.status) ? "redirect-chain" : "broken", rel(k), how + (from ? " (linked from " + from + ")" : "")]);
		}
	}
	let fragChecked = 0;
	for (const l of links) {
		const abs = new URL(l.abs);
		if (abs.origin !== base.origin || !abs.hash || abs.hash === "#" || (l.tag !== "a" && l.tag !== "area")) continue;
		const frag = abs.hash.slice(1);
		if (frag.startsWith(":~:")) continue;
		const t = targets.get(keyOf(abs.href));
		if (!t || t.status !== 200 || t.type !== "text/html") continue;
		const p = pages.get(keyOf(t.final));
		if (!p) continue;
		fragChecked++;
		let dec = frag;
		try {
			dec = decodeURIComponent(frag);
		} catch (e) {
			// keep it as written
		}
		if (!p.ids.has(frag) && !p.ids.has(dec)) problems.push(["fragment", rel(l.page), `${l.value} (no id "${dec}" on ${rel(t.final)})`]);
	}
	for (const [k, p] of pages) for (const f of rawMarkup(p.text)) problems.push(["raw-markup", rel(k), f]);
	for (const [k, p] of pages) for (const id of new Set(p.dupIds)) problems.push(["duplicate-id", rel(k), id]);

	const tsv = (rows) => rows.map((r) => r.map((c) => String(c).replace(/[\t\n]/g, " ")).join("\t")).join("\n") + (rows.length ? "\n" : "");
	fs.writeFileSync(path.join(outDir, "pages.tsv"), tsv([...targets].map(([k, t]) => [rel(k), t.first, t.status, t.type, t.bytes])));
	const decoded = (u) => {
		try {
			return decodeURIComponent(u);
		} catch (e) {
			return u;
		}
	};
	fs.writeFileSync(path.join(outDir, "links.tsv"),
		tsv(links.map((l) => [rel(l.page), l.tag, l.attr, l.value, rel(l.abs), l.cls, decoded(rel(l.abs)).normalize("NFC")])));
	fs.writeFileSync(path.join(outDir, "ids.tsv"), tsv([...pages].flatMap(([k, p]) => [...p.ids].map((id) => [rel(k), id]))));
	const unres = [...pages].flatMap(([k, p]) => p.unresolved.map((u) => [rel(k), u]));
	fs.writeFileSync(path.join(outDir, "unresolved.tsv"), tsv(unres));
	fs.writeFileSync(path.join(outDir, "problems.tsv"), tsv(problems));

	const internal = links.filter((l) => new URL(l.abs).origin === base.origin);
	const count = (kind) => problems.filter((p) => p[0] === kind).length;
	const out = [
		["pages", pages.size],
		["urls", [...targets.values()].filter((t) => !t.external).length],
		["urls_200", [...targets.values()].filter((t) => !t.external && t.status === 200).length],
		["links", links.length],
		["links_internal", internal.length],
		["links_note", internal.filter((l) => /(^|\s)internal(\s|$)/.test(l.cls)).length],
		["unresolved", unres.length],
		["fragments_checked", fragChecked],
		["broken", count("broken")],
		["redirect_chain", count("redirect-chain")],
		["fragment_missing", count("fragment")],
		["raw_markup", count("raw-markup")],
		["seeds_unserved", count("seed-unserved")],
		["duplicate_ids", count("duplicate-id")],
	];
	for (const [k, v] of out) console.log(k + " " + v);
	for (const p of problems.slice(0, 40)) console.log("problem " + p.join(" "));
	if (problems.length > 40) console.log(`problem ... ${problems.length - 40} more in problems.tsv`);
}

main().then(
	() => process.exit(0),
	(e) => {
		console.error("crawl.js: " + (e.stack || e));
		process.exit(1);
	},
);
