#!/bin/bash
# live.sh: what live-reload streams cost a front. One front pinned to CPU 0 (wrk, the
# stream holder, ingestd and the pushes on CPU 1) is loaded with wrk, in ROUNDS rounds of
# three runs back to back, so that anything else the machine does weighs on all three:
#   1. no stream open;
#   2. STREAMS streams held open (idle: keep-alives only);
#   3. the streams open and a push every second that changes the page they all watch (each
#      push writes STREAMS events while wrk runs).
# Then the front's memory per stream (RSS and kernel socket memory) and the fan-out of one
# push to STREAMS readers, three times: the front's own time (its live.push log line) and,
# seen from the readers, the first and the last event after the push was sent.
# Prints a markdown section on stdout ("## Live reload").
#
# Environment: FOLIO_BIN (release binaries, default bin), BENCH_TOOLS (livehold, default
# build/release/bench), STREAMS (2000), SECS (seconds per wrk run, 10), ROUNDS (3), CONNS
# (wrk connections, 64). Servers listen on 127.0.0.1; every process started is stopped by
# PID; every wait is bounded.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root" || exit 1
FOLIO_BIN=$(cd "${FOLIO_BIN:-bin}" && pwd) || exit 1
BENCH_TOOLS=$(cd "${BENCH_TOOLS:-build/release/bench}" && pwd) || exit 1
STREAMS=${STREAMS:-2000}
SECS=${SECS:-10}
ROUNDS=${ROUNDS:-3}
CONNS=${CONNS:-64}
W=$(mktemp -d "${TMPDIR:-/tmp}/folio-livebench.XXXXXX") || exit 1
PIDS=""
NONE=""
IDLE=""
PUSH=""
EVENTS=""
RUNS=""
FANOUT=""

stop_all() {
	local p
	for p in $PIDS; do
		kill "$p" 2>/dev/null
	done
	for p in $PIDS; do
		wait "$p" 2>/dev/null
	done
	rm -rf "$W"
}
trap stop_all EXIT
trap 'exit 130' INT TERM

for cmd in wrk taskset python3 curl; do
	command -v "$cmd" >/dev/null || {
		echo "live.sh: $cmd is needed" >&2
		exit 1
	}
done
port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
API=$(port)
PORT=$(port)
ulimit -Sn "$(ulimit -Hn)" 2>/dev/null # the soft limit only: the front raises its own

"$FOLIO_BIN/genvault" --out "$W/v" --notes 200 --shape small >/dev/null 2>&1
printf '# Home\n\nThe page every stream watches.\n' >"$W/v/index.md"
taskset -c 1 "$FOLIO_BIN/ingestd" --data "$W/data" --api "127.0.0.1:$API" >"$W/ingestd.log" 2>&1 &
PIDS="$PIDS $!"
for i in $(seq 100); do
	curl -s -o /dev/null "http://127.0.0.1:$API/" && break
	sleep 0.1
done
push() {
	taskset -c 1 "$FOLIO_BIN/folio" push "$W/v" --data "$W/data" \
		--server "http://127.0.0.1:$API" --quiet
}
push || exit 1
taskset -c 0 "$FOLIO_BIN/frontd" --data "$W/data" --listen "127.0.0.1:$PORT" \
	--set "live_max=$((STREAMS + 100))" >"$W/frontd.log" 2>&1 &
FRONT=$!
PIDS="$PIDS $FRONT"
for i in $(seq 100); do
	curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break
	sleep 0.1
done

# load NAME: one wrk run on the page; prints "req/s p50 p99 errors".
load() {
	taskset -c 1 wrk -t1 -c"$CONNS" -d"${SECS}s" --latency "http://127.0.0.1:$PORT/" >"$W/$1.wrk" 2>&1
	local rps p50 p99 errs
	rps=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$W/$1.wrk")
	p50=$(awk '$1 == "50%" { print $2 }' "$W/$1.wrk")
	p99=$(awk '$1 == "99%" { print $2 }' "$W/$1.wrk")
	errs=$(grep -c 'Socket errors\|Non-2xx' "$W/$1.wrk")
	echo "${rps:-?} ${p50:-?} ${p99:-?} $errs"
}

rss_kb() {
	awk '/^VmRSS:/ { print $2 }' "/proc/$FRONT/status"
}
# Kernel memory in the slab caches a TCP connection uses (both ends of a loopback stream:
# the socket, its inode, its file and the epoll entry); 0 when slabinfo is not readable.
slab_bytes() {
	awk '$1 ~ /^(TCP|sock_inode_cache|filp|eventpoll_epi)$/ { b += $2 * $4 } END { print b + 0 }' \
		/proc/slabinfo 2>/dev/null || echo 0
}

# hold SECS [FLAGS]: STREAMS streams on / for SECS seconds, in the background (HOLD).
hold() {
	local secs=$1
	shift
	taskset -c 1 "$BENCH_TOOLS/livehold" --port "$PORT" --conns "$STREAMS" --path / \
		--secs "$secs" "$@" >"$W/hold.out" 2>&1 &
	HOLD=$!
	PIDS="$PIDS $HOLD"
	for i in $(seq 300); do
		grep -q '^ready' "$W/hold.out" && break
		sleep 0.1
	done
}
unhold() {
	kill "$HOLD" 2>/dev/null
	wait "$HOLD" 2>/dev/null
}

median() {
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

nl=$'\n'
for r in $(seq "$ROUNDS"); do
	read -r rps p50 p99 err < <(load "none-$r")
	NONE="$NONE $rps"
	RUNS="$RUNS| $r | no stream | $rps | $p50 | $p99 | $err |$nl"

	[ "$r" = 1 ] && rss0=$(rss_kb) && slab0=$(slab_bytes)
	hold $((2 * SECS + 30))
	if [ "$r" = 1 ]; then
		ready=$(sed -n 's/^ready \([0-9]*\) \([0-9]*\)/\1 streams took \2 ms/p' "$W/hold.out")
		sleep 1
		rss1=$(rss_kb)
		slab1=$(slab_bytes)
	fi
	read -r rps p50 p99 err < <(load "idle-$r")
	IDLE="$IDLE $rps"
	RUNS="$RUNS| $r | $STREAMS streams, idle | $rps | $p50 | $p99 | $err |$nl"

	(
		for n in $(seq $((SECS + 1))); do
			printf '# Home\n\nThe page every stream watches: round %s, push %s.\n' "$r" "$n" \
				>"$W/v/index.md"
			push
			sleep 1
		done
	) &
	PUSHER=$!
	PIDS="$PIDS $PUSHER"
	read -r rps p50 p99 err < <(load "pushes-$r")
	PUSH="$PUSH $rps"
	RUNS="$RUNS| $r | $STREAMS streams, a push each second | $rps | $p50 | $p99 | $err |$nl"
	wait "$PUSHER" 2>/dev/null
	unhold
	EVENTS="$EVENTS $(sed -n 's/^pushes .* events \([0-9]*\).*/\1/p' "$W/hold.out")"
	sleep 1
done

for k in 1 2 3; do
	hold 60 --first-push
	t_send=$(date +%s%3N)
	printf '# Home\n\nThe page every stream watches: fan-out %s.\n' "$k" >"$W/v/index.md"
	push
	for i in $(seq 200); do
		grep -q '^pushes' "$W/hold.out" && break
		sleep 0.1
	done
	read -r _ got _ total _ first _ last _ _ < <(grep '^pushes' "$W/hold.out")
	fan=$(grep 'live.push' "$W/frontd.log" | tail -n 1 |
		sed -n 's/.*streams=\([0-9]*\) us=\([0-9]*\) send_us=\([0-9]*\).*/\1 events, the last \2 µs after the invalidation arrived (\3 µs of it writing)/p')
	FANOUT="$FANOUT  - push $k: the front wrote ${fan:-?}; ${got:-?} of ${total:-?} readers"
	FANOUT="$FANOUT had it, the first $((${first:-0} - t_send)) ms and the last"
	FANOUT="$FANOUT $((${last:-0} - t_send)) ms after \`folio push\` started$nl"
	unhold
done

per_stream_b=$(((rss1 - rss0) * 1024 / STREAMS))
slab_b=$(((slab1 - slab0) / 2 / STREAMS))
cat <<EOF
## Live reload

One front pinned to CPU 0; wrk (1 thread, $CONNS connections, ${SECS} s, \`GET /\`), the
stream holder (\`tools/bench/livehold\`), ingestd and the pushes on CPU 1; $ROUNDS rounds of
the three loads back to back. Command: \`STREAMS=$STREAMS SECS=$SECS ROUNDS=$ROUNDS
FOLIO_BIN=... BENCH_TOOLS=... bash tools/bench/live.sh\`.

| Load on the front | Requests/s (median of $ROUNDS) |
| --- | ---: |
| no stream open | $(median $NONE) |
| $STREAMS streams open, idle | $(median $IDLE) |
| $STREAMS streams, a push to the page they watch every second | $(median $PUSH) |

- Push events the streams received during each round's third load:$EVENTS.
- Opening $ready. Memory per stream: front RSS +$per_stream_b bytes; kernel, per end of a
  connection, +$slab_b bytes (slab caches of the socket, inode, file and epoll entry;
  an idle stream holds no socket buffer).
- Fan-out of one push to $STREAMS readers (the push itself, from hashing to commit, is in
  the readers' times):
$FANOUT
<details><summary>Every run</summary>

| Round | Load | Requests/s | p50 | p99 | wrk errors |
| --- | --- | ---: | ---: | ---: | ---: |
$RUNS
</details>
EOF
