#!/bin/sh
# ingest_stop: SIGTERM to ingestd. A push whose upload is under way when the signal comes
# is finished and answered, a client that arrives after it is refused and changes nothing,
# and ingestd exits 0 with LMDB in step with SQLite (the next start repairs nothing). An
# idle ingestd with an idle keep-alive connection stops at once.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. tests/integ/lib.sh

API=$(free_port)
F1=$(free_port)
DATA=$T/data
SERVER=http://127.0.0.1:$API

# wait_exit PID SECONDS: waits up to SECONDS for our child PID to exit and sets STATUS to
# its exit status ("timeout" if it is still running). Not in a subshell: only this shell
# can reap its children.
wait_exit() {
	local pid=$1 secs=$2 i
	for i in $(seq $((secs * 10))); do
		running "$pid" || break
		sleep 0.1
	done
	STATUS=timeout
	if ! running "$pid"; then
		wait "$pid" 2>/dev/null
		STATUS=$?
	fi
}

# A JSON push of N notes of about 1.2 KB each (plain ASCII: no escaping needed).
make_push() {
	local n=$1 i line
	line=$(printf 'Filler text for the graceful stop test, line %s. ' $(seq 24))
	{
		printf '{"upserts":['
		for i in $(seq "$n"); do
			[ "$i" = 1 ] || printf ','
			printf '{"path":"Stop/note %d.md","content":"# Note %d\\n\\nSee [[note %d]]. %s\\n"}' \
				"$i" "$i" $((i % n + 1)) "$line"
		done
		printf '],"deletes":[]}'
	} >"$T/push.json"
}

check "ingestd starts" start_ingestd "$DATA" "$API"
check "front starts" start_frontd "$DATA" "$F1" frontd1
KEY=$(cat "$DATA/api.key")
gen0=$(generation "$DATA" "$API")

# --- SIGTERM in the middle of a push ----------------------------------------------------------

make_push 400
size=$(wc -c <"$T/push.json")
# slow_push: sends the push body in 10 slices 0.2 s apart (so a signal can land while it
# arrives) and saves the whole answer in $T/reply.
slow_push() {
	local chunk=$(((size + 9) / 10)) i
	exec 4<>"/dev/tcp/127.0.0.1/$API" || return 1
	printf 'POST /api/v1/push HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n' "$KEY" >&4
	printf 'Content-Type: application/json\r\nContent-Length: %d\r\n\r\n' "$size" >&4
	for i in $(seq 0 9); do
		dd if="$T/push.json" bs="$chunk" skip="$i" count=1 status=none >&4
		sleep 0.2
	done
	timeout 60 cat <&4 >"$T/reply"
	exec 4<&-
}
slow_push &
PUSHER=$!
track "$PUSHER"
sleep 0.7
check "ingestd is still running when the signal is sent" running "$INGEST_PID"
kill -TERM "$INGEST_PID"
sleep 0.2
late=$(curl -s --max-time 10 -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $KEY" \
	-H 'Content-Type: application/json' \
	--data '{"upserts":[{"path":"Late.md","content":"# Late\n"}]}' "$SERVER/api/v1/push")
check_eq "a push sent after SIGTERM is refused" "$late" 000
wait "$PUSHER" 2>/dev/null
check_contains "the push under way is answered 200" "$(head -n 1 "$T/reply")" "HTTP/1.1 200"
check_contains "and told the connection closes" "$(cat "$T/reply")" "Connection: close"
check_contains "its answer carries the new generation" "$(cat "$T/reply")" \
	"\"generation\":$((gen0 + 1))"
wait_exit "$INGEST_PID" 30
check_eq "ingestd exits 0 after finishing it" "$STATUS" 0
log=$(cat "$T/ingestd.log")
check_contains "ingestd logged the stop" "$log" "ingestd.stop"
check_eq "the front kept serving meanwhile" "$(http_code "http://127.0.0.1:$F1/stop/note-7")" 200

# The next start finds LMDB in step: nothing to reconcile or rebuild.
: >"$T/ingestd.log"
check "ingestd starts again" start_ingestd "$DATA" "$API"
check_eq "the push is there after the restart" "$(generation "$DATA" "$API")" "$((gen0 + 1))"
log=$(cat "$T/ingestd.log")
check_lacks "nothing to reconcile at start" "$log" "recover.reconcile"
check_lacks "nothing to rebuild at start" "$log" "recover.rebuild"
check "folio check finds the store in step" quiet "$FOLIO_BIN/folio" check --data "$DATA" \
	--server "$SERVER"
files=$(api_get "$DATA" "$API" /api/v1/files)
check_contains "the finished push's files are stored" "$files" "Stop/note 400.md"
check_lacks "the refused push left nothing" "$files" "Late.md"
check_eq "the refused note is not served" "$(http_code "http://127.0.0.1:$F1/late")" 404

# --- SIGTERM when idle, with an idle keep-alive connection --------------------------------------

exec 3<>"/dev/tcp/127.0.0.1/$API"
printf 'GET /api/v1/status HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n' "$KEY" >&3
sleep 0.3
t0=$(date +%s%3N)
kill -TERM "$INGEST_PID"
wait_exit "$INGEST_PID" 15
t1=$(date +%s%3N)
exec 3<&-
check_eq "idle ingestd exits 0 on SIGTERM" "$STATUS" 0
check "and does not wait for the idle connection ($((t1 - t0)) ms)" test $((t1 - t0)) -lt 3000

finish
