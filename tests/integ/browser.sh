#!/bin/sh
# browser: the fidelity vault in headless Chromium. For the home page, a long note (table,
# code, math), a tag page, a folder page, the mermaid note and the media embeds (audio,
# video, PDF), at 1280x900 and 375x800, and at 375x800 with JavaScript off: no horizontal
# overflow, no failed same-origin request, nothing loaded from another site, no console
# error, and the theme toggle (where a page has one) changes data-theme. Screenshots (light, toggled, dark) go to the test's temp
# dir and their paths are printed; KEEP=DIR copies them there.
#
# Chromium runs with --remote-debugging-port=0 in its own process group; tests/integ/cdp.js
# reads the port from DevToolsActivePort and drives it over the DevTools protocol. Only
# that group is stopped at the end. Without chromium (or node's ws) the test says
# "skipped" and passes.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. tests/integ/lib.sh

CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if [ -z "$CHROMIUM" ]; then
	echo "skipped: chromium not installed"
	finish
	exit
fi
if ! command -v node >/dev/null 2>&1 ||
	! NODE_PATH=/usr/share/nodejs node -e 'require("ws")' >/dev/null 2>&1; then
	echo "skipped: node or node-ws not installed"
	finish
	exit
fi
export NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}

API=$(free_port)
F1=$(free_port)
DATA=$T/data
base=http://127.0.0.1:$F1
PROFILE=$T/chromium
SHOTS=$T/shots
CHROME_PID=""

# Stops the chromium this test started: its process group (renderers, GPU and zygote
# processes are its children), TERM and then KILL after 5 s.
stop_chromium() {
	[ -n "$CHROME_PID" ] || return 0
	kill -TERM -- "-$CHROME_PID" 2>/dev/null
	for _ in $(seq 50); do
		kill -0 -- "-$CHROME_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL -- "-$CHROME_PID" 2>/dev/null
	wait "$CHROME_PID" 2>/dev/null
	CHROME_PID=""
}
trap 'stop_chromium; cleanup' EXIT

check "ingestd starts" start_ingestd "$DATA" "$API"
check "front starts" start_frontd "$DATA" "$F1" frontd
"$FOLIO_BIN/folio" push tests/vault --data "$DATA" --server "http://127.0.0.1:$API" \
	>"$T/push.out" 2>&1
check_eq "push exits 0" "$?" 0

# setsid gives chromium a process group of its own, whose id is its pid (a background job of
# a script is not a group leader, so setsid execs without forking).
sandbox=""
[ "$(id -u)" = 0 ] && sandbox=--no-sandbox
mkdir -p "$PROFILE" "$SHOTS"
setsid "$CHROMIUM" --headless=new $sandbox --disable-gpu --remote-debugging-port=0 \
	--remote-debugging-address=127.0.0.1 --user-data-dir="$PROFILE" --no-first-run \
	--no-default-browser-check --disable-extensions --disable-background-networking \
	--disable-sync --disable-component-update --mute-audio --hide-scrollbars \
	about:blank >"$T/chromium.log" 2>&1 &
CHROME_PID=$!
check_eq "chromium has a process group of its own" "$(ps -o pgid= -p "$CHROME_PID" | tr -d ' ')" \
	"$CHROME_PID"

# The pages: the home page, a long note, one tag page and one folder page (the first the
# home page links to, whatever their URLs; the fixed URLs when it links to none).
home=$(curl -s --max-time 5 "$base/")
tag=$(printf '%s' "$home" | grep -o 'href="/tags/[^"#]*"' | head -n 1 | sed 's/href="//; s/"$//')
# Mermaid and media pages load the most scripts and subresources.
pages=(/ /markdown/long-note "${tag:-/tags/fixture}" /markdown /markdown/mermaid /embeds/media-embeds)

CDP_TIMEOUT_MS=170000 timeout 180 node tests/integ/cdp.js check "$PROFILE" "$base" "$SHOTS" "${pages[@]}" \
	>"$T/cdp.out" 2>&1
check_eq "cdp.js finishes" "$?" 0
while read -r kind status rest; do
	case $kind in
	RESULT)
		if [ "$status" = ok ]; then
			PASS=$((PASS + 1))
			echo "ok   ${rest%% (*}"
		else
			FAIL=$((FAIL + 1))
			echo "FAIL $rest"
		fi
		;;
	SHOT) echo "     screenshot: $status" ;;
	NOTE) echo "     note: $status $rest" ;;
	*) echo "     $kind $status $rest" ;;
	esac
done <"$T/cdp.out"
check "screenshots were saved" test "$(find "$SHOTS" -name '*.png' | wc -l)" -ge 36
[ -n "${KEEP:-}" ] && mkdir -p "$KEEP" && cp "$SHOTS"/*.png "$KEEP"/

group=$CHROME_PID
stop_chromium
check "chromium's process group is gone" sh -c '! kill -0 -- "-$1" 2>/dev/null' _ "$group"
finish
