# bench_smoke.sh: the benchmark in its quick mode (BENCH_QUICK=1, a few hundred notes and
# one-second runs) end to end. It asserts only that every part ran and produced numbers,
# never a timing: timings belong to make bench. Parts whose tools are not installed (wrk,
# nginx, hugo: make test does not install them) are checked only when they are there.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. tests/integ/lib.sh

FOLIO_BUILD=${FOLIO_BUILD:-build/release}
tools=$FOLIO_BUILD/bench
if [ ! -x "$tools/refserver" ] || [ ! -x "$tools/pushload" ] || [ ! -f "$tools/malloc_count.so" ]; then
	make --no-print-directory MODE="$(basename "$FOLIO_BUILD")" B="$FOLIO_BUILD" \
		BIN="$FOLIO_BIN" bench-tools >"$T/make.log" 2>&1 || {
		cat "$T/make.log"
		check "bench tools build" false
		finish
		exit 1
	}
fi

BENCH_QUICK=1 FOLIO_BIN=$FOLIO_BIN BENCH_TOOLS=$tools BENCH_OUT=$T/BENCH.md BENCH_TSV=$T/bench.tsv \
	bash tools/bench/run.sh >"$T/bench.log" 2>&1
rc=$?
check "the quick bench exits 0" [ "$rc" -eq 0 ]
check "it writes a report" [ -s "$T/BENCH.md" ]
report=$(cat "$T/BENCH.md" 2>/dev/null)
for h in "## Machine" "## 2. Pushes" "## 3. Memory and allocations" "## 4. Cold render" "## Targets"; do
	check_contains "report has $h" "$report" "$h"
done

# value KEY: the figure the run recorded under KEY ("" if none).
value() {
	awk -F'\t' -v k="$1" '$1 == k { v = $2 } END { print v }' "$T/bench.tsv" 2>/dev/null
}
# A number: digits with an optional fraction, and not NA.
number() {
	printf '%s' "$2" | grep -Eq '^[0-9]+(\.[0-9]+)?$' && return 0
	echo "     $1 = '$2'"
	return 1
}
for k in push_200_init_ms push_200_init_server_ms push_200_edit_p50_ms push_200_edit_p95_ms \
	push_200_ten_ms render_folio_push_ms render_folio_rebuild_ms mem_frontd_anon_kb \
	mem_ingestd_rss_kb export_ms; do
	check "figure $k" number "$k" "$(value "$k")"
done
if command -v wrk >/dev/null 2>&1; then
	for k in read_frontd_gzip_rps read_frontd_gzip_cpu read_frontd_identity_rps \
		read_reference_gzip_cpu sust_100_rate sust_100_idle_rps; do
		check "figure $k" number "$k" "$(value "$k")"
	done
	# Sanitizer builds bring their own allocator: the counter runs on release builds only.
	if ! ldd "$FOLIO_BIN/frontd" 2>/dev/null | grep -q libasan; then
		check_eq "frontd's request path allocates nothing" "$(value alloc_frontd_per_req_path)" \
			"0.0000"
		check "figure alloc_frontd_per_req" number alloc_frontd_per_req "$(value alloc_frontd_per_req)"
		check "figure alloc_ingestd_per_push" number alloc_ingestd_per_push \
			"$(value alloc_ingestd_per_push)"
	fi
fi
if command -v nginx >/dev/null 2>&1; then
	check "figure read_nginx_gzip_rps" number read_nginx_gzip_rps "$(value read_nginx_gzip_rps)"
	check_eq "nginx serves the exported bytes frontd serves" "$(value nginx_mismatch)" "0"
fi
if command -v hugo >/dev/null 2>&1; then
	check "figure render_hugo_ms" number render_hugo_ms "$(value render_hugo_ms)"
fi
[ "$FAIL" -eq 0 ] || tail -n 20 "$T/bench.log"
finish
