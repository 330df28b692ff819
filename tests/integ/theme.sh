#!/bin/sh
# theme: the default theme's chrome through a front. A vault with publish.css, publish.js,
# a favicon and math: every page links the vault's files (publish.css after the theme's,
# publish.js deferred) and its favicon; the theme script and folio's icon are served;
# only the page with math links KaTeX, and every /_folio/vendor URL a page references,
# and every font the KaTeX stylesheet names, answers 200; the nav fragment may be missing
# and the page still has its "All notes" link; removing the favicon re-renders every page
# with folio's icon, and editing publish.css re-renders none.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. tests/integ/lib.sh

API=$(free_port)
PORT=$(free_port)
DATA=$T/data
V=$T/vault
mkdir -p "$V/Notes"
printf '# Home\n\nSee [[Euler]] and [[Plain]].\n\n## One\n\ntext\n\n## Two\n\ntext\n' >"$V/index.md"
printf -- '---\ntitle: Euler\n---\nIdentity: $e^{i\\pi} + 1 = 0$ and\n\n$$\\sum_{n=1}^\\infty n^{-2} = \\pi^2/6$$\n' >"$V/Notes/Euler.md"
printf 'No math here, just $5 and $10.\n' >"$V/Notes/Plain.md"
printf '# Flow\n\n<pre class="mermaid">\ngraph TD\n  A --> B\n</pre>\n' >"$V/Flow.md"
printf 'window.mermaid = {};\n' >"$T/mermaid.min.js"
printf '.site-title{color:red}\n' >"$V/publish.css"
printf 'document.documentElement.className += " vault-js";\n' >"$V/publish.js"
printf '\0\0\1\0' >"$V/favicon.ico"
mkdir -p "$V/img"
printf 'png' >"$V/img/cover.png"
printf -- '---\ndescription: A "cover" note\nimage: img/cover.png\n---\nText.\n' >"$V/Cover.md"

push() {
	"$FOLIO_BIN/folio" push "$V" --data "$DATA" --server "http://127.0.0.1:$API" "$@"
}
get() {
	curl -s --max-time 5 "http://127.0.0.1:$PORT$1"
}

check "ingestd starts" start_ingestd "$DATA" "$API"
check "push" quiet push --quiet
check "front starts" start_frontd "$DATA" "$PORT"

home=$(get /)
euler=$(get /notes/euler)
plain=$(get /notes/plain)
theme_css=$(printf '%s' "$home" | grep -o '<link rel="stylesheet" href="/_folio/folio\.[0-9a-f]*\.css">')
check "the theme stylesheet is linked" test -n "$theme_css"
check_contains "publish.css follows the theme's stylesheet" "$home" \
	"$theme_css
<link rel=\"stylesheet\" href=\"/publish.css\">"
check_contains "publish.js is a deferred script" "$plain" '<script defer src="/publish.js"></script>'
check_contains "the vault's favicon" "$euler" '<link rel="icon" href="/favicon.ico" type="image/x-icon" sizes="any">'
check_lacks "no folio icon beside it" "$euler" '/_folio/icon.'
check_eq "publish.css is served" "$(get /publish.css)" ".site-title{color:red}"
folder=$(get /notes)
check_contains "list pages link publish.css too" "$folder" '<link rel="stylesheet" href="/publish.css">'
check_contains "and have the sidebar" "$folder" 'data-nav="/_folio/nav.html"'
check_lacks "but no table of contents" "$folder" 'class="toc"'
check_contains "the home page has a table of contents" "$home" '<a href="#two">Two</a>'
check_lacks "a short note has none" "$plain" 'class="toc"'
check_contains "the theme toggle" "$home" 'class="theme-toggle"'
check_contains "the sidebar links home without the nav tree" "$home" \
	'data-nav="/_folio/nav.html"><ul><li><a href="/">All notes</a></li></ul></nav>'
check_contains "canonical-free pages still say what they are" "$home" '<meta property="og:type" content="article">'

theme_js=$(printf '%s' "$home" | grep -o '/_folio/theme\.[0-9a-f]\{12\}\.js' | head -1)
check "the theme script is linked" test -n "$theme_js"
check_eq "the theme script is served" "$(http_code "http://127.0.0.1:$PORT$theme_js")" 200
check_contains "as JavaScript, immutable" \
	"$(curl -sI --max-time 5 "http://127.0.0.1:$PORT$theme_js")" "immutable"
if command -v node >/dev/null 2>&1; then
	get "$theme_js" >"$T/theme.js"
	check "the theme script parses" node --check "$T/theme.js"
fi
nav=$(http_code "http://127.0.0.1:$PORT/_folio/nav.html")
check "the nav fragment answers 200 or 404, never an error" test "$nav" = 200 -o "$nav" = 404

# Vendor libraries: only the page with math links them, and all of it is served.
check_lacks "no math, no KaTeX" "$plain" "/_folio/vendor/"
check_lacks "no math on the home page either" "$home" "/_folio/vendor/"
vendor=$(printf '%s' "$euler" | grep -o '"/_folio/vendor/[^"]*"' | tr -d '"' | sort -u)
if [ -d /usr/share/javascript/katex ]; then
	check "the math page links KaTeX" test -n "$vendor"
	check_contains "and its stylesheet" "$euler" 'katex.min.css">'
	bad=""
	for u in $vendor; do
		[ "$(http_code "http://127.0.0.1:$PORT$u")" = 200 ] || bad="$bad $u"
		case $u in
		*.css)
			base=${u%/*}
			for f in $(get "$u" | grep -o 'url(fonts/[^)]*)' | sed 's/^url(//; s/)$//' | sort -u); do
				[ "$(http_code "http://127.0.0.1:$PORT$base/$f")" = 200 ] || bad="$bad $base/$f"
			done
			;;
		esac
	done
	check_eq "every vendor URL and KaTeX font answers 200" "$bad" ""
else
	echo "skip KaTeX checks: /usr/share/javascript/katex is not installed"
fi
check_contains "the TeX stays in the page for readers without scripts" "$euler" '<span class="math inline">\(e^{i\pi} + 1 = 0\)</span>'

# Site files: removing the favicon changes every page's head; editing publish.css none.
rm "$V/favicon.ico"
out=$(push 2>&1)
check_contains "removing the favicon re-renders every page" "$out" "5 rendered"
check_contains "pages now link folio's icon" "$(get /notes/plain)" '<link rel="icon" href="/_folio/icon.'
check_contains "list pages too" "$(get /notes)" '<link rel="icon" href="/_folio/icon.'
icon=$(get /notes/plain | grep -o '/_folio/icon\.[0-9a-f]*\.svg' | head -1)
check_eq "folio's icon is served" "$(http_code "http://127.0.0.1:$PORT$icon")" 200
printf '.site-title{color:blue}\n' >"$V/publish.css"
out=$(push 2>&1)
check_contains "editing publish.css renders no page" "$out" "0 rendered"
check_eq "the new publish.css is served" "$(get /publish.css)" ".site-title{color:blue}"

# With base_url, canonical, og:url and og:image are absolute.
cover=$(get /cover)
check_contains "a relative og:image without base_url" "$cover" '<meta property="og:image" content="/img/cover.png">'
check_contains "the description, escaped" "$cover" '<meta name="description" content="A &quot;cover&quot; note">'
check_contains "a large card with an image" "$cover" '<meta name="twitter:card" content="summary_large_image">'
stop_pid "$INGEST_PID"
check_lacks "no Mermaid until mermaid_js is set" "$(get /flow)" "/_folio/vendor/mermaid"
"$FOLIO_BIN/ingestd" --data "$DATA" --api "127.0.0.1:$API" --set base_url=https://notes.example.org/ \
	--set mermaid_js="$T/mermaid.min.js" >>"$T/ingestd.log" 2>&1 &
INGEST_PID=$!
track "$INGEST_PID"
check "ingestd restarts with base_url" wait_http "http://127.0.0.1:$API/api/v1/status" 30
cover=$(get /cover)
check_contains "canonical" "$cover" '<link rel="canonical" href="https://notes.example.org/cover">'
check_contains "og:url" "$cover" '<meta property="og:url" content="https://notes.example.org/cover">'
check_contains "og:image" "$cover" '<meta property="og:image" content="https://notes.example.org/img/cover.png">'
mm=$(get /flow | grep -o '<script defer src="/_folio/vendor/mermaid\.[0-9a-f]\{12\}\.min\.js"></script>' |
	sed 's/.*src="//; s/".*//')
check "the diagram page links Mermaid" test -n "$mm"
check_eq "Mermaid is served from the site" "$(get "$mm")" "window.mermaid = {};"
check_lacks "a page without a diagram does not" "$(get /notes/euler)" "mermaid"

finish
