#!/bin/sh
# export: folio export writes what the fronts serve. Every page file holds the identity body
# a front sends and its .gz the gzip body; private pages are left out; a non-empty folder
# is refused unless --force; a missing store is explained.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. tests/integ/lib.sh

API=$(free_port)
F=$(free_port)
DATA=$T/data
OUT=$T/site

check "ingestd starts" start_ingestd "$DATA" "$API"
check "front starts" start_frontd "$DATA" "$F"
check "the example vault is pushed" quiet "$FOLIO_BIN/folio" push examples/vault --data "$DATA" \
	--server "http://127.0.0.1:$API"

out=$("$FOLIO_BIN/folio" export "$OUT" --data "$DATA" 2>&1)
check_contains "export reports what it wrote" "$out" "exported "
check "the home page is index.html" [ -s "$OUT/index.html" ]
check "the 404 page is there" [ -s "$OUT/_folio/404.html" ]

# Every note the front lists must match byte for byte, identity and gzip.
bad=0
n=0
for url in $("$FOLIO_BIN/pagedump" --data "$DATA" 2>/dev/null |
	awk -F'\t' '$2 == 200 && $3 ~ /note/ && $3 !~ /private/ { print $1 }'); do
	n=$((n + 1))
	file=$OUT${url%/}.html
	[ "$url" = / ] && file=$OUT/index.html
	cmp -s "$file" <(curl -s "http://127.0.0.1:$F$url") || { bad=$((bad + 1)); echo "     differs: $url"; }
	cmp -s <(gzip -dc "$file.gz") "$file" || { bad=$((bad + 1)); echo "     bad gzip: $url"; }
done
check "notes were compared" [ "$n" -gt 5 ]
check_eq "every exported note matches the front" "$bad" "0"
check_lacks "private notes are left out" "$(find "$OUT" -type f)" "operator-notes"

out=$("$FOLIO_BIN/folio" export "$OUT" --data "$DATA" 2>&1)
check_eq "a non-empty folder is refused" "$?" "1"
check_contains "and the refusal says why" "$out" "not empty"
check "--force writes into it" quiet "$FOLIO_BIN/folio" export "$OUT" --data "$DATA" --force
out=$("$FOLIO_BIN/folio" export "$T/none" --data "$T/nothing-here" 2>&1)
check_eq "a missing store fails" "$?" "1"
check_contains "and says so" "$out" "nothing published there yet"
out=$("$FOLIO_BIN/folio" export 2>&1)
check_eq "no folder is a usage error" "$?" "2"
finish
