#!/bin/sh
# live: live reload end to end. Pages link the live-reload script, which ingestd serves at
# a content-hashed URL; a front's /_folio/live stream tells the readers of a page, and only
# them, when a push changes it; streams outlive idle_timeout_ms, live_max bounds them, a
# stopping front closes them at once; the script itself (run in node against the fronts)
# reloads its page on a push and catches up after reconnecting to a restarted front; and
# live_reload = false removes the script and the endpoint.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. tests/integ/lib.sh

API=$(free_port)
P1=$(free_port)
P2=$(free_port)
[ "$P1" != "$P2" ] || P2=$(free_port)
DATA=$T/data
V=$T/vault
mkdir -p "$V"
printf '# Home\n\nSee [[a]] and [[b]].\n' >"$V/index.md"
printf '# A\n\nFirst version of a.\n' >"$V/a.md"
printf '# B\n\nFirst version of b.\n' >"$V/b.md"

push() {
	"$FOLIO_BIN/folio" push "$V" --data "$DATA" --server "http://127.0.0.1:$API" --quiet
}

# front NAME PORT [--set K=V]...: starts a front; sets LAST_PID.
front() {
	local name=$1 port=$2
	shift 2
	"$FOLIO_BIN/frontd" --data "$DATA" --listen "127.0.0.1:$port" "$@" >>"$T/$name.log" 2>&1 &
	LAST_PID=$!
	track "$LAST_PID"
	wait_http "http://127.0.0.1:$port/" 20
}

# stream NAME PORT QUERY SECS: a reader holding /_folio/live?QUERY open for at most SECS,
# writing what it gets to $T/NAME.sse; sets LAST_PID.
stream() {
	curl -sN --max-time "$4" "http://127.0.0.1:$2/_folio/live?$3" >"$T/$1.sse" 2>/dev/null &
	LAST_PID=$!
	track "$LAST_PID"
}

# wait_for FILE TEXT [SECS]: until FILE contains TEXT.
wait_for() {
	local i
	for i in $(seq $((${3:-5} * 20))); do
		grep -qF -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

check "ingestd starts" start_ingestd "$DATA" "$API"
check "first push" quiet push
check "front 1 starts (idle_timeout_ms=300)" front frontd1 "$P1" --set idle_timeout_ms=300
F1=$LAST_PID
check "front 2 starts (live_max=2)" front frontd2 "$P2" --set live_max=2
F2=$LAST_PID

# The page links the script; the script is served, immutable, as JavaScript.
home=$(curl -s --max-time 5 "http://127.0.0.1:$P1/")
js=$(printf '%s' "$home" | grep -o '<script defer src="/_folio/live\.[0-9a-f]\{12\}\.js"></script>' |
	sed 's/.*src="\([^"]*\)".*/\1/')
check "the page links the live-reload script" test -n "$js"
check_contains "a note links it too" "$(curl -s --max-time 5 "http://127.0.0.1:$P1/a")" "$js"
check_contains "the 404 page links it too" "$(curl -s --max-time 5 "http://127.0.0.1:$P1/nope")" \
	"$js"
head=$(curl -s -D - -o "$T/live.js" --max-time 5 "http://127.0.0.1:$P1$js")
check_contains "the script is served" "$head" "HTTP/1.1 200"
check_contains "as JavaScript" "$head" "Content-Type: text/javascript"
check_contains "immutable" "$head" "immutable"
check_contains "it subscribes to the live endpoint" "$(cat "$T/live.js")" "/_folio/live?path="

# Streams: each reader hears about its own page only, and outlives the idle timeout.
stream a "$P1" "path=/a" 15
SA=$LAST_PID
stream b "$P1" "path=/b" 15
SB=$LAST_PID
check "a stream says hello" wait_for "$T/a.sse" "event: hello"
check_contains "with its page" "$(cat "$T/a.sse")" '"path":"/a"'
sleep 0.8 # well past idle_timeout_ms=300
check "the streams outlive idle_timeout_ms" running "$SA"
printf '# A\n\nSecond version of a.\n' >"$V/a.md"
gen_before=$(generation "$DATA" "$API")
check "push a change to a" quiet push
check "the reader of /a hears of it" wait_for "$T/a.sse" '"paths":["/a"]' 5
check_contains "with the push's generation" "$(cat "$T/a.sse")" "\"gen\":$((gen_before + 1)),"
sleep 0.3
check_lacks "the reader of /b hears nothing" "$(cat "$T/b.sse")" "event: push"
check_eq "a page fetched now is the new one" \
	"$(curl -s --max-time 5 "http://127.0.0.1:$P1/a" | grep -c '<p>Second version')" 1

# live_max=2 on front 2: a third stream is refused with 503.
stream m1 "$P2" "path=/a" 10
M1=$LAST_PID
stream m2 "$P2" "path=/b" 10
check "two streams open on front 2" wait_for "$T/m1.sse" "event: hello"
wait_for "$T/m2.sse" "event: hello"
check_eq "a third stream gets 503" \
	"$(http_code "http://127.0.0.1:$P2/_folio/live?path=/a")" 503
check_eq "a stream without a path gets 400" "$(http_code "http://127.0.0.1:$P1/_folio/live")" 400
check_eq "pages are still served beside the streams" "$(http_code "http://127.0.0.1:$P2/b")" 200

# A stopping front closes its streams at once and exits promptly.
t0=$(date +%s%3N)
kill -TERM "$F2"
for i in $(seq 40); do
	running "$F2" || break
	sleep 0.05
done
check "front 2 exits within 2 s of SIGTERM with streams open" test $(($(date +%s%3N) - t0)) -lt 2000
for i in $(seq 20); do
	running "$M1" || break
	sleep 0.05
done
check "its streams were closed" test -z "$(running "$M1" && echo open)"
kill "$SA" "$SB" 2>/dev/null

# The script itself, run in node against the fronts.
if command -v node >/dev/null 2>&1; then
	CLIENT=tests/integ/live_client.js
	node "$CLIENT" "$T/live.js" "http://127.0.0.1:$P1" /a 15000 >"$T/node-a.out" 2>&1 &
	NA=$!
	track "$NA"
	node "$CLIENT" "$T/live.js" "http://127.0.0.1:$P1" /b 15000 >"$T/node-b.out" 2>&1 &
	NB=$!
	track "$NB"
	check "the script opens a stream for its page" wait_for "$T/node-a.out" "event hello" 5
	wait_for "$T/node-b.out" "event hello" 5
	check_contains "by its path" "$(cat "$T/node-a.out")" "connect /_folio/live?path=%2Fa"
	printf '# A\n\nThird version of a.\n' >"$V/a.md"
	push
	check "the script reloads its page when a push changes it" wait_for "$T/node-a.out" reload 5
	sleep 0.3
	check_lacks "a page the push did not change does not reload" "$(cat "$T/node-b.out")" reload

	# Reconnecting: front 3 (alone on its port) restarts while b changes; the script
	# reconnects with the ETag it saw and reloads at once.
	P3=$(free_port)
	front frontd3 "$P3"
	F3=$LAST_PID
	node "$CLIENT" "$T/live.js" "http://127.0.0.1:$P3" /b 20000 >"$T/node-c.out" 2>&1 &
	NC=$!
	track "$NC"
	check "a script on front 3 says hello" wait_for "$T/node-c.out" "event hello" 5
	kill -TERM "$F3"
	check "it notices front 3 going away" wait_for "$T/node-c.out" error 5
	printf '# B\n\nSecond version of b.\n' >"$V/b.md"
	push
	front frontd3 "$P3"
	check "it reconnects with the page's ETag" wait_for "$T/node-c.out" "&etag=%22" 10
	check "and reloads for the change it missed" wait_for "$T/node-c.out" reload 5
else
	echo "# node is not installed (make deps): the script's own checks are skipped"
fi

# live_reload = false: ingestd rebuilds pages without the script, fronts refuse streams.
stop_pid "$INGEST_PID"
"$FOLIO_BIN/ingestd" --data "$DATA" --api "127.0.0.1:$API" --set live_reload=false \
	>>"$T/ingestd.log" 2>&1 &
INGEST_PID=$!
track "$INGEST_PID"
check "ingestd restarts with live_reload = false" \
	wait_http "http://127.0.0.1:$API/api/v1/status" 30
P4=$(free_port)
check "a front starts with live_reload = false" front frontd4 "$P4" --set live_reload=false
check_lacks "pages no longer link the script" "$(curl -s --max-time 5 "http://127.0.0.1:$P4/a")" \
	"/_folio/live."
check_eq "the script is gone" "$(http_code "http://127.0.0.1:$P4$js")" 404
check_eq "the endpoint is an ordinary missing page" \
	"$(http_code "http://127.0.0.1:$P4/_folio/live?path=/a")" 404

finish
