#!/bin/sh
# drain: graceful restarts under load fail no request. Two fronts serve a steady wrk load
# (keep-alive, and when the kernel can hand queued connections over, a connection per
# request too); each front in turn gets SIGTERM while a replacement starts beside it. wrk
# must report no socket error and no non-2xx answer, and each stopped front must exit 0
# promptly. Then ingestd gets SIGTERM in the middle of a push: the push is answered, ingestd
# exits 0, and after a restart the push's pages are served.
#
# A closing listener resets the connections still in its accept queue unless
# net.ipv4.tcp_migrate_req=1 hands them to another listener of the SO_REUSEPORT group
# (deploy/README.md). As root this test sets it for its run and puts the old value back;
# without it only the keep-alive load runs.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. tests/integ/lib.sh

SECS=${DRAIN_SECS:-5}
API=$(free_port)
PORT=$(free_port)
DATA=$T/data
V=$T/vault
MIG=/proc/sys/net/ipv4/tcp_migrate_req
OLD_MIG=$(cat "$MIG" 2>/dev/null)
MIGRATE=0

restore_migrate() {
	[ "$MIGRATE" = 1 ] && [ -n "$OLD_MIG" ] && echo "$OLD_MIG" >"$MIG" 2>/dev/null
	cleanup
}
trap restore_migrate EXIT

if [ "$OLD_MIG" = 1 ]; then
	MIGRATE=2 # already on: nothing to restore
elif [ "$(id -u)" = 0 ] && [ -n "$OLD_MIG" ] && echo 1 >"$MIG" 2>/dev/null; then
	MIGRATE=1
fi

if ! command -v wrk >/dev/null 2>&1; then
	check "wrk is installed (make deps)" false
	finish
	exit 1
fi

front() {
	"$FOLIO_BIN/frontd" --data "$DATA" --listen "127.0.0.1:$PORT" >>"$T/$1.log" 2>&1 &
	LAST_PID=$!
	track "$LAST_PID"
}

# stopped NAME PID: SIGTERMs PID and checks it exits 0 within 4 s.
stopped() {
	local name=$1 pid=$2 i rc
	kill -TERM "$pid"
	for i in $(seq 40); do
		running "$pid" || break
		sleep 0.1
	done
	if running "$pid"; then
		check "$name exits within 4 s of SIGTERM" false
		return
	fi
	wait "$pid" 2>/dev/null
	rc=$?
	check_eq "$name exits 0 on SIGTERM" "$rc" 0
}

# wrk_clean NAME FILE: the run served requests with no socket error and no bad status.
wrk_clean() {
	local out
	out=$(cat "$2")
	local n
	n=$(printf '%s' "$out" | sed -n 's/^ *\([0-9]*\) requests in.*/\1/p')
	check "$1: requests were served (${n:-0})" test "${n:-0}" -gt 100
	check_lacks "$1: no socket errors" "$out" "Socket errors"
	check_lacks "$1: every answer 2xx or 3xx" "$out" "Non-2xx"
	[ "$FAIL" -eq 0 ] || printf '%s\n' "$out" | sed 's/^/     /'
}

check "genvault writes the vault" quiet "$FOLIO_BIN/genvault" --out "$V" --notes 50 \
	--shape small
printf '# Home\n\nThe page the load asks for.\n' >"$V/index.md"
check "ingestd starts" start_ingestd "$DATA" "$API"
check "first push" quiet "$FOLIO_BIN/folio" push "$V" --data "$DATA" \
	--server "http://127.0.0.1:$API"
front a
A=$LAST_PID
front b
B=$LAST_PID
check "fronts answer" wait_http "http://127.0.0.1:$PORT/" 30

wrk -t1 -c16 -d"${SECS}s" "http://127.0.0.1:$PORT/" >"$T/wrk-keepalive.txt" 2>&1 &
W1=$!
W2=
if [ "$MIGRATE" != 0 ]; then
	wrk -t1 -c4 -d"${SECS}s" -H 'Connection: close' "http://127.0.0.1:$PORT/" \
		>"$T/wrk-close.txt" 2>&1 &
	W2=$!
else
	echo "# net.ipv4.tcp_migrate_req is 0 and cannot be set: connection-per-request load skipped"
fi

# Restart each front twice while the load runs: SIGTERM the old one and start its
# replacement at once, so a listener is always there.
sleep 1
for round in 1 2; do
	OLD=$A
	front a
	A=$LAST_PID
	stopped "front a (round $round)" "$OLD"
	OLD=$B
	front b
	B=$LAST_PID
	stopped "front b (round $round)" "$OLD"
done
wait "$W1"
[ -n "$W2" ] && wait "$W2"
wrk_clean "keep-alive load" "$T/wrk-keepalive.txt"
[ -n "$W2" ] && wrk_clean "connection-per-request load" "$T/wrk-close.txt"
check_eq "replacement fronts answer" "$(http_code "http://127.0.0.1:$PORT/")" 200

# ingestd: SIGTERM while a large push is being applied. The push is answered (it either
# finishes or is refused whole), ingestd exits 0, and a restarted ingestd has it.
"$FOLIO_BIN/genvault" --out "$T/big" --notes 1000 --shape small >/dev/null 2>&1
printf '# Home\n\nPushed while ingestd was drained.\n' >"$T/big/index.md"
"$FOLIO_BIN/folio" push "$T/big" --data "$DATA" --server "http://127.0.0.1:$API" \
	>"$T/push.out" 2>&1 &
PUSH=$!
for i in $(seq 100); do # wait until the client is under way (it hashes, then sends)
	[ -s "$T/push.out" ] && break
	sleep 0.02
done
sleep 0.1
SENT=$(date +%s%3N)
stopped "ingestd" "$INGEST_PID"
# Informational: when the signal came relative to the push being applied (on a fast
# machine it may come after); either way the push must be answered and kept.
done_line=$(grep 'push.done' "$T/ingestd.log" | tail -n 1)
if [ -n "$done_line" ]; then
	done_at=$(date -d "${done_line%% *}" +%s%3N 2>/dev/null)
	took=$(printf '%s' "$done_line" | sed -n 's/.* ms=\([0-9]*\).*/\1/p')
	[ -n "$done_at" ] && [ -n "$took" ] &&
		echo "# SIGTERM sent $((SENT - done_at + took)) ms into a push that took $took ms"
fi
wait "$PUSH"
PUSH_RC=$?
PUSH_OUT=$(cat "$T/push.out")
if [ "$PUSH_RC" = 0 ]; then
	check_contains "the push in flight was applied" "$PUSH_OUT" "published:"
else
	check_contains "the push in flight was refused cleanly" "$PUSH_OUT" "error"
fi
check "ingestd starts again" start_ingestd "$DATA" "$API"
check "the vault pushes (again, or for the first time)" quiet "$FOLIO_BIN/folio" push "$T/big" \
	--data "$DATA" --server "http://127.0.0.1:$API"
page=$(curl -s --max-time 5 "http://127.0.0.1:$PORT/" 2>/dev/null)
check_contains "the fronts serve the pushed vault" "$page" "drained"

finish
