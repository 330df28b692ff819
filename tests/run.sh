#!/bin/sh
# Runs folio's tests: each unit-test binary given as an argument, then every
# tests/integ/*.sh (unless FOLIO_SKIP_INTEG is set). Each prints its own lines and a
# "N passed, N failed" summary; this script adds them up and ends with the totals.
# Environment: FOLIO_BIN (folder of folio, ingestd, frontd), FOLIO_BUILD (build folder).
set -u

total_pass=0
total_fail=0
failed_suites=""

run_suite() {
	name=$1
	shift
	echo "== $name"
	out=$("$@" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -n 1)
	if [ -n "$line" ]; then
		p=$(echo "$line" | sed -E 's/^([0-9]+) passed.*/\1/')
		f=$(echo "$line" | sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/')
	else
		p=0
		f=1
		echo "   (no summary line: counted as one failure)"
	fi
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "   (exit status $rc: counted as one failure)"
	fi
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	[ "$f" -eq 0 ] || failed_suites="$failed_suites $name"
}

for t in "$@"; do
	run_suite "$(basename "$t")" "$t"
done

# Corpus replay: every saved fuzz input runs once through its target under the sanitizers.
for r in ${FOLIO_REPLAY:-}; do
	name=${r##*/replay_}
	run_suite "replay_$name" "$r" tests/fuzz/corpus/"$name"
done

if [ -z "${FOLIO_SKIP_INTEG:-}" ]; then
	for t in tests/integ/*.sh; do
		[ -f "$t" ] || continue
		[ "${t##*/}" = lib.sh ] && continue
		run_suite "$(basename "$t" .sh)" sh "$t"
	done
fi

[ -z "$failed_suites" ] || echo "failed suites:$failed_suites"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
