#!/bin/sh
# crash: kill -9 ingestd while a large push is in flight. The fronts keep serving every
# page, and a sample of pages pushed together all show the same version (all old or all
# new, never a mix). A restarted ingestd takes the next push and the running fronts see it.
# Then fronts come and go: one is killed, the other serves; a new one serves at once.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. tests/integ/lib.sh

NOTES=${CRASH_NOTES:-2000}
API=$(free_port)
F1=$(free_port)
F2=$(free_port)
[ "$F1" != "$F2" ] || F2=$(free_port)
DATA=$T/data
V=$T/vault

now_ms() {
	date +%s%3N
}

push() {
	"$FOLIO_BIN/folio" push "$V" --data "$DATA" --server "http://127.0.0.1:$API" "$@" 2>&1
}

# markers PORT: for each sampled URL, which version marker the page shows ("-" if none or
# not 200), one per line.
markers() {
	local port=$1 url body
	for url in $SAMPLE; do
		body=$(curl -s -f --max-time 5 "http://127.0.0.1:$port$url") || { echo "-"; continue; }
		printf '%s' "$body" | grep -o 'Version marker: v[0-9]*' | head -n 1 | sed 's/.*: //' |
			grep . || echo "-"
	done
}

# consistent PORT: prints the one marker every sampled page on PORT shows ("v3 "); fails if
# any page is missing or the pages show different versions.
consistent() {
	local port=$1 got
	got=$(markers "$port" | sort -u | tr '\n' ' ')
	case $got in
	"v"[0-9]*" ") echo "$got" ;;
	*)
		echo "mixed or missing: $got" >&2
		return 1
		;;
	esac
}

one_version() {
	consistent "$1" >/dev/null
}

check "genvault writes $NOTES notes" quiet "$FOLIO_BIN/genvault" --out "$V" --notes "$NOTES" \
	--shape small --marker v1
check "ingestd starts" start_ingestd "$DATA" "$API"
check "front 1 starts" start_frontd "$DATA" "$F1" frontd1
check "front 2 starts" start_frontd "$DATA" "$F2" frontd2

t0=$(now_ms)
out=$(push -v)
t1=$(now_ms)
check_contains "first push (v1) publishes" "$out" "published: "
push_ms=$((t1 - t0))

# Sample 40 note URLs spread over the vault, from the verbose push listing.
SAMPLE=$(printf '%s\n' "$out" | sed -n 's/^  .*\.md -> \(\/.*\)$/\1/p' |
	awk -v n="$NOTES" 'NR % int(n / 40 + 1) == 1')
nsample=$(printf '%s\n' "$SAMPLE" | grep -c .)
check "sampled pages to watch ($nsample)" test "$nsample" -ge 20
check_eq "front 1 shows v1 everywhere" "$(consistent "$F1")" "v1 "

# Kill ingestd in the middle of pushes of new versions. The first try waits half as long as
# the first push took; if the push had already finished, later tries kill sooner.
delay=$((push_ms / 2))
ver=1
crashed=0
for attempt in 1 2 3 4; do
	ver=$((ver + 1))
	"$FOLIO_BIN/genvault" --out "$V" --notes "$NOTES" --shape small --marker "v$ver" >/dev/null 2>&1
	push >"$T/push$ver.out" &
	push_pid=$!
	track "$push_pid"
	sleep "$(awk -v ms="$delay" 'BEGIN { printf "%.3f", ms / 1000 }')"
	stop_pid "$INGEST_PID" KILL
	wait "$push_pid"
	push_rc=$?
	for port in "$F1" "$F2"; do
		check "[try $attempt, $port] every page still served, one version" one_version "$port"
	done
	check "[try $attempt] ingestd restarts" start_ingestd "$DATA" "$API"
	if [ "$push_rc" -ne 0 ]; then
		crashed=1
		break
	fi
	delay=$((delay / 3))
done
check "a kill landed while a push was in flight" test "$crashed" = 1

# After the restart, the fronts (never restarted) converge on the vault's last version.
out=$(push)
check "push after restart succeeds" sh -c 'printf "%s" "$1" | grep -qE "published: |up to date"' _ "$out"
for port in "$F1" "$F2"; do
	check_eq "[$port] fronts see v$ver without a restart" "$(consistent "$port")" "v$ver "
done

# Fronts come and go.
stop_pid "$FRONT_PID" KILL # front 2
check_eq "front 1 serves with front 2 dead" "$(consistent "$F1")" "v$ver "
check "a new front starts on the dead front's port" start_frontd "$DATA" "$F2" frontd3
check_eq "the new front serves at once" "$(consistent "$F2")" "v$ver "

finish
