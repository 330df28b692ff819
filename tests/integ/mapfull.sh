#!/bin/sh
# mapfull: a push that does not fit the LMDB map succeeds after ingestd grows the map, and
# fronts that were running all along (mapping the small map) serve the new pages without a
# restart; a second, larger push grows it again and they follow again. ingestd starts with
# the smallest map_size (1M).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. tests/integ/lib.sh

API=$(free_port)
P1=$(free_port)
P2=$(free_port)
[ "$P1" != "$P2" ] || P2=$(free_port)
DATA=$T/data
V=$T/vault

map_size() {
	mdb_stat -e "$DATA/pages" 2>/dev/null | sed -n 's/.*Map size: *\([0-9]*\).*/\1/p'
}

push() {
	"$FOLIO_BIN/folio" push "$V" --data "$DATA" --server "http://127.0.0.1:$API" 2>&1
}

# served PORT MARKER: note pages of the store (every 10th, besides the home page, which
# genvault writes without the marker) answer 200 on PORT and show MARKER; prints how many
# pages it checked, or what failed.
served() {
	local port=$1 marker=$2 url n=0 body
	for url in $("$FOLIO_BIN/pagedump" --data "$DATA" 2>/dev/null |
		awk -F '\t' '$1 != "/" && $2 == 200 && $3 ~ /note/ && n++ % 10 == 0 { print $1 }'); do
		body=$(curl -s -f --max-time 5 "http://127.0.0.1:$port$url") || {
			echo "no page at $url"
			return 1
		}
		case $body in
		*"$marker"*) ;;
		*)
			echo "old page at $url"
			return 1
			;;
		esac
		n=$((n + 1))
	done
	echo "$n"
	[ "$n" -gt 0 ]
}

# KaTeX off: its fonts alone would outgrow a 1 MiB map before the first push.
"$FOLIO_BIN/ingestd" --data "$DATA" --api "127.0.0.1:$API" --set map_size=1M \
	--set katex_dir= >>"$T/ingestd.log" 2>&1 &
INGEST_PID=$!
track "$INGEST_PID"
check "ingestd starts with a 1 MiB map" wait_http "http://127.0.0.1:$API/api/v1/status" 30
check_eq "the map is 1 MiB" "$(map_size)" 1048576
check "front 1 starts" start_frontd "$DATA" "$P1" frontd1
F1=$FRONT_PID
check "front 2 starts" start_frontd "$DATA" "$P2" frontd2
F2=$FRONT_PID

# About 2.5 MB of markdown, more again once rendered and gzipped: it cannot fit in 1 MiB.
check "genvault writes 300 notes" quiet "$FOLIO_BIN/genvault" --out "$V" --notes 300 \
	--shape realistic --marker mark-one
out=$(push)
check_contains "the push that overflows the map succeeds" "$out" "published:"
check_contains "ingestd grew the map" "$(cat "$T/ingestd.log")" "store.grow"
size1=$(map_size)
check "the map is larger now ($size1 bytes)" test "${size1:-0}" -gt 1048576
got=$(served "$P1" mark-one)
check "front 1, never restarted, serves the new pages ($got sampled)" test "${got:-0}" -gt 0 2>/dev/null
got=$(served "$P2" mark-one)
check "front 2, never restarted, serves the new pages ($got sampled)" test "${got:-0}" -gt 0 2>/dev/null

# Grow again: twice the notes, with a new marker.
rm -rf "$V"
"$FOLIO_BIN/genvault" --out "$V" --notes 600 --shape realistic --marker mark-two >/dev/null 2>&1
out=$(push)
check_contains "a second, larger push succeeds" "$out" "published:"
size2=$(map_size)
check "the map grew again ($size1 -> $size2 bytes)" test "${size2:-0}" -gt "${size1:-0}"
got=$(served "$P1" mark-two)
check "front 1 follows the second growth ($got sampled)" test "${got:-0}" -gt 0 2>/dev/null
got=$(served "$P2" mark-two)
check "front 2 follows the second growth ($got sampled)" test "${got:-0}" -gt 0 2>/dev/null
check "front 1 is the same process" running "$F1"
check "front 2 is the same process" running "$F2"
check_lacks "no front logged an error" "$(cat "$T"/frontd*.log)" " err "

finish
