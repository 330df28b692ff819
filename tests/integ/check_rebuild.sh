#!/bin/sh
# check_rebuild: `folio check` and `folio rebuild`. A fresh push checks clean. Then the page
# store is damaged behind ingestd's back with lmdb-utils (an old version of a note put back,
# a record no note claims, garbage in a note's record) and the check names each page and
# exits 1. A rebuild while a reader loop fetches pages from a front fails no request, and
# the check is clean again. Also: the endpoints' methods, key and body rules.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. tests/integ/lib.sh

NOTES=${CHECK_NOTES:-400}
API=$(free_port)
F1=$(free_port)
DATA=$T/data
V=$T/vault
SERVER=http://127.0.0.1:$API

push() {
	"$FOLIO_BIN/folio" push "$V" --data "$DATA" --server "$SERVER" "$@" 2>&1
}

folio_admin() {
	"$FOLIO_BIN/folio" "$@" --data "$DATA" --server "$SERVER" 2>&1
}

# --- editing LMDB with lmdb-utils, as damage would -----------------------------------------

hexof() {
	printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n'
}

# record_hex URL: the stored record of URL, in mdb_dump's hex form.
record_hex() {
	mdb_dump -s pages "$DATA/pages" 2>/dev/null |
		awk -v k=" $(hexof "$1")" 'found { print substr($0, 2); exit } $0 == k { found = 1 }'
}

# put_record URL HEX: stores HEX as URL's record (mdb_load overwrites), ingestd running.
put_record() {
	{
		mdb_dump -s pages "$DATA/pages" 2>/dev/null | sed -e '/^db_pagesize=/d' -e '/^HEADER=END$/q'
		echo " $(hexof "$1")"
		echo " $2"
		echo "DATA=END"
	} | mdb_load -s pages "$DATA/pages"
}

if ! command -v mdb_dump >/dev/null || ! command -v mdb_load >/dev/null; then
	echo "note: lmdb-utils (mdb_dump, mdb_load) missing: run tools/deps.sh; nothing tested"
	FAIL=1
	finish
	exit 1
fi

# --- a clean site ---------------------------------------------------------------------------

check "genvault writes $NOTES notes" quiet "$FOLIO_BIN/genvault" --out "$V" --notes "$NOTES" \
	--shape realistic
printf '# Stale\n\nFirst version of this note.\n' >"$V/Stale note.md"
printf '# Broken\n\nThis record will be overwritten with garbage.\n' >"$V/Broken note.md"
check "ingestd starts" start_ingestd "$DATA" "$API"
check "front starts" start_frontd "$DATA" "$F1" frontd1
out=$(push -v)
check_contains "first push publishes" "$out" "published: "
# Pages to read during the rebuild: 40 note URLs spread over the vault.
printf '%s\n' "$out" | sed -n 's/^  .*\.md -> \(\/.*\)$/\1/p' | grep -v -e '^/broken-note$' |
	awk 'NR % 10 == 1' | head -n 40 >"$T/urls"
check "sampled pages to read ($(wc -l <"$T/urls"))" test "$(wc -l <"$T/urls")" -ge 20

out=$(folio_admin check)
check_eq "check of a fresh push exits 0" "$?" 0
check_contains "check says ok" "$out" "ok: "
json=$(folio_admin check --json)
check_contains "check --json says ok" "$json" '"ok":true'
check_contains "check --json counts the records" "$json" '"problems":0'

# --- damage -----------------------------------------------------------------------------------

old=$(record_hex /stale-note)
check "the stale note's record can be read" test -n "$old"
printf '# Stale\n\nSecond version, with marker check-rebuild-v2.\n' >"$V/Stale note.md"
out=$(push)
check_contains "second push publishes the edit" "$out" "1 changed"
check_contains "front shows the edit" "$(curl -s "http://127.0.0.1:$F1/stale-note")" \
	"check-rebuild-v2"
check "an old record is put back" put_record /stale-note "$old"
check "a record no note claims is added" put_record /ghost "$(record_hex /)"
check "garbage replaces a note's record" put_record /broken-note "deadbeef"
check_lacks "front serves the stale record" "$(curl -s "http://127.0.0.1:$F1/stale-note")" \
	"check-rebuild-v2"
check_eq "front serves the ghost record" "$(http_code "http://127.0.0.1:$F1/ghost")" 200
check_eq "front answers 500 for the garbage" "$(http_code "http://127.0.0.1:$F1/broken-note")" 500

out=$(folio_admin check)
check_eq "check of a damaged store exits 1" "$?" 1
check_contains "check names the stale page" "$out" "/stale-note: stale: "
check_contains "check names the extra record" "$out" "/ghost: extra: "
check_contains "check names the corrupt record" "$out" "/broken-note: corrupt: "
check_contains "check sums up" "$out" "check: 3 problems"
check_contains "check says how to repair" "$out" "folio rebuild"
json=$(folio_admin check --json)
check_eq "check --json exits 1 too" "$?" 1
check_contains "check --json says not ok" "$json" '"ok":false'
check_contains "check --json counts the stale page" "$json" '"stale":1'

# --- rebuild under load -----------------------------------------------------------------------

# reader: fetches every sampled URL, over and over, until $T/stop exists (at most 60 s);
# one status code per line in $T/codes.
reader() {
	local args=() url end=$((SECONDS + 60))
	while read -r url; do
		args+=(-o /dev/null "http://127.0.0.1:$F1$url")
	done <"$T/urls"
	while [ ! -e "$T/stop" ] && [ "$SECONDS" -lt "$end" ]; do
		curl -s --max-time 10 -w '%{http_code}\n' "${args[@]}"
	done >"$T/codes" 2>/dev/null
}

gen_before=$(generation "$DATA" "$API")
reader &
READER=$!
track "$READER"
for i in $(seq 100); do
	[ -s "$T/codes" ] && break
	sleep 0.1
done
before=$(wc -l <"$T/codes")
out=$(folio_admin rebuild)
rc=$?
after=$(wc -l <"$T/codes")
sleep 0.3
touch "$T/stop"
wait "$READER" 2>/dev/null
check_eq "rebuild exits 0" "$rc" 0
check_contains "rebuild reports pages and generation" "$out" "rebuilt "
check_contains "rebuild reports the new generation" "$out" "as generation $((gen_before + 1))"
check "requests were served during the rebuild ($before before, $after after)" \
	test "$after" -gt "$before"
total=$(wc -l <"$T/codes")
bad=$(grep -vc '^200$' "$T/codes")
check_eq "no request failed around the rebuild ($total requests)" "$bad" 0
check "the reader made requests" test "$total" -ge 40

check_eq "generation went up by one" "$(generation "$DATA" "$API")" "$((gen_before + 1))"
out=$(folio_admin check)
check_eq "check after the rebuild exits 0" "$?" 0
check_contains "check after the rebuild says ok" "$out" "ok: "
check_contains "front shows the current note again" \
	"$(curl -s "http://127.0.0.1:$F1/stale-note")" "check-rebuild-v2"
check_eq "the ghost is gone" "$(http_code "http://127.0.0.1:$F1/ghost")" 404
check_eq "the broken note is served again" "$(http_code "http://127.0.0.1:$F1/broken-note")" 200
check_contains "ingestd logged the rebuild" "$(cat "$T/ingestd.log")" "rebuild.done"

# --- the endpoints ----------------------------------------------------------------------------

KEY=$(cat "$DATA/api.key")
check_eq "check without a key is 401" "$(http_code "$SERVER/api/v1/check")" 401
check_eq "rebuild without a key is 401" "$(http_code "$SERVER/api/v1/rebuild" -X POST)" 401
check_eq "check by POST is 405" \
	"$(http_code "$SERVER/api/v1/check" -X POST -H "Authorization: Bearer $KEY")" 405
check_eq "rebuild by GET is 405" \
	"$(http_code "$SERVER/api/v1/rebuild" -H "Authorization: Bearer $KEY")" 405
check_eq "rebuild with a body is 400" "$(http_code "$SERVER/api/v1/rebuild" -X POST \
	-H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' --data '{}')" 400
check_eq "a refused rebuild changed nothing" "$(generation "$DATA" "$API")" "$((gen_before + 1))"
out=$("$FOLIO_BIN/folio" check --server "$SERVER" --key wrong 2>&1)
check_eq "folio check with a wrong key exits 1" "$?" 1
check_contains "folio check explains the key" "$out" "refused the API key"
"$FOLIO_BIN/folio" check --bogus >/dev/null 2>&1
check_eq "folio check with a bad option exits 2" "$?" 2
check_contains "folio help check explains it" "$("$FOLIO_BIN/folio" help check)" \
	"usage: folio check"
check_contains "folio rebuild --help explains it" "$("$FOLIO_BIN/folio" rebuild --help)" \
	"usage: folio rebuild"
check_contains "folio help lists both" "$("$FOLIO_BIN/folio" help)" "rebuild"

finish
