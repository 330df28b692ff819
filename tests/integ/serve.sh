#!/bin/sh
# serve: `folio serve` runs ingestd and two fronts, publishes the example vault, restarts a
# front that is killed, and on SIGTERM stops every child and exits 0.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. tests/integ/lib.sh

P=$(free_port)
Q=$(free_port)
[ "$P" != "$Q" ] || Q=$(free_port)
LOG=$T/serve.log

"$FOLIO_BIN/folio" serve --data "$T/data" --fronts 2 --port "$P" --api-port "$Q" \
	--publish examples/vault >"$LOG" 2>&1 &
SERVE=$!
track "$SERVE"

# wait_for SECONDS CMD...: retries CMD every 0.1 s.
wait_for() {
	local secs=$1 i
	shift
	for i in $(seq $((secs * 10))); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

published() {
	grep -q "^published " "$LOG"
}

fronts() {
	pgrep -P "$SERVE" -x frontd | sort | tr '\n' ' '
}

two_fronts() {
	[ "$(pgrep -P "$SERVE" -x frontd | wc -l)" -eq 2 ]
}

check "serve publishes the vault" wait_for 60 published
check_contains "serve prints the site URL" "$(cat "$LOG")" "http://127.0.0.1:$P/"
check_contains "serve prints the API address" "$(cat "$LOG")" "http://127.0.0.1:$Q/api/v1/"
check_eq "site answers on P" "$(http_code "http://127.0.0.1:$P/")" 200
check_contains "site has the published home" "$(curl -s "http://127.0.0.1:$P/")" "Welcome to folio"
check_eq "one ingestd child" "$(pgrep -P "$SERVE" -x ingestd | wc -l | tr -d ' ')" 1
check "two frontd children" two_fronts

before=$(fronts)
victim=$(pgrep -P "$SERVE" -x frontd | head -n 1)
kill -KILL "$victim"
restarted() {
	two_fronts && ! pgrep -P "$SERVE" -x frontd | grep -qx "$victim"
}
check "a killed front is restarted" wait_for 10 restarted
check "the restart is logged" grep -q "serve.restart" "$LOG"
check_eq "site answers after the restart" "$(http_code "http://127.0.0.1:$P/")" 200
echo "     fronts before: $before after: $(fronts)"

children=$(pgrep -P "$SERVE" | tr '\n' ' ')
kill -TERM "$SERVE"
exited() {
	! running "$SERVE"
}
check "SIGTERM stops serve within 10 s" wait_for 10 exited
wait "$SERVE"
check_eq "serve exits 0" "$?" 0
gone() {
	local pid
	for pid in $children; do
		running "$pid" && return 1
	done
	return 0
}
check "every child is gone" wait_for 5 gone

finish
