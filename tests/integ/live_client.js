// live_client.js: runs folio's live-reload script (the file ingestd serves at
// /_folio/live.<hash>.js) in node, as a page at PATH would, against a real front. A small
// EventSource built on node's http module stands in for the browser's; the page's
// location.reload() prints "reload" and ends the run.
//
//   node live_client.js SCRIPT BASE_URL PATH TIMEOUT_MS
//
// Prints one line per thing that happens: "connect URL", "event NAME DATA", "error",
// "reload", or "timeout" (exit 2) when TIMEOUT_MS pass first. Used by tests/integ/live.sh.
"use strict";
const fs = require("fs");
const http = require("http");
const vm = require("vm");

const [, , file, base, path, timeout] = process.argv;

class EventSource {
	constructor(url) {
		this.listeners = {};
		this.onerror = null;
		this.closed = false;
		console.log("connect " + url);
		this.req = http.get(base + url, (res) => {
			if (res.statusCode !== 200) {
				res.resume();
				this.fail();
				return;
			}
			let buf = "";
			res.setEncoding("utf8");
			res.on("data", (d) => {
				buf += d;
				let i;
				while ((i = buf.indexOf("\n\n")) >= 0) {
					this.dispatch(buf.slice(0, i));
					buf = buf.slice(i + 2);
				}
			});
			res.on("end", () => this.fail());
			res.on("error", () => this.fail());
		});
		this.req.on("error", () => this.fail());
	}

	dispatch(block) {
		let name = "message";
		const data = [];
		for (const line of block.split("\n")) {
			if (line.startsWith("event: ")) name = line.slice(7);
			else if (line.startsWith("data: ")) data.push(line.slice(6));
		}
		if (!data.length || this.closed) return;
		console.log("event " + name + " " + data.join("\n"));
		for (const fn of this.listeners[name] || []) fn({ data: data.join("\n") });
	}

	fail() {
		if (this.closed) return;
		this.closed = true;
		console.log("error");
		if (this.onerror) this.onerror({});
	}

	addEventListener(name, fn) {
		(this.listeners[name] = this.listeners[name] || []).push(fn);
	}

	close() {
		this.closed = true;
		this.req.destroy();
	}
}

const page = {
	window: { EventSource, JSON, addEventListener() {} },
	document: { visibilityState: "visible", addEventListener() {} },
	location: {
		pathname: path,
		reload() {
			console.log("reload");
			process.exit(0);
		},
	},
	EventSource,
	setTimeout,
	clearTimeout,
};
vm.createContext(page);
vm.runInContext(fs.readFileSync(file, "utf8"), page);
setTimeout(() => {
	console.log("timeout");
	process.exit(2);
}, Number(timeout));
