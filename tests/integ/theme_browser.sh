#!/bin/sh
# theme_browser: the default theme in headless Chromium (driven over the DevTools protocol
# by theme_browser.js in node). At 375 and 1280 px, light and dark: no page scrolls
# sideways (long words, tables, code, math), the background follows the scheme; the table
# of contents stands beside the note on desktop and is folded on phones; the toggle
# switches, is remembered across a reload and switches back; the sidebar keeps its "All
# notes" link when /_folio/nav.html is missing, and with a fragment (served by the test)
# shows the tree, marks the current page and opens its folder; KaTeX draws the math.
# Skipped, and said so, without chromium, node or node's ws module.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. tests/integ/lib.sh

CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROMIUM" ] || ! command -v node >/dev/null 2>&1 ||
	! node -e 'try{require("ws")}catch(e){require("/usr/share/nodejs/ws")}' 2>/dev/null; then
	echo "skip: needs chromium, node and node's ws module (Debian: chromium, nodejs, node-ws)"
	finish
	exit
fi

API=$(free_port)
PORT=$(free_port)
DEV=$(free_port)
DATA=$T/data
V=$T/vault
mkdir -p "$V/Notes"
cat >"$V/index.md" <<'MD'
# Home

See [[Euler]] and [[Wide]].

## First section

Some text.

## Second section

More text.
MD
cat >"$V/Notes/Euler.md" <<'MD'
# Euler

Identity: $e^{i\pi} + 1 = 0$, for $5 and $10.

$$\int_0^\infty e^{-x^2}\,dx = \frac{\sqrt{\pi}}{2} \quad \sum_{n=1}^{\infty} \frac{1}{n^2} = \frac{\pi^2}{6} \quad \prod_{k=1}^{n} k = n! \quad \lim_{x\to 0}\frac{\sin x}{x} = 1$$
MD
cat >"$V/Wide.md" <<'MD'
# Wide

Pneumonoultramicroscopicsilicovolcanoconiosis_and_an_even_longer_identifier_without_breaks.

`a_very_long_inline_code_span_that_must_wrap_somewhere_because_it_is_long_really_long`

| Column one | Column two | Column three | Column four | Column five | Column six | Column seven |
|---|---|---|---|---|---|---|
| a long cell value | another long cell | more text here | and more | and still more | even more | last one |

```
int main(void) { return printf("a very long line of code that must scroll inside its box and not widen the page\n"); }
```

![wide](wide.svg)
MD
printf '<svg xmlns="http://www.w3.org/2000/svg" width="2000" height="100"><rect width="2000" height="100" fill="teal"/></svg>\n' >"$V/wide.svg"
cat >"$T/nav.html" <<'HTML'
<ul>
<li><a href="/">Home</a></li>
<li><a href="/wide">Wide</a></li>
<li><details><summary>Notes</summary><ul>
<li><a href="/notes/euler">Euler</a></li>
</ul></details></li>
</ul>
HTML

check "ingestd starts" start_ingestd "$DATA" "$API"
check "push" quiet "$FOLIO_BIN/folio" push "$V" --data "$DATA" --server "http://127.0.0.1:$API" --quiet
check "front starts" start_frontd "$DATA" "$PORT"

"$CHROMIUM" --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
	--user-data-dir="$T/chromium" --remote-debugging-address=127.0.0.1 \
	--remote-debugging-port="$DEV" about:blank >"$T/chromium.log" 2>&1 &
CHROME_PID=$!
track "$CHROME_PID"

want_katex=0
[ -d /usr/share/javascript/katex ] && want_katex=1
while IFS= read -r line; do
	echo "$line"
	case $line in
	"ok   "*) PASS=$((PASS + 1)) ;;
	"FAIL "*) FAIL=$((FAIL + 1)) ;;
	esac
done < <(WANT_KATEX=$want_katex timeout 300 node tests/integ/theme_browser.js "$DEV" \
	"http://127.0.0.1:$PORT" "$T/nav.html" / /notes/euler /wide 2>&1)

# Chromium's helpers may still write its profile for a moment after it exits.
stop_pid "$CHROME_PID"
for i in $(seq 20); do
	rm -rf "$T/chromium" 2>/dev/null && break
	sleep 0.2
done
finish
