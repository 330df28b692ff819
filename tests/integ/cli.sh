#!/bin/sh
# cli: every binary's --help, usage errors, config errors naming the key, and the sample
# config deploy/folio.conf listing exactly the keys `ingestd --dump-config` prints.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. tests/integ/lib.sh

for prog in folio ingestd frontd; do
	check "$prog --help exits 0" quiet timeout 10 "$FOLIO_BIN/$prog" --help
	check_contains "$prog --help prints usage" "$(timeout 10 "$FOLIO_BIN/$prog" --help 2>&1)" "usage"
done
check "folio help push exits 0" quiet "$FOLIO_BIN/folio" help push
check "folio help serve exits 0" quiet "$FOLIO_BIN/folio" help serve
check_contains "folio version" "$("$FOLIO_BIN/folio" version)" "folio "

"$FOLIO_BIN/folio" no-such-command >/dev/null 2>&1
check_eq "unknown command exits 2" "$?" 2
"$FOLIO_BIN/folio" push >/dev/null 2>&1
check_eq "push without a vault exits 2" "$?" 2
"$FOLIO_BIN/folio" push a b >/dev/null 2>&1
check_eq "push with two vaults exits 2" "$?" 2
timeout 10 "$FOLIO_BIN/folio" serve --fronts 0 >/dev/null 2>&1
check_eq "serve --fronts 0 exits 2" "$?" 2
out=$("$FOLIO_BIN/folio" push examples/vault --data "$T/nowhere" 2>&1)
check_eq "push without a key exits 1" "$?" 1
check_contains "push without a key says where it looked" "$out" "$T/nowhere/api.key"

# An unknown key in a config file: exit 2 and name the key. (timeout: a daemon that wrongly
# accepted the file would otherwise keep running.)
printf 'listen = "127.0.0.1:1"\nno_such_setting = 3\n' >"$T/bad.conf"
for prog in ingestd frontd; do
	out=$(timeout 10 "$FOLIO_BIN/$prog" -c "$T/bad.conf" --data "$T/data" 2>&1)
	check_eq "$prog: unknown config key exits 2" "$?" 2
	check_contains "$prog: the error names the key" "$out" "no_such_setting"
done
out=$(timeout 10 "$FOLIO_BIN/folio" serve -c "$T/bad.conf" --data "$T/data" 2>&1)
check_eq "folio serve: unknown config key exits 2" "$?" 2
check_contains "folio serve: the error names the key" "$out" "no_such_setting"
printf 'gzip_level = 42\n' >"$T/range.conf"
out=$(timeout 10 "$FOLIO_BIN/ingestd" -c "$T/range.conf" --data "$T/data" 2>&1)
check_eq "out-of-range value exits 2" "$?" 2
check_contains "out-of-range error names the key" "$out" "gzip_level"

# deploy/folio.conf documents exactly the keys the code knows, and loads cleanly.
keys() {
	sed -n 's/^\([a-z_][a-z0-9_]*\)[ \t]*=.*/\1/p' | sort
}
dumped=$(timeout 10 "$FOLIO_BIN/ingestd" --dump-config | keys)
check "ingestd --dump-config prints keys" test -n "$dumped"
check_eq "deploy/folio.conf has exactly the dumped keys" "$(keys <deploy/folio.conf | tr '\n' ' ')" \
	"$(printf '%s\n' "$dumped" | tr '\n' ' ')"
check "deploy/folio.conf loads" quiet timeout 10 "$FOLIO_BIN/ingestd" -c deploy/folio.conf --dump-config
undocumented=$(awk '/^[a-z_]+[ \t]*=/ { if (prev !~ /^#/) print $1 } { prev = $0 }' deploy/folio.conf)
check_eq "every key in deploy/folio.conf has a comment above it" "$undocumented" ""

finish
