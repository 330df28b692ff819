#!/bin/sh
# accesslog: frontd's optional access log. Off by default; with access_log set, one
# key=value line per answer (escaped agent and referer, method, status, encoding), written
# within about a second without further traffic; pipelined answers that a full socket made
# the front queue twice are logged once; a renamed file is reopened; a path that cannot be
# opened stops the front at start with a message naming it.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. tests/integ/lib.sh

API=$(free_port)
F1=$(free_port)
F2=$(free_port)
[ "$F1" != "$F2" ] || F2=$(free_port)
DATA=$T/data
V=$T/vault
LOG=$DATA/access.log

mkdir -p "$V"
printf '# Home\n\nSee [[Other]].\n' >"$V/index.md"
printf '# Other\n\n%s\n' "$(seq 200 | tr '\n' ' ')" >"$V/Other.md"
head -c 3000000 /dev/urandom >"$V/big.bin"

# lines_for PATTERN: how many access log lines contain PATTERN (fixed string).
lines_for() {
	grep -cF -- "$1" "$LOG" 2>/dev/null || true
}

# wait_lines PATTERN N: waits up to 5 s for at least N lines containing PATTERN.
wait_lines() {
	local i
	for i in $(seq 50); do
		[ "$(lines_for "$1")" -ge "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

check "ingestd starts" start_ingestd "$DATA" "$API"
check "front without access_log starts" start_frontd "$DATA" "$F2" frontd2
"$FOLIO_BIN/frontd" --data "$DATA" --listen "127.0.0.1:$F1" --set access_log=access.log \
	>>"$T/frontd1.log" 2>&1 &
FRONT_PID=$!
track "$FRONT_PID"
check "front with access_log starts" wait_http "http://127.0.0.1:$F1/" 30
out=$("$FOLIO_BIN/folio" push "$V" --data "$DATA" --server "http://127.0.0.1:$API" 2>&1)
check_contains "push publishes" "$out" "published: "
check "a relative access_log is created under data_dir" test -f "$LOG"

curl -s -o /dev/null "http://127.0.0.1:$F2/other"
curl -s -o /dev/null --compressed -A 'Agent "quoted" \ back' -e 'https://ref.example/x y' \
	"http://127.0.0.1:$F1/other?x=1"
curl -s -o /dev/null -I "http://127.0.0.1:$F1/missing"
curl -s -o /dev/null -H 'If-None-Match: *' "http://127.0.0.1:$F1/other"
raw_request "$F1" 'NONSENSE\r\n\r\n' >/dev/null
check "lines are written within a second or so, with no more traffic" wait_lines 'status=400' 1
check_eq "the front without access_log logged nothing" "$(lines_for /other?)" 1
line=$(grep -F 'path="/other?x=1"' "$LOG")
check_contains "a line names the client" "$line" "client=127.0.0.1"
check_contains "a line has method and status" "$line" "method=GET path=\"/other?x=1\" status=200"
check_contains "a gzip answer says so" "$line" "enc=gzip"
check_contains "the agent is escaped" "$line" 'ua="Agent \x22quoted\x22 \x5c back"'
check_contains "the referer is logged" "$line" 'ref="https://ref.example/x y"'
check_contains "a line starts with the time" "$line" "time=20"
check_contains "a line names the front" "$line" "front=$FRONT_PID"
check_contains "HEAD of a missing page" "$(grep -F '/missing' "$LOG")" \
	'method=HEAD path="/missing" status=404'
check_contains "a 304 is logged as one" "$(grep -F 'status=304' "$LOG")" "enc=304"
check_contains "an unparsable request is logged" "$(grep -F 'status=400' "$LOG")" \
	'method=- path="-" status=400 bytes='
check_eq "one line per answer" "$(lines_for 'path="/other')" 2

# Three pipelined requests for a 3 MB file: the socket fills, the answers after the first
# are dropped and queued again once it drains; each is still logged once.
got=$(raw_request "$F1" 'GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\nGET /big.bin HTTP/1.1\r\nHost: x\r\n\r\nGET /big.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' |
	wc -c)
check "all three answers arrived ($got bytes)" test "$got" -gt 9000000
check "the three answers are logged" wait_lines 'path="/big.bin"' 3
sleep 0.5
check_eq "and logged once each" "$(lines_for 'path="/big.bin"')" 3

# Rotation: the file is renamed; within a few seconds the front notices and starts a new
# one (lines logged before that go to the renamed file).
mv "$LOG" "$LOG.1"
for i in $(seq 60); do
	[ -f "$LOG" ] && break
	sleep 0.1
done
check "a renamed log is reopened" test -f "$LOG"
curl -s -o /dev/null "http://127.0.0.1:$F1/?after-rotation"
check "lines go to the new file" wait_lines 'after-rotation' 1
check_eq "the renamed file keeps the old lines" "$(grep -cF 'path="/big.bin"' "$LOG.1")" 3

# A path that cannot be opened stops the front at start, naming it.
out=$(timeout 10 "$FOLIO_BIN/frontd" --data "$DATA" --listen "127.0.0.1:$(free_port)" \
	--set access_log="$T/no/such/dir/access.log" 2>&1)
check_eq "an unwritable access_log stops the front" "$?" 1
check_contains "and the error names the path" "$out" "$T/no/such/dir/access.log"

finish
