#!/bin/sh
# crawl_check: the link checker itself (tests/integ/crawl.js) against a small site with
# known faults, served by node on 127.0.0.1, so that site.sh's checks are known to fail
# when a site is wrong: a broken link and image, a redirect chain, a missing fragment, raw
# Obsidian markup (and the same markup inside code, which is fine), an unresolved span,
# a duplicate id, a seed that is not served, and a page reached only through a redirect.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. tests/integ/lib.sh
export LC_ALL=C

if ! command -v node >/dev/null 2>&1; then
	echo "skipped: node not installed"
	finish
	exit
fi

SITE=$T/site
mkdir -p "$SITE/notes"
cat >"$SITE/index.html" <<'EOF'
<!doctype html><html><head><title>t</title><link rel="stylesheet" href="/style.css">
<script src="/missing.js"></script></head>
<body><h1 id="top">Home</h1>
<p><a href="/notes/a">A</a> <a href="/notes/a#part">A, part</a> <a href="/notes/a#nowhere">A, nowhere</a>
<a href="/old">old</a> <a href="/older">older</a> <a href="#top">top</a> <a href="#gone">gone</a>
<a href="https://example.invalid/x">external</a> <a href="mailto:x@example.invalid">mail</a>
<img src="/pic.png" alt=""> <img src="/nope.png" alt="">
<span class="internal unresolved">Missing note</span></p>
<pre><code>[[kept]] %%kept%% ==kept==</code></pre>
<!-- [[in a comment]] -->
</body></html>
EOF
cat >"$SITE/notes/a.html" <<'EOF'
<!doctype html><html><head><title>a</title></head>
<body><h2 id="part">Part</h2><p id="part">again</p><p>text with [[raw link]] and ==mark==</p>
<p><a href="/notes/b">B</a></p></body></html>
EOF
cat >"$SITE/notes/b.html" <<'EOF'
<!doctype html><html><head><title>b</title></head><body><p>B is fine. a &amp; b</p>
<script>if (a == b) {}</script><p><code>%%</code></p></body></html>
EOF
printf 'body{}\n' >"$SITE/style.css"
printf 'png' >"$SITE/pic.png"

# A static server: /x serves x.html or x; /old redirects once, /older twice; only GET.
PORT=$(free_port)
node -e '
const http = require("http"), fs = require("fs"), path = require("path");
const [root, port] = process.argv.slice(1);
const moved = {"/old": "/notes/b", "/older": "/old"};
http.createServer((req, res) => {
	const p = decodeURIComponent(new URL(req.url, "http://x").pathname);
	if (moved[p]) { res.writeHead(301, {Location: moved[p]}); return res.end(); }
	const types = {".html": "text/html; charset=utf-8", ".css": "text/css", ".png": "image/png"};
	for (const f of [p === "/" ? "/index.html" : p + ".html", p]) {
		const file = path.join(root, f);
		if (file.startsWith(root) && fs.existsSync(file) && fs.statSync(file).isFile()) {
			res.writeHead(200, {"Content-Type": types[path.extname(file)] || "application/octet-stream"});
			return res.end(fs.readFileSync(file));
		}
	}
	res.writeHead(404, {"Content-Type": "text/html"});
	res.end("<!doctype html><p>not found</p>");
}).listen(Number(port), "127.0.0.1");
' "$SITE" "$PORT" >"$T/server.log" 2>&1 &
track $!
check "test server answers" wait_http "http://127.0.0.1:$PORT/" 10

printf '/notes/a\n/private\n' >"$T/seeds"
node tests/integ/crawl.js "http://127.0.0.1:$PORT" "$T/out" "$T/seeds" >"$T/crawl.out" 2>&1
check_eq "crawler runs" "$?" 0
sed 's/^/     /' "$T/crawl.out"

kinds() {
	awk -F '\t' -v k="$1" '$1 == k { print $2 " " $3 }' "$T/out/problems.tsv" | sed 's/ (linked from.*//' | sort
}
check_eq "pages parsed" "$(sed -n 's/^pages //p' "$T/crawl.out")" 3
check_eq "broken links, script and image" "$(kinds broken)" "/missing.js 404
/nope.png 404"
check_eq "a redirect chain" "$(kinds redirect-chain)" "/older 301 -> /old 301"
check_eq "missing fragments, on another page and this one" "$(kinds fragment)" \
	'/ #gone (no id "gone" on /)
/ /notes/a#nowhere (no id "nowhere" on /notes/a)'
check_eq "raw markup outside code, script and comments" \
	"$(kinds raw-markup | cut -d' ' -f1-2 | sort)" "/notes/a ==
/notes/a [["
check_eq "duplicate id" "$(kinds duplicate-id)" "/notes/a part"
check_eq "seed not served" "$(kinds seed-unserved)" "/private 404"
check_eq "unresolved span" "$(cat "$T/out/unresolved.tsv")" "$(printf '/\tMissing note')"
check_eq "external links are listed, not fetched" \
	"$(grep -c 'example.invalid' "$T/out/pages.tsv")" 0
check "a page reached through a redirect is crawled" grep -q '^/old	301	200	text/html' "$T/out/pages.tsv"
check "fragments were checked" test "$(sed -n 's/^fragments_checked //p' "$T/crawl.out")" -ge 4

finish
