// cdp.js: a small Chrome DevTools Protocol driver for folio's browser tests. It talks to a
// headless chromium started with --remote-debugging-port=0 (the port is read from
// DevToolsActivePort in its user-data-dir) over one WebSocket (Debian's node-ws), opens a
// tab per job and drives it with flat sessions.
//
//   node cdp.js check PROFILE_DIR BASE_URL OUT_DIR PATH...
//       For each PATH at 1280x900 and 375x800, and at 375x800 with JavaScript off: load it, then report horizontal overflow,
//       failed same-origin requests (loadingFailed, or a status >= 400), requests to any
//       other origin (scripts, styles and fonts must come from the site itself), console
//       errors and uncaught exceptions; click the theme toggle where there is one and check that
//       data-theme changes; save screenshots (light, dark by prefers-color-scheme, and
//       after the toggle) to OUT_DIR.
//   node cdp.js webm PROFILE_DIR OUT_FILE
//       Records a short canvas animation with MediaRecorder and writes it as WebM (how the
//       test vault's tiny video was made).
//
// "check" prints one line per finding, for tests/integ/browser.sh to turn into checks:
//   RESULT ok|FAIL <name> [detail]      SHOT <path>      NOTE <text>
// Every wait is bounded; the whole run gives up after CDP_TIMEOUT_MS (default 90 s).
"use strict";
const fs = require("fs");
const path = require("path");
let WebSocket;
try {
	WebSocket = require("ws");
} catch (e) {
	WebSocket = require("/usr/share/nodejs/ws");
}

const TIMEOUT_MS = Number(process.env.CDP_TIMEOUT_MS || 90000);
const VIEWPORTS = [
	{name: "desktop", width: 1280, height: 900, mobile: false},
	{name: "mobile", width: 375, height: 800, mobile: true},
	// Pages must read fine without JavaScript: same checks, scripts off, no toggle.
	{name: "mobile, no JS", width: 375, height: 800, mobile: true, noJs: true},
];
// Where a theme may put its toggle; the first match is clicked.
const TOGGLE_SELECTOR =
	"[data-theme-toggle], .theme-toggle, #theme-toggle, button[aria-label*='theme' i]";

function sleep(ms) {
	return new Promise((r) => setTimeout(r, ms));
}

function withTimeout(p, ms, what) {
	let t;
	return Promise.race([
		p,
		new Promise((_, rej) => {
			t = setTimeout(() => rej(new Error("timeout: " + what)), ms);
		}),
	]).finally(() => clearTimeout(t));
}

// Reads the browser endpoint chromium wrote into its profile folder (port, then path).
async function browserUrl(profile) {
	const file = path.join(profile, "DevToolsActivePort");
	for (let i = 0; i < 200; i++) {
		try {
			const [port, p] = fs.readFileSync(file, "utf8").split("\n");
			if (port && p) return "ws://127.0.0.1:" + port.trim() + p.trim();
		} catch (e) {
			// not written yet
		}
		await sleep(100);
	}
	throw new Error("no DevToolsActivePort in " + profile);
}

class Cdp {
	constructor(ws) {
		this.ws = ws;
		this.next = 1;
		this.pending = new Map();
		this.listeners = [];
		ws.on("message", (data) => {
			const m = JSON.parse(data.toString());
			if (m.id && this.pending.has(m.id)) {
				const {resolve, reject, method} = this.pending.get(m.id);
				this.pending.delete(m.id);
				if (m.error) reject(new Error(method + ": " + m.error.message));
				else resolve(m.result);
				return;
			}
			for (const l of this.listeners) l(m);
		});
	}

	static async connect(url) {
		const ws = new WebSocket(url, {perMessageDeflate: false, maxPayload: 256 << 20});
		await withTimeout(
			new Promise((res, rej) => {
				ws.once("open", res);
				ws.once("error", rej);
			}),
			10000,
			"connect " + url,
		);
		return new Cdp(ws);
	}

	send(method, params = {}, sessionId, ms = 20000) {
		const id = this.next++;
		const msg = {id, method, params};
		if (sessionId) msg.sessionId = sessionId;
		const p = new Promise((resolve, reject) => {
			this.pending.set(id, {resolve, reject, method});
		});
		this.ws.send(JSON.stringify(msg));
		return withTimeout(p, ms, method);
	}

	on(fn) {
		this.listeners.push(fn);
		return () => {
			this.listeners = this.listeners.filter((l) => l !== fn);
		};
	}

	// Resolves with the first event `method` of `sessionId` that `pred` accepts.
	wait(method, sessionId, ms, pred = () => true) {
		let off;
		const p = new Promise((resolve) => {
			off = this.on((m) => {
				if (m.method === method && m.sessionId === sessionId && pred(m.params)) resolve(m.params);
			});
		});
		return withTimeout(p, ms, method).finally(off);
	}

	close() {
		this.ws.close();
	}
}

// Opens a tab in a browser context of its own (fresh storage, so a theme choice one page
// stored does not follow the next) and attaches to it.
async function openTab(cdp) {
	const {browserContextId} = await cdp.send("Target.createBrowserContext", {disposeOnDetach: true});
	const {targetId} = await cdp.send("Target.createTarget", {url: "about:blank", browserContextId});
	const {sessionId} = await cdp.send("Target.attachToTarget", {targetId, flatten: true});
	return {targetId, sessionId, browserContextId};
}

async function evaluate(cdp, s, expr) {
	const r = await cdp.send("Runtime.evaluate", {expression: expr, returnByValue: true, awaitPromise: true}, s);
	if (r.exceptionDetails) throw new Error("evaluate: " + (r.exceptionDetails.text || expr));
	return r.result.value;
}

function result(ok, name, detail) {
	console.log("RESULT " + (ok ? "ok" : "FAIL") + " " + name + (detail ? " " + detail : ""));
}

function slugOf(p) {
	return p.replace(/[^A-Za-z0-9]+/g, "-").replace(/^-|-$/g, "") || "home";
}

async function screenshot(cdp, s, file) {
	const {data} = await cdp.send("Page.captureScreenshot", {format: "png", captureBeyondViewport: false}, s, 30000);
	fs.writeFileSync(file, Buffer.from(data, "base64"));
	console.log("SHOT " + file);
}

// Loads one page at one viewport and reports what a reader would hit.
async function checkPage(cdp, base, outDir, pagePath, vp) {
	const origin = new URL(base).origin;
	const {targetId, sessionId: s, browserContextId} = await openTab(cdp);
	const urls = new Map(); // requestId -> url
	const failures = [];
	const errors = [];
	const foreign = []; // requests to any other origin: a page must load from its own site
	const off = cdp.on((m) => {
		if (m.sessionId !== s) return;
		const p = m.params;
		switch (m.method) {
		case "Network.requestWillBeSent":
			urls.set(p.requestId, p.request.url);
			if (/^(https?|wss?):/.test(p.request.url) && !p.request.url.startsWith(origin))
				foreign.push(p.request.url);
			break;
		case "Network.responseReceived":
			if (p.response.url.startsWith(origin) && p.response.status >= 400)
				failures.push(p.response.status + " " + p.response.url);
			break;
		case "Network.loadingFailed": {
			const u = urls.get(p.requestId) || "?";
			// A request the page itself dropped (a stream closed on unload) is not a failure.
			if (u.startsWith(origin) && !p.canceled) failures.push(p.errorText + " " + u);
			break;
		}
		case "Runtime.consoleAPICalled":
			if (p.type === "error" || p.type === "assert")
				errors.push("console." + p.type + ": " + p.args.map((a) => a.value ?? a.description ?? "").join(" "));
			break;
		case "Runtime.exceptionThrown":
			errors.push("exception: " + (p.exceptionDetails.exception?.description || p.exceptionDetails.text));
			break;
		case "Log.entryAdded":
			if (p.entry.level === "error" && p.entry.source !== "network")
				errors.push("log: " + p.entry.text + (p.entry.url ? " " + p.entry.url : ""));
			break;
		}
	});
	const tag = `[${vp.name}] ${pagePath}`;
	try {
		await cdp.send("Page.enable", {}, s);
		await cdp.send("Network.enable", {}, s);
		await cdp.send("Runtime.enable", {}, s);
		await cdp.send("Log.enable", {}, s);
		await cdp.send("Network.setCacheDisabled", {cacheDisabled: true}, s);
		await cdp.send("Emulation.setDeviceMetricsOverride",
			{width: vp.width, height: vp.height, deviceScaleFactor: 1, mobile: vp.mobile}, s);
		await cdp.send("Emulation.setEmulatedMedia",
			{features: [{name: "prefers-color-scheme", value: "light"}]}, s);
		if (vp.noJs) await cdp.send("Emulation.setScriptExecutionDisabled", {value: true}, s);
		const loaded = cdp.wait("Page.loadEventFired", s, 20000);
		const nav = await cdp.send("Page.navigate", {url: base + pagePath}, s);
		if (nav.errorText) throw new Error("navigate: " + nav.errorText);
		await loaded;
		await sleep(400); // deferred scripts, fonts and late requests

		const w = await evaluate(cdp, s,
			"({sw: document.documentElement.scrollWidth, iw: window.innerWidth, " +
			`wide: [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > ${vp.width} + 1)` +
			".slice(0, 3).map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ')[0] : ''))})");
		// A mobile browser zooms out to fit a page wider than the screen (innerWidth grows
		// with it), so the page must also fit the viewport's own width.
		const fits = w.sw <= w.iw && w.sw <= vp.width;
		result(fits, `${tag} has no horizontal overflow`,
			`(scrollWidth ${w.sw}, innerWidth ${w.iw}, viewport ${vp.width}${fits ? "" : ", wide: " + w.wide.join(" ")})`);
		// Obsidian's |WxH sets an image's exact size; a theme may scale it down to fit the
		// column, but must keep the ratio the author asked for.
		const sized = await evaluate(cdp, s,
			"[...document.querySelectorAll('img[width][height]')].filter(i => i.complete && i.clientWidth)" +
			".map(i => ({src: i.getAttribute('src'), W: +i.getAttribute('width'), H: +i.getAttribute('height'), w: i.clientWidth, h: i.clientHeight}))");
		const wrong = sized.filter((i) => !(i.w <= i.W + 1 && Math.abs(i.w / i.h - i.W / i.H) < 0.02));
		if (sized.length)
			result(wrong.length === 0, `${tag} images keep the size their |WxH asks for`,
				wrong.slice(0, 3).map((i) => `${i.src} ${i.W}x${i.H} shown ${i.w}x${i.h}`).join("; "));
		const shot = (suffix) =>
			path.join(outDir, `${slugOf(pagePath)}-${vp.width}${vp.noJs ? "-nojs" : ""}${suffix}.png`);
		await screenshot(cdp, s, shot(""));
		await cdp.send("Emulation.setEmulatedMedia",
			{features: [{name: "prefers-color-scheme", value: "dark"}]}, s);
		await sleep(150);
		await screenshot(cdp, s, shot("-dark"));
		await cdp.send("Emulation.setEmulatedMedia",
			{features: [{name: "prefers-color-scheme", value: "light"}]}, s);

		const has = !vp.noJs && await evaluate(cdp, s, `!!document.querySelector(${JSON.stringify(TOGGLE_SELECTOR)})`);
		if (has) {
			const before = await evaluate(cdp, s,
				"document.documentElement.getAttribute('data-theme') || document.body.getAttribute('data-theme') || ''");
			await evaluate(cdp, s, `document.querySelector(${JSON.stringify(TOGGLE_SELECTOR)}).click()`);
			await sleep(200);
			const after = await evaluate(cdp, s,
				"document.documentElement.getAttribute('data-theme') || document.body.getAttribute('data-theme') || ''");
			result(after !== "" && after !== before, `${tag} theme toggle changes data-theme`,
				`(${before || "unset"} -> ${after || "unset"})`);
			await screenshot(cdp, s, shot("-toggled"));
		} else if (!vp.noJs) {
			console.log(`NOTE ${tag}: no theme toggle`);
		}

		result(failures.length === 0, `${tag} has no failed same-origin request`, failures.slice(0, 5).join("; "));
		result(errors.length === 0, `${tag} has no console error`, errors.slice(0, 5).join("; "));
		result(foreign.length === 0, `${tag} loads nothing from another site`, foreign.slice(0, 5).join("; "));
	} catch (e) {
		result(false, `${tag} loads`, e.message);
	} finally {
		off();
		await cdp.send("Target.closeTarget", {targetId}).catch(() => {});
		await cdp.send("Target.disposeBrowserContext", {browserContextId}).catch(() => {});
	}
}

async function check(profile, base, outDir, pages) {
	const cdp = await Cdp.connect(await browserUrl(profile));
	fs.mkdirSync(outDir, {recursive: true});
	for (const vp of VIEWPORTS)
		for (const p of pages) await checkPage(cdp, base.replace(/\/$/, ""), outDir, p, vp);
	cdp.close();
}

// Records ~0.3 s of a 32x32 canvas as WebM: a small, valid video the test vault embeds.
async function webm(profile, outFile) {
	const cdp = await Cdp.connect(await browserUrl(profile));
	const {sessionId: s} = await openTab(cdp);
	await cdp.send("Runtime.enable", {}, s);
	const b64 = await evaluate(cdp, s, `new Promise((resolve, reject) => {
		const c = document.createElement("canvas");
		c.width = c.height = 32;
		const g = c.getContext("2d");
		const rec = new MediaRecorder(c.captureStream(10), {mimeType: "video/webm;codecs=vp8", videoBitsPerSecond: 20000});
		const parts = [];
		rec.ondataavailable = (e) => parts.push(e.data);
		rec.onstop = async () => {
			const b = new Uint8Array(await new Blob(parts).arrayBuffer());
			let s = "";
			for (const x of b) s += String.fromCharCode(x);
			resolve(btoa(s));
		};
		let i = 0;
		const t = setInterval(() => {
			g.fillStyle = i++ % 2 ? "#2e7ddb" : "#f5f5f5";
			g.fillRect(0, 0, 32, 32);
		}, 50);
		rec.start();
		setTimeout(() => { clearInterval(t); rec.stop(); }, 300);
	})`);
	fs.writeFileSync(outFile, Buffer.from(b64, "base64"));
	console.log("wrote " + outFile);
	cdp.close();
}

async function main() {
	const [cmd, ...args] = process.argv.slice(2);
	if (cmd === "check" && args.length >= 4) return check(args[0], args[1], args[2], args.slice(3));
	if (cmd === "webm" && args.length === 2) return webm(args[0], args[1]);
	console.error("usage: cdp.js check PROFILE_DIR BASE_URL OUT_DIR PATH... | cdp.js webm PROFILE_DIR OUT_FILE");
	process.exit(2);
}

withTimeout(main(), TIMEOUT_MS, "cdp.js run").then(
	() => process.exit(0),
	(e) => {
		console.log("RESULT FAIL cdp.js " + e.message);
		process.exit(1);
	},
);
