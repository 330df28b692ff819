// theme_browser.js: drives headless Chromium over the DevTools protocol (node-ws) through
// the default theme, for tests/integ/theme_browser.sh. Prints "ok   name" or "FAIL name"
// per check.
//
//   node theme_browser.js DEVTOOLS_PORT SITE_URL NAV_FRAGMENT_FILE PAGE...
"use strict";
const http = require("http");
const fs = require("fs");
let WebSocket;
try {
	WebSocket = require("ws");
} catch (e) {
	WebSocket = require("/usr/share/nodejs/ws");
}

const [devport, site, navFile, ...pages] = process.argv.slice(2);
const navHtml = fs.readFileSync(navFile, "utf8");

function check(name, ok, detail) {
	console.log((ok ? "ok   " : "FAIL ") + name + (ok || !detail ? "" : "\n     " + detail));
}
function sleep(ms) {
	return new Promise((r) => setTimeout(r, ms));
}
function getJSON(url) {
	return new Promise((res, rej) => {
		http.get(url, (r) => {
			let d = "";
			r.on("data", (c) => (d += c));
			r.on("end", () => {
				try {
					res(JSON.parse(d));
				} catch (e) {
					rej(e);
				}
			});
		}).on("error", rej);
	});
}

async function connect() {
	for (let i = 0; i < 100; i++) {
		try {
			const list = await getJSON(`http://127.0.0.1:${devport}/json`);
			const page = list.find((t) => t.type === "page");
			if (page) return page.webSocketDebuggerUrl;
		} catch (e) {}
		await sleep(100);
	}
	throw new Error("no DevTools page");
}

async function main() {
	const ws = new WebSocket(await connect());
	await new Promise((r, j) => {
		ws.on("open", r);
		ws.on("error", j);
	});
	let id = 0;
	const pending = new Map();
	let navMode = "real"; // real: the site's own; 404, fail (network error), fixture
	let loaded = null;
	const send = (method, params = {}) =>
		new Promise((res) => {
			const i = ++id;
			pending.set(i, res);
			ws.send(JSON.stringify({ id: i, method, params }));
		});
	ws.on("message", (m) => {
		const j = JSON.parse(m);
		if (j.id && pending.has(j.id)) {
			pending.get(j.id)(j.result || {});
			pending.delete(j.id);
		} else if (j.method === "Page.loadEventFired" && loaded) {
			loaded();
		} else if (j.method === "Fetch.requestPaused") {
			const rid = j.params.requestId;
			if (navMode === "fixture" || navMode === "404") {
				send("Fetch.fulfillRequest", {
					requestId: rid,
					responseCode: navMode === "404" ? 404 : 200,
					responseHeaders: [{ name: "Content-Type", value: "text/html; charset=utf-8" }],
					body: Buffer.from(navMode === "404" ? "<p>Page not found</p>" : navHtml).toString("base64"),
				});
			} else if (navMode === "fail") {
				send("Fetch.failRequest", { requestId: rid, errorReason: "ConnectionRefused" });
			} else {
				send("Fetch.continueRequest", { requestId: rid });
			}
		}
	});
	const evaluate = async (expr) => {
		const r = await send("Runtime.evaluate", { expression: expr, returnByValue: true, awaitPromise: true });
		return r.result ? r.result.value : undefined;
	};
	const open = async (url) => {
		const done = new Promise((r) => (loaded = r));
		await send("Page.navigate", { url });
		await Promise.race([done, sleep(10000)]);
		await sleep(400); // deferred scripts ran before load; let fetches settle
	};
	await send("Page.enable");
	await send("Runtime.enable");
	await send("Fetch.enable", { patterns: [{ urlPattern: "*/_folio/nav.html" }] });

	// No horizontal overflow, at phone and desktop widths, light and dark.
	for (const width of [375, 1280]) {
		await send("Emulation.setDeviceMetricsOverride", {
			width, height: 800, deviceScaleFactor: 1, mobile: width < 600,
		});
		for (const scheme of ["light", "dark"]) {
			await send("Emulation.setEmulatedMedia", {
				features: [{ name: "prefers-color-scheme", value: scheme }],
			});
			for (const p of pages) {
				await open(site + p);
				const r = await evaluate(
					"(function(){var d=document.documentElement;return {sw:d.scrollWidth,cw:d.clientWidth," +
						"bg:getComputedStyle(document.body).backgroundColor}})()");
				check(`${p} at ${width}px ${scheme}: no horizontal overflow`, r && r.sw <= r.cw,
					JSON.stringify(r));
				const dark = r && /rgb\((\d+)/.exec(r.bg) && +/rgb\((\d+)/.exec(r.bg)[1] < 100;
				check(`${p} at ${width}px ${scheme}: ${scheme} background`, dark === (scheme === "dark"),
					r && r.bg);
			}
		}
	}
	await send("Emulation.setEmulatedMedia", { features: [{ name: "prefers-color-scheme", value: "light" }] });

	// The table of contents: beside the note at 1280 px, folded at 375 px.
	const tocOpen = "(function(){var t=document.querySelector('details.toc');return t?t.open:null})()";
	await open(site + pages[0]);
	check("the TOC is open beside the note at 1280px", (await evaluate(tocOpen)) === true);
	await send("Emulation.setDeviceMetricsOverride", { width: 375, height: 800, deviceScaleFactor: 1, mobile: true });
	await open(site + pages[0]);
	check("the TOC is folded at 375px", (await evaluate(tocOpen)) === false);
	await send("Emulation.setDeviceMetricsOverride", { width: 1280, height: 800, deviceScaleFactor: 1, mobile: false });

	// The toggle: the choice sticks across a reload and is applied before paint.
	await open(site + pages[0]);
	check("the toggle is shown with scripts on",
		(await evaluate("getComputedStyle(document.querySelector('.theme-toggle')).display")) !== "none");
	await evaluate("document.querySelector('.theme-toggle').click()");
	check("the toggle switches to dark", (await evaluate("document.documentElement.getAttribute('data-theme')")) === "dark");
	await open(site + pages[0]);
	check("the choice is remembered", (await evaluate(
		"document.documentElement.getAttribute('data-theme')+' '+document.querySelector('.theme-toggle').getAttribute('aria-pressed')")) === "dark true");
	await evaluate("document.querySelector('.theme-toggle').click()");
	check("and switched back", (await evaluate("localStorage.getItem('folio-theme')")) === "light");

	// The sidebar: without the fragment (404) the "All notes" link stays.
	await evaluate("sessionStorage.clear()");
	navMode = "404";
	await open(site + pages[1]);
	check("without a nav fragment the sidebar keeps All notes",
		(await evaluate("document.querySelector('.site-nav').textContent")) === "All notes");
	// With one, the tree is inserted, the page marked and its folder opened.
	const marked =
		"(function(){var a=document.querySelector('.site-nav a[aria-current=page]');" +
		"var d=a&&a.closest('details');return {links:document.querySelectorAll('.site-nav a').length," +
		"current:a&&a.getAttribute('href'),open:d?d.open:null}})()";
	navMode = "fixture";
	await open(site + pages[1]);
	const nav = await evaluate(marked);
	check("the nav tree is loaded into the sidebar", nav && nav.links > 2, JSON.stringify(nav));
	check("the current page is marked", nav && nav.current === pages[1], JSON.stringify(nav));
	check("its folder is opened", nav && nav.open === true, JSON.stringify(nav));
	navMode = "fail";
	await open(site + pages[1]);
	check("the tree is kept for the next page (fetch failing)",
		(await evaluate("document.querySelectorAll('.site-nav a').length")) === nav.links);
	// The site's own fragment replaces the kept one and marks the page too.
	navMode = "real";
	await open(site + pages[1]);
	const real = await evaluate(marked);
	check("the site's nav fragment marks the current page", real && real.current === pages[1],
		JSON.stringify(real));
	const disp = await evaluate(
		"getComputedStyle(document.querySelector('.site-nav [aria-current]').closest('ul')).display");
	check("the current page's folder is open", disp === "block", JSON.stringify(real) + " " + disp);
	// Elsewhere the folder is folded; its button opens it.
	await open(site + pages[2]);
	const folded = "(function(){var u=document.querySelector('.site-nav a[href=\"" + pages[1] + "\"]');" +
		"return u?getComputedStyle(u.closest('ul')).display:'missing'})()";
	check("other folders are folded", (await evaluate(folded)) === "none");
	await evaluate("document.querySelector('.site-nav .nav-fold').click()");
	check("a folder's button opens it", (await evaluate(folded)) === "block");

	// Math is drawn by KaTeX when it is served.
	if (process.env.WANT_KATEX === "1") {
		await open(site + pages[1]);
		check("KaTeX draws the math", (await evaluate("document.querySelectorAll('.katex').length")) >= 2);
	}
	ws.close();
}

main().then(() => process.exit(0), (e) => {
	check("the browser session", false, String(e && e.stack || e));
	process.exit(0);
});
