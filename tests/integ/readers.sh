#!/bin/sh
# readers: LMDB reader slots left by fronts killed with -9 are reclaimed. A front killed
# while it holds its read transaction leaves a slot that pins an old snapshot (the map
# would grow with every push); ingestd clears such slots every few seconds without any
# front restarting (fronts also clear them when they start). Slots must not accumulate
# over repeated kills, and pushes after a reclaim must reuse the map instead of growing it.
# Uses mdb_stat (lmdb-utils) to read the reader table and the map's use.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. tests/integ/lib.sh

API=$(free_port)
P1=$(free_port)
P2=$(free_port)
[ "$P1" != "$P2" ] || P2=$(free_port)
DATA=$T/data
V=$T/vault
KILLS=${READERS_KILLS:-4}

if ! command -v mdb_stat >/dev/null 2>&1; then
	check "mdb_stat is installed (lmdb-utils, make deps)" false
	finish
	exit 1
fi

# slots_of PID: the reader-table rows of PID ("pid thread txnid"; txnid "-" when idle).
slots_of() {
	mdb_stat -r "$DATA/pages" 2>/dev/null | awk -v p="$1" '$1 == p'
}

# dead_slots: rows whose process no longer exists.
dead_slots() {
	local pid
	mdb_stat -r "$DATA/pages" 2>/dev/null | awk '$1 ~ /^[0-9]+$/ { print $1 }' |
		while read -r pid; do
			kill -0 "$pid" 2>/dev/null || echo "$pid"
		done
}

pages_used() {
	mdb_stat -e "$DATA/pages" 2>/dev/null | sed -n 's/.*Number of pages used: *\([0-9]*\).*/\1/p'
}

# catch PID: stops PID at a moment it holds a read txn (its slot shows a txnid), within
# 50 tries; the process stays stopped. Fails if it never does.
catch() {
	local pid=$1 i
	for i in $(seq 50); do
		kill -STOP "$pid"
		sleep 0.01
		slots_of "$pid" | awk '$3 != "-"' | grep -q . && return 0
		kill -CONT "$pid"
		sleep 0.02
	done
	return 1
}

push() {
	"$FOLIO_BIN/folio" push "$V" --data "$DATA" --server "http://127.0.0.1:$API" --quiet
}

check "genvault writes the vault" quiet "$FOLIO_BIN/genvault" --out "$V" --notes 60 \
	--shape small
printf '# Home\n\nReaders come and go.\n' >"$V/index.md"
check "ingestd starts" start_ingestd "$DATA" "$API"
check "first push" quiet push
# A front that stays up the whole time: the environment is never closed by everyone, so
# the reader table is never reset by a fresh open and only reclaiming clears it.
check "a long-lived front starts" start_frontd "$DATA" "$P1" frontd-keeper

caught=0
for k in $(seq "$KILLS"); do
	"$FOLIO_BIN/frontd" --data "$DATA" --listen "127.0.0.1:$P2" >>"$T/frontd-victim.log" 2>&1 &
	VICTIM=$!
	track "$VICTIM"
	wait_http "http://127.0.0.1:$P2/" 20 || break
	# Keep it busy so that it is usually inside a loop iteration, holding its txn.
	wrk -t1 -c4 -d3s "http://127.0.0.1:$P2/" >/dev/null 2>&1 &
	LOAD=$!
	sleep 0.2
	catch "$VICTIM" && caught=$((caught + 1))
	kill -KILL "$VICTIM"
	wait "$VICTIM" 2>/dev/null
	kill "$LOAD" 2>/dev/null
	wait "$LOAD" 2>/dev/null
done
check "a front was killed holding its read txn (${caught} of $KILLS)" test "$caught" -gt 0
# The last one's slot outlives it (unless ingestd's check happened to run just now).
left=$(dead_slots)
[ -n "$left" ] || grep -q 'store.readers reclaimed=' "$T/ingestd.log"
check "a killed front's slot stays behind until it is reclaimed" test $? = 0

# No front starts now: ingestd alone must clear the slots (every 5 s).
for i in $(seq 80); do
	[ -z "$(dead_slots)" ] && break
	sleep 0.1
done
check_eq "ingestd reclaims every dead slot within 8 s" "$(dead_slots | tr '\n' ' ')" ""
check_contains "ingestd logs the reclaim" "$(cat "$T/ingestd.log")" "store.readers reclaimed="

# With no stale snapshot pinned, later pushes reuse freed pages: 20 pushes that rewrite a
# tenth of the vault each leave the map about where it was, where a pinned snapshot would
# make every push allocate afresh.
before=$(pages_used)
for n in $(seq 20); do
	for f in "$V"/notes/*" "[0-5].md; do
		printf '\nEdit %s.\n' "$n" >>"$f"
	done
	push || break
done
after=$(pages_used)
echo "# pages used: $before before 20 pushes, $after after"
check "the map does not grow with every push ($before -> $after pages)" \
	test "$after" -le $((before + 64))

check_eq "the keeper front still serves" "$(http_code "http://127.0.0.1:$P1/")" 200

finish
