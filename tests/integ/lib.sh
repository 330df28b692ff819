# lib.sh: helpers for folio's integration tests, sourced by tests/integ/*.sh (bash).
#
# Every test runs from the repo root, finds the binaries in $FOLIO_BIN (default bin), works
# in its own temp dir ($T), listens only on 127.0.0.1 on free ports, and stops exactly the
# processes it started (their PIDs are recorded as they start; the EXIT trap stops them).
# Each check prints "ok   name" or "FAIL name"; finish prints "N passed, N failed".
# Every wait is bounded in tries and time.

# tests/run.sh runs every tests/integ/*.sh; run on its own, this file has nothing to test.
case ${0##*/} in
lib.sh)
	echo "0 passed, 0 failed"
	exit 0
	;;
esac

FOLIO_BIN=${FOLIO_BIN:-bin}
PASS=0
FAIL=0
STARTED_PIDS=""
T=$(mktemp -d "${TMPDIR:-/tmp}/folio-integ.XXXXXX") || exit 1
export FOLIO_API_KEY= # a key in the caller's environment must not leak into the tests

# --- checks ------------------------------------------------------------------------------

# check NAME CMD...: passes when CMD succeeds.
check() {
	local name=$1
	shift
	if "$@"; then
		PASS=$((PASS + 1))
		echo "ok   $name"
	else
		FAIL=$((FAIL + 1))
		echo "FAIL $name"
	fi
}

# quiet CMD...: runs CMD with its output thrown away (for checks on exit status alone).
quiet() {
	"$@" >/dev/null 2>&1
}

# check_eq NAME GOT WANT
check_eq() {
	if [ "$2" = "$3" ]; then
		PASS=$((PASS + 1))
		echo "ok   $1"
	else
		FAIL=$((FAIL + 1))
		echo "FAIL $1"
		echo "     got:  $(printf '%s' "$2" | head -c 400)"
		echo "     want: $(printf '%s' "$3" | head -c 400)"
	fi
}

# check_contains NAME HAYSTACK NEEDLE (fixed string)
check_contains() {
	if printf '%s' "$2" | grep -qF -- "$3"; then
		PASS=$((PASS + 1))
		echo "ok   $1"
	else
		FAIL=$((FAIL + 1))
		echo "FAIL $1"
		echo "     wanted: $3"
		echo "     in:     $(printf '%s' "$2" | head -c 600)"
	fi
}

# check_lacks NAME HAYSTACK NEEDLE (fixed string)
check_lacks() {
	if printf '%s' "$2" | grep -qF -- "$3"; then
		FAIL=$((FAIL + 1))
		echo "FAIL $1"
		echo "     did not want: $3"
	else
		PASS=$((PASS + 1))
		echo "ok   $1"
	fi
}

# Prints the summary line and returns non-zero if anything failed. On failure the daemon
# logs' tails are shown, since they usually say why.
finish() {
	if [ "$FAIL" -ne 0 ]; then
		for f in "$T"/*.log; do
			[ -f "$f" ] || continue
			echo "--- tail of $(basename "$f")"
			tail -n 15 "$f"
		done
	fi
	echo "$PASS passed, $FAIL failed"
	[ "$FAIL" -eq 0 ]
}

# --- processes -----------------------------------------------------------------------------

# Records a PID this test started, so cleanup can stop it.
track() {
	STARTED_PIDS="$STARTED_PIDS $1"
}

# running PID: true while the process exists and has not exited (a zombie has exited).
running() {
	local st
	st=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
	case $st in
	Z* | "") return 1 ;;
	esac
	return 0
}

# stop_pid PID [SIGNAL]: signals one process we started, waits up to 5 s for it to exit,
# then SIGKILLs it, and reaps it. (stderr is silenced for the whole function: bash reports
# a job killed by a signal while the function runs.)
stop_pid() {
	local pid=$1 sig=${2:-TERM} i
	if running "$pid"; then
		kill "-$sig" "$pid"
		for i in $(seq 50); do
			running "$pid" || break
			sleep 0.1
		done
		running "$pid" && kill -KILL "$pid"
	fi
	wait "$pid"
	return 0
} 2>/dev/null

cleanup() {
	local pid
	for pid in $STARTED_PIDS; do
		stop_pid "$pid"
	done
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- ports and readiness -----------------------------------------------------------------

port_in_use() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Prints a TCP port on 127.0.0.1 that nothing listens on right now.
free_port() {
	local p i
	if command -v python3 >/dev/null 2>&1; then
		p=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()' 2>/dev/null)
		if [ -n "$p" ] && ! port_in_use "$p"; then
			echo "$p"
			return 0
		fi
	fi
	for i in $(seq 50); do
		p=$((20000 + RANDOM % 40000))
		if ! port_in_use "$p"; then
			echo "$p"
			return 0
		fi
	done
	echo "no free port found" >&2
	return 1
}

# http_code URL [curl args...]: prints the status code (000 when nothing answered).
http_code() {
	local url=$1
	shift
	curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@" "$url" 2>/dev/null
}

# wait_http URL [SECONDS]: waits until anything answers HTTP at URL (any status).
wait_http() {
	local url=$1 secs=${2:-20} i
	for i in $(seq $((secs * 10))); do
		[ "$(http_code "$url")" != "000" ] && return 0
		sleep 0.1
	done
	echo "nothing answered at $url within ${secs}s" >&2
	return 1
}

# --- daemons -------------------------------------------------------------------------------

# start_ingestd DATA PORT [NAME]: starts ingestd in the background; sets INGEST_PID.
start_ingestd() {
	local data=$1 port=$2 name=${3:-ingestd}
	"$FOLIO_BIN/ingestd" --data "$data" --api "127.0.0.1:$port" >>"$T/$name.log" 2>&1 &
	INGEST_PID=$!
	track "$INGEST_PID"
	wait_http "http://127.0.0.1:$port/api/v1/status" 30
}

# start_frontd DATA PORT NAME: starts a front in the background; sets FRONT_PID.
# It waits for this front's own start line: with SO_REUSEPORT another front on the port may
# answer the HTTP probe before this one has even bound it.
start_frontd() {
	local data=$1 port=$2 name=${3:-frontd} i
	"$FOLIO_BIN/frontd" --data "$data" --listen "127.0.0.1:$port" >>"$T/$name.log" 2>&1 &
	FRONT_PID=$!
	track "$FRONT_PID"
	for i in $(seq 300); do
		grep -q "frontd.start .*pid=$FRONT_PID " "$T/$name.log" 2>/dev/null && break
		kill -0 "$FRONT_PID" 2>/dev/null || break
		sleep 0.1
	done
	wait_http "http://127.0.0.1:$port/" 30
}

# api_get DATA PORT PATH: GET on the push API with the key from DATA/api.key.
api_get() {
	curl -s --max-time 10 -H "Authorization: Bearer $(cat "$1/api.key")" \
		"http://127.0.0.1:$2$3"
}

# generation DATA PORT: the generation ingestd reports.
generation() {
	api_get "$1" "$2" /api/v1/status | sed -n 's/.*"generation"[ ]*:[ ]*\([0-9]*\).*/\1/p'
}

# raw_request PORT DATA: sends DATA (printf format) on a fresh connection and prints what
# comes back until the server closes it (at most 5 s).
raw_request() {
	local port=$1 data=$2
	(
		exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
		printf "$data" >&3
		timeout 5 cat <&3
	) 2>/dev/null
}
