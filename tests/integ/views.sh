#!/bin/sh
# views: page views are counted exactly. N requests spread over two fronts give exactly N
# views in GET /api/v1/views and `folio views`; assets, 404s, redirects and HEAD are not
# counted, 304s are. Killing ingestd with -9 (and restarting it) in the middle of the
# requests loses nothing and counts nothing twice. A front stopped with SIGTERM flushes
# its last views first; one killed with -9 loses only its unflushed ones.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. tests/integ/lib.sh

API=$(free_port)
F1=$(free_port)
F2=$(free_port)
F3=$(free_port)
DATA=$T/data
SERVER=http://127.0.0.1:$API
# Short intervals keep the test fast; the logic is the same at the defaults.
FAST="--set views_flush_ms=200 --set views_resend_ms=300"

# start_front PORT NAME [--set k=v ...]: starts a front with extra settings; sets FRONT_PID.
start_front() {
	local port=$1 name=$2
	shift 2
	"$FOLIO_BIN/frontd" --data "$DATA" --listen "127.0.0.1:$port" "$@" >>"$T/$name.log" 2>&1 &
	FRONT_PID=$!
	track "$FRONT_PID"
	wait_http "http://127.0.0.1:$port/no-such-page" 30 # a 404: not a view
}

# total [QUERY]: the "total" of GET /api/v1/views?QUERY ("" if ingestd did not answer).
total() {
	api_get "$DATA" "$API" "/api/v1/views?$1" | sed -n 's/.*"total":\([0-9]*\).*/\1/p'
}

# wait_total WANT [SECONDS]: waits until the total reaches WANT; prints what it last saw.
# Then waits a little more and prints the total again, so a count that overshoots (a
# batch stored twice) shows up.
wait_total() {
	local want=$1 secs=${2:-10} got i
	for i in $(seq $((secs * 10))); do
		got=$(total)
		[ "$got" = "$want" ] && break
		sleep 0.1
	done
	sleep 0.5
	total
}

# hits PORT COUNT PATH [curl args]: COUNT requests for PATH on one keep-alive connection;
# prints the status codes, one per line.
hits() {
	local port=$1 n=$2 path=$3 i
	shift 3
	(
		for i in $(seq "$n"); do
			printf 'url = "http://127.0.0.1:%s%s"\noutput = /dev/null\n' "$port" "$path"
		done
	) >"$T/hits.cfg"
	curl -s --max-time 60 -w '%{http_code}\n' "$@" -K "$T/hits.cfg"
}

# codes_are CODE: stdin holds only CODE lines (and at least one).
codes_are() {
	local got
	got=$(sort -u | tr '\n' ' ')
	[ "$got" = "$1 " ]
}

check "ingestd starts" start_ingestd "$DATA" "$API"
check "front 1 starts" start_front "$F1" frontd1 $FAST
check "front 2 starts" start_front "$F2" frontd2 $FAST
check "vault published" quiet "$FOLIO_BIN/folio" push examples/vault --data "$DATA" --server "$SERVER"
check_eq "nothing counted yet" "$(total)" 0

# --- exactly N over two fronts -------------------------------------------------------------
NOTES="/ /getting-started /guides/links-and-embeds /reference/internals/page-records"
n=0
for p in $NOTES; do
	check "[$F1] 40 GETs of $p answer 200" codes_are 200 < <(hits "$F1" 40 "$p")
	check "[$F2] 35 GETs of $p answer 200" codes_are 200 < <(hits "$F2" 35 "$p")
	n=$((n + 75))
done
etag=$(curl -s -D - -o /dev/null "http://127.0.0.1:$F1/getting-started" | tr -d '\r' |
	sed -n 's/^[Ee][Tt][Aa][Gg]: *//p')
n=$((n + 1))
check "revalidations answer 304" codes_are 304 < <(hits "$F2" 10 /getting-started -H "If-None-Match: $etag")
n=$((n + 10))
# Not views: assets, missing pages, redirects, HEAD.
check "assets answer 200" codes_are 200 < <(hits "$F1" 10 /attachments/folio-icon.png)
check "missing pages answer 404" codes_are 404 < <(hits "$F2" 10 /no/such/page)
check "a capitalised path redirects" codes_are 301 < <(hits "$F1" 10 /Getting-Started)
check "HEAD answers 200" codes_are 200 < <(hits "$F2" 10 /getting-started -I)
check_eq "exactly N views arrive ($n)" "$(wait_total "$n")" "$n"
check_eq "per page: / has its 75" "$(total 'path=/')" 75
check_eq "per page: 304s count" "$(total 'path=/getting-started')" 86
check_eq "assets are not counted" "$(total 'path=/attachments/folio-icon.png')" 0

# The CLI reads the same numbers.
out=$("$FOLIO_BIN/folio" views --data "$DATA" --server "$SERVER" --top 2 2>&1)
check_contains "folio views prints the total" "$out" "$n views of 4 pages (all days), top 2 shown"
check_contains "folio views lists the top page" "$out" "86  /getting-started"
today=$(date -u +%Y-%m-%d)
out=$("$FOLIO_BIN/folio" views --data "$DATA" --server "$SERVER" --path / --since "$today" 2>&1)
check_contains "folio views --path prints the page" "$out" "/: 75 views (since $today)"
check_contains "folio views --path lists days" "$out" "75  $today"
out=$("$FOLIO_BIN/folio" views --data "$DATA" --server "$SERVER" --json 2>&1)
check_contains "folio views --json is the API's JSON" "$out" "\"total\":$n,"
"$FOLIO_BIN/folio" views --data "$DATA" --server "$SERVER" --since 2023-02-30 >"$T/bad.out" 2>&1
check_eq "a bad date exits 2" "$?" 2
check_contains "a bad date is explained" "$(cat "$T/bad.out")" "since must be a date"
check_eq "the API wants the key" "$(http_code "$SERVER/api/v1/views")" 401

# --- ingestd frozen past the resend timeout: the resends are answered, not counted again ----
# While ingestd is stopped (SIGSTOP) the front's batch and its resends queue up on the
# socket; once it runs again it stores the first copy and recognises the others by seq.
before=$(total)
kill -STOP "$INGEST_PID"
hits "$F1" 20 /getting-started >/dev/null
sleep 1.5
kill -CONT "$INGEST_PID"
check_eq "resent batches are stored once" "$(wait_total $((before + 20)))" $((before + 20))
check_contains "the resends reached ingestd as duplicates" "$(cat "$T/ingestd.log")" \
	"views.duplicate"

# --- ingestd killed -9 and restarted in the middle of the requests ---------------------------
before=$(total)
(
	for i in $(seq 8); do
		hits "$F1" 25 /guides/links-and-embeds
		hits "$F2" 25 /
		sleep 0.1
	done
) >"$T/codes.bg" &
load=$!
for round in 1 2 3; do
	sleep 0.3
	kill -KILL "$INGEST_PID"
	wait "$INGEST_PID" 2>/dev/null
	sleep 0.2
	start_ingestd "$DATA" "$API" >/dev/null 2>&1 || echo "ingestd did not restart" >&2
done
wait "$load"
check "every request during the kills answered 200" codes_are 200 <"$T/codes.bg"
m=$(wc -l <"$T/codes.bg")
check_eq "400 requests were made" "$m" 400
want=$((before + m))
check_eq "exactly N across three kill -9 of ingestd" "$(wait_total "$want" 15)" "$want"

# --- ingestd stopped cleanly (SIGTERM) while views keep coming -------------------------------
before=$(total)
hits "$F1" 30 / >/dev/null
stop_pid "$INGEST_PID" TERM
hits "$F2" 30 / >/dev/null
check "ingestd starts again" start_ingestd "$DATA" "$API"
check_eq "views counted while ingestd was down arrive" "$(wait_total $((before + 60)))" $((before + 60))

# --- a front stopped with SIGTERM flushes first; one killed with -9 loses its interval -------
before=$(total)
check "a slow-flushing front starts" start_front "$F3" frontd3 --set views_flush_ms=600000
check "it serves" codes_are 200 < <(hits "$F3" 17 /getting-started)
sleep 0.5
check_eq "its views wait for the flush" "$(total)" "$before"
stop_pid "$FRONT_PID" TERM
check_eq "SIGTERM flushed them before exit" "$(total)" $((before + 17))
check_contains "the stop was logged" "$(cat "$T/frontd3.log")" "views.stop"

before=$(total)
check "another slow-flushing front starts" start_front "$F3" frontd4 --set views_flush_ms=600000
check "it serves" codes_are 200 < <(hits "$F3" 5 /)
stop_pid "$FRONT_PID" KILL
check "the other fronts still count" codes_are 200 < <(hits "$F1" 3 /)
check_eq "kill -9 lost only that front's unflushed views" "$(wait_total $((before + 3)))" \
	$((before + 3))

finish
