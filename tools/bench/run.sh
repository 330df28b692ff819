#!/bin/bash
# run.sh: folio's side-by-side benchmark (make bench). It measures, in one run on this
# machine, reads (frontd next to nginx and a fixed-page reference server), pushes (initial,
# one-note, 10 %, and sustained under read load), memory and allocations, and a cold render
# next to Hugo; then writes docs/BENCH.md with the machine, the exact commands and the
# figures, and checks them against the targets of the benchmark issue.
#
# Environment:
#   FOLIO_BIN     folder of folio, ingestd, frontd, genvault, pagedump (default bin)
#   BENCH_TOOLS   folder of refserver, pushload, malloc_count.so (default build/release/bench)
#   BENCH_QUICK=1 a small version that takes seconds (tests/integ/bench_smoke.sh); installs
#                 nothing and skips what is missing (nginx, hugo, wrk)
#   BENCH_OUT     where to write the report (default docs/BENCH.md)
#   BENCH_TSV     also write every figure as "key<TAB>value" lines to this file
#   BENCH_KEEP=1  keep the work folder
#   BENCH_ONLY    the sections to run, of: reads memory pushes sustained render (default all;
#                 memory needs reads). A partial run writes only what it measured.
#
# Servers listen on 127.0.0.1 only and are pinned to CPU 0, load generators to CPU 1. Every
# process it starts is recorded and stopped by PID on exit. Every loop is bounded.
set -u
# The whole script is one compound command, read before any of it runs, so editing this
# file while a run is under way cannot change that run.
{
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root" || exit 1

FOLIO_BIN=$(cd "${FOLIO_BIN:-bin}" && pwd) || exit 1
BENCH_TOOLS=$(cd "${BENCH_TOOLS:-build/release/bench}" && pwd) || exit 1
QUICK=${BENCH_QUICK:-0}
OUT=${BENCH_OUT:-docs/BENCH.md}
W=$(mktemp -d "${TMPDIR:-/tmp}/folio-bench.XXXXXX") || exit 1
REPORT=$W/report.md
RESULTS=$W/results.tsv
PIDS=""
CLK_TCK=$(getconf CLK_TCK)
export FOLIO_API_KEY=

if [ "$QUICK" = 1 ]; then
	READ_NOTES=300 READ_SECS=1 READ_ROUNDS=1 WRK_CONNS=32
	PUSH_SIZES="200" EDITS=5 EDIT_ROUNDS=1 INIT_REPS=1
	SUST_VAULTS="100" SUST_RATES="20" SUST_SECS=1
	ALLOC_SECS=1 ALLOC_PUSHES=10 RENDER_NOTES=300 RENDER_REPS=1
else
	READ_NOTES=10000 READ_SECS=10 READ_ROUNDS=3 WRK_CONNS=64
	PUSH_SIZES="1000 10000" EDITS=40 EDIT_ROUNDS=5 INIT_REPS=3
	SUST_VAULTS="588 10000" SUST_RATES="50 100 200 300 400 500 700 1000" SUST_SECS=5
	ALLOC_SECS=5 ALLOC_PUSHES=200 RENDER_NOTES=10000 RENDER_REPS=2
fi

# --- helpers ---------------------------------------------------------------------------------

log() { printf 'bench: %s\n' "$*" >&2; }
# md LINE: appends to the report's current section (sections are joined in order at the end).
SECTION=0
md() { printf '%s\n' "$*" >>"$W/section-$SECTION.md"; }
# result KEY VALUE: one figure, kept for the targets table and the smoke test.
result() { printf '%s\t%s\n' "$1" "$2" >>"$RESULTS"; }
get() { awk -F'\t' -v k="$1" '$1 == k { v = $2 } END { print v }' "$RESULTS"; }
have() { command -v "$1" >/dev/null 2>&1; }

track() { PIDS="$PIDS $1"; }
stop() {
	local pid=$1 i
	kill -TERM "$pid" 2>/dev/null || return 0
	for i in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}
cleanup() {
	local p
	for p in $PIDS; do stop "$p"; done
	if [ "${BENCH_KEEP:-0}" = 1 ]; then log "work folder kept: $W"; else rm -rf "$W"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A port nobody listens on (tried from a fixed range; bounded).
NEXT_PORT=$((20000 + $$ % 20000))
free_port() {
	local i
	for i in $(seq 200); do
		NEXT_PORT=$((NEXT_PORT + 1))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$NEXT_PORT") 2>/dev/null; then
			echo "$NEXT_PORT"
			return 0
		fi
	done
	return 1
}
# wait_http URL: until it answers (any status), at most 30 s.
wait_http() {
	local i
	for i in $(seq 300); do
		curl -s -o /dev/null --max-time 1 "$1" && return 0
		sleep 0.1
	done
	log "no answer from $1"
	return 1
}
now_ns() { date +%s%N; }
ms_since() { echo $((($(now_ns) - $1) / 1000000)); }
# cpu_ticks PID: user+system time of a process so far, in clock ticks.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# start_ingestd DATA PORT CPU(or "") [extra env...]: sets INGESTD_PID.
start_ingestd() {
	local data=$1 port=$2 cpu=$3
	mkdir -p "$data"
	if [ -n "$cpu" ]; then
		taskset -c "$cpu" "$FOLIO_BIN/ingestd" --data "$data" --api "127.0.0.1:$port" \
			--set log_level=warn >>"$W/ingestd.log" 2>&1 &
	else
		"$FOLIO_BIN/ingestd" --data "$data" --api "127.0.0.1:$port" \
			--set log_level=warn >>"$W/ingestd.log" 2>&1 &
	fi
	INGESTD_PID=$!
	track "$INGESTD_PID"
	wait_http "http://127.0.0.1:$port/api/v1/status"
}
# start_frontd DATA PORT: pinned to CPU 0; sets FRONTD_PID.
start_frontd() {
	taskset -c 0 "$FOLIO_BIN/frontd" --data "$1" --listen "127.0.0.1:$2" \
		--set log_level=warn >>"$W/frontd.log" 2>&1 &
	FRONTD_PID=$!
	track "$FRONTD_PID"
	wait_http "http://127.0.0.1:$2/"
}
# push_timed VAULT DATA PORT: one folio push; prints "wall_ms server_ms".
push_timed() {
	local t0 out wall
	t0=$(now_ns)
	out=$(taskset -c 1 "$FOLIO_BIN/folio" push "$1" --data "$2" --server "http://127.0.0.1:$3" 2>&1)
	wall=$(ms_since "$t0")
	local server
	server=$(printf '%s\n' "$out" | sed -n 's/.*generation [0-9]* (\([0-9]*\) ms).*/\1/p' | tail -n 1)
	[ -n "$server" ] || log "push of $1: $out"
	echo "$wall ${server:-NA}"
}

# wrk_run PORT GZIP SECONDS URLS: prints "rps p50_us p99_us requests errors".
wrk_run() {
	local out
	out=$(BENCH_URLS=$4 BENCH_GZIP=$2 taskset -c 1 wrk -t1 -c"$WRK_CONNS" -d"$3"s --latency \
		-s "$here/urls.lua" "http://127.0.0.1:$1" 2>&1)
	printf '%s\n' "$out" | awk '
		function us(v) {
			if (v ~ /us$/) return v + 0
			if (v ~ /ms$/) return v * 1000
			if (v ~ /s$/) return v * 1000000
			return v + 0
		}
		/Requests\/sec/ { rps = $2 }
		$1 == "50%" { p50 = us($2) }
		$1 == "99%" { p99 = us($2) }
		/requests in/ { n = $1 }
		/Non-2xx|Socket errors/ { err = 1 }
		END { printf "%.0f %.0f %.0f %d %d\n", rps, p50, p99, n, err }'
}
# measure NAME PID PORT GZIP URLS [AUX_PID]: one wrk run; appends a row to $W/reads.tsv.
# AUX_PID is a process that works for the server (ingestd storing the front's view counts):
# its CPU per request is recorded too.
measure() {
	local c0 c1 a0=0 a1=0 r
	c0=$(cpu_ticks "$2")
	[ -n "${6:-}" ] && a0=$(cpu_ticks "$6")
	r=$(wrk_run "$3" "$4" "$READ_SECS" "$5")
	c1=$(cpu_ticks "$2")
	[ -n "${6:-}" ] && a1=$(cpu_ticks "$6")
	set -- "$1" "$4" $r "$c0" "$c1" "$a0" "$a1"
	# name gzip rps p50 p99 requests errors cpu_us_per_request aux_cpu_us_per_request
	awk -v n="$1" -v g="$2" -v rps="$3" -v p50="$4" -v p99="$5" -v req="$6" -v err="$7" \
		-v c0="$8" -v c1="$9" -v a0="${10}" -v a1="${11}" -v tck="$CLK_TCK" 'BEGIN {
		cpu = req > 0 ? (c1 - c0) / tck * 1e6 / req : 0
		aux = req > 0 ? (a1 - a0) / tck * 1e6 / req : 0
		printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.2f\t%.2f\n", n, g, rps, p50, p99, req, err, cpu, aux }' \
		>>"$W/reads.tsv"
}
# median of the numbers on stdin
median() { sort -n | awk '{ a[NR] = $1 } END { if (NR == 0) print "NA"; else print a[int((NR + 1) / 2)] }'; }
pctl() { sort -n | awk -v q="$1" '{ a[NR] = $1 } END { if (NR == 0) { print "NA"; exit }
	i = int(q * (NR - 1) + 0.5) + 1; print a[i] }'; }
# smaps NAME PID: RSS, PSS, anonymous and file-backed resident memory, in KiB.
smaps() {
	awk -v n="$1" '/^Rss:/ { rss = $2 } /^Pss:/ { pss = $2 } /^Private_Dirty:/ { pd = $2 }
		/^Private_Clean:/ { pc = $2 } /^Anonymous:/ { anon = $2 } /^Shared_Clean:/ { sc = $2 }
		END { printf "%s\t%d\t%d\t%d\t%d\t%d\n", n, rss, pss, anon, pd, rss - anon }' \
		"/proc/$2/smaps_rollup"
}
# alloc_snapshot PID FILE: asks malloc_count.so in PID for its counts (SIGUSR2) and waits
# for the line, so that what the process does while stopping is not counted.
alloc_snapshot() {
	local i
	kill -USR2 "$1" 2>/dev/null || return 0
	for i in $(seq 50); do
		[ -s "$2" ] && return 0
		sleep 0.05
	done
}
kib_mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

# --- packages ------------------------------------------------------------------------------

if [ "$QUICK" != 1 ]; then
	sh tools/deps.sh --bench || exit 1
fi
for t in wrk nginx hugo; do
	have "$t" || log "$t is not installed: its part is skipped"
done
have curl || { log "curl is needed"; exit 1; }

# --- the report's head ---------------------------------------------------------------------

: >"$RESULTS"
: >"$W/reads.tsv"
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD 2>/dev/null || commit="$commit (with uncommitted changes)"
{
	echo "# folio benchmarks"
	echo
	echo "Written by \`make bench\` (tools/bench/run.sh) on $(date -u '+%Y-%m-%d %H:%M UTC'), folio $commit$([ "$QUICK" = 1 ] && echo ', **quick mode**: small sizes, not the real figures')."
	echo "Every figure below comes from this one run; ratios compare servers measured in the same run."
	if [ -n "${MAKELEVEL:-}" ]; then
		echo "Command: \`make bench\`."
	else
		echo "Command: \`FOLIO_BIN=${FOLIO_BIN#"$root"/} BENCH_TOOLS=${BENCH_TOOLS#"$root"/}$([ "$QUICK" = 1 ] && echo ' BENCH_QUICK=1') bash tools/bench/run.sh\` (what \`make bench\` runs, with binaries from another build folder)."
	fi
	echo
	echo "## Machine"
	echo
	echo "| | |"
	echo "|---|---|"
	echo "| CPU | $(lscpu | sed -n 's/^Model name: *//p' | head -n 1), $(nproc) cores |"
	echo "| memory | $(free -g | awk '/^Mem:/ { print $2 }') GiB |"
	echo "| kernel | $(uname -r) |"
	echo "| OS | Debian $(cat /etc/debian_version 2>/dev/null) |"
	echo "| compiler | $(cc --version | head -n 1) |"
	echo "| nginx | $(have nginx && nginx -v 2>&1 | sed 's/.*: //' || echo 'not installed') |"
	echo "| hugo | $(have hugo && hugo version | cut -d' ' -f2 || echo 'not installed') |"
	echo "| wrk | $(have wrk && wrk -v 2>&1 | head -n 1 | cut -d' ' -f2 || echo 'not installed') |"
	echo
	echo "The machine is shared and noisy: req/s swing between runs, so each read figure is the"
	echo "median of $READ_ROUNDS rounds that alternate the servers, and CPU time per request (from"
	echo "\`/proc/PID/stat\`, utime + stime of the server process over the run, divided by the requests"
	echo "wrk counted) is the figure to compare."
	echo
} >"$W/section-0.md"

# --- 1. reads ----------------------------------------------------------------------------------

read_section() {
	local vault=$W/real data=$W/real-data api fport nport rport_gz rport_id
	log "reads: generating $READ_NOTES realistic notes"
	"$FOLIO_BIN/genvault" --out "$vault" --notes "$READ_NOTES" --shape realistic --seed 1 \
		2>"$W/genvault.log" || return 1
	local md_median
	md_median=$(find "$vault" -name '*.md' -printf '%s\n' | median)
	api=$(free_port)
	start_ingestd "$data" "$api" 0 || return 1
	READ_API=$api READ_DATA=$data READ_INGESTD=$INGESTD_PID
	log "reads: pushing"
	local p
	p=$(push_timed "$vault" "$data" "$api")
	result read_push_ms "${p%% *}"
	fport=$(free_port)
	start_frontd "$data" "$fport" || return 1
	READ_FPORT=$fport READ_FRONTD=$FRONTD_PID

	"$FOLIO_BIN/pagedump" --data "$data" 2>/dev/null |
		awk -F'\t' '$2 == 200 && $3 ~ /note/ && $1 != "/" { print $1 }' >"$W/urls.txt"
	local nurls ident_mean gz_mean
	nurls=$(wc -l <"$W/urls.txt")
	read -r ident_mean gz_mean < <("$FOLIO_BIN/pagedump" --data "$data" 2>/dev/null |
		awk -F'\t' '$2 == 200 && $3 ~ /note/ && $1 != "/" {
			sub("ident=", "", $5); sub("gzip=", "", $6); i += $5; g += $6; n++ }
			END { printf "%.0f %.0f\n", i / n, g / n }')
	log "reads: exporting for nginx"
	local t0
	t0=$(now_ns)
	"$FOLIO_BIN/folio" export "$W/export" --data "$data" >"$W/export.log" 2>&1 ||
		log "export: $(cat "$W/export.log")"
	result export_ms "$(ms_since "$t0")"

	# The reference serves the page closest to the mean size, gzip and identity.
	local ref_url
	ref_url=$("$FOLIO_BIN/pagedump" --data "$data" 2>/dev/null |
		awk -F'\t' -v m="$gz_mean" '$2 == 200 && $3 ~ /note/ && $1 != "/" {
			g = $6; sub("gzip=", "", g); d = g - m; if (d < 0) d = -d
			if (best == "" || d < bd) { best = $1; bd = d } } END { print best }')
	servers="frontd:$FRONTD_PID:$fport"
	echo "$ref_url" >"$W/url1.txt"
	# The same front with its view batches held back for the run (flushed hourly, never
	# full): what counting views costs the reads, ingestd's part included.
	local nvport
	nvport=$(free_port)
	taskset -c 0 "$FOLIO_BIN/frontd" --data "$data" --listen "127.0.0.1:$nvport" --set log_level=warn \
		--set views_flush_ms=3600000 --set views_batch_max=65536 >>"$W/frontd.log" 2>&1 &
	NOVIEWS_PID=$!
	track $NOVIEWS_PID
	wait_http "http://127.0.0.1:$nvport/" && servers="$servers frontd-noviews:$NOVIEWS_PID:$nvport"
	if [ -f "$W/export$ref_url.html" ]; then
		rport_gz=$(free_port)
		taskset -c 0 "$BENCH_TOOLS/refserver" --listen "127.0.0.1:$rport_gz" \
			--body "$W/export$ref_url.html.gz" --gzip 2>>"$W/ref.log" &
		REF_GZ=$!
		track $REF_GZ
		rport_id=$(free_port)
		taskset -c 0 "$BENCH_TOOLS/refserver" --listen "127.0.0.1:$rport_id" \
			--body "$W/export$ref_url.html" 2>>"$W/ref.log" &
		REF_ID=$!
		track $REF_ID
		if ! wait_http "http://127.0.0.1:$rport_gz/" || ! wait_http "http://127.0.0.1:$rport_id/"; then
			log "refserver: $(tail -n 3 "$W/ref.log")"
			REF_GZ="" REF_ID=""
		fi
	fi
	if have nginx; then
		nport=$(free_port)
		mkdir -p "$W/nginx/tmp"
		sed -e "s#@PREFIX@#$W/nginx#g; s#@ROOT@#$W/export#g; s#@PORT@#$nport#g" \
			"$here/nginx.conf.in" >"$W/nginx/nginx.conf"
		taskset -c 0 nginx -p "$W/nginx" -c "$W/nginx/nginx.conf" -e "$W/nginx/error.log" \
			>>"$W/nginx/out.log" 2>&1 &
		NGINX_PID=$!
		track $NGINX_PID
		if wait_http "http://127.0.0.1:$nport/"; then
			servers="$servers nginx:$NGINX_PID:$nport"
		else
			log "nginx: $(tail -n 3 "$W/nginx/error.log" "$W/nginx/out.log" 2>/dev/null)"
		fi
		# The same bytes: a sample of pages must match what frontd sends.
		local u bad=0
		for u in $(awk 'NR % 97 == 1' "$W/urls.txt" | head -n 20); do
			cmp -s <(curl -s "http://127.0.0.1:$fport$u") <(curl -s "http://127.0.0.1:$nport$u") ||
				bad=$((bad + 1))
			cmp -s <(curl -s -H 'Accept-Encoding: gzip' "http://127.0.0.1:$fport$u") \
				<(curl -s -H 'Accept-Encoding: gzip' "http://127.0.0.1:$nport$u") || bad=$((bad + 1))
		done
		result nginx_mismatch "$bad"
		[ "$bad" = 0 ] || log "nginx and frontd sent different bytes for $bad of 40 samples"
	fi
	if ! have wrk; then
		md "## 1. Reads"
		md ""
		md "Skipped: wrk is not installed."
		md ""
		return 0
	fi

	local s name pid port
	[ "$QUICK" = 1 ] || log "reads: warming up"
	for s in $([ "$QUICK" = 1 ] || echo "$servers"); do
		IFS=: read -r name pid port <<<"$s"
		wrk_run "$port" 1 1 "$W/urls.txt" >/dev/null
		wrk_run "$port" 0 1 "$W/urls.txt" >/dev/null
	done
	local round order
	for round in $(seq "$READ_ROUNDS"); do
		# Rotate the order each round so that no server always goes first.
		order=$(echo "$servers" | tr ' ' '\n' | awk -v r="$round" '{ a[NR] = $0 }
			END { for (i = 0; i < NR; i++) print a[(i + r - 1) % NR + 1] }')
		for s in $order; do
			IFS=: read -r name pid port <<<"$s"
			log "reads: round $round, $name"
			local aux=""
			case $name in frontd*) aux=$READ_INGESTD ;; esac
			measure "$name" "$pid" "$port" 1 "$W/urls.txt" "$aux"
			measure "$name" "$pid" "$port" 0 "$W/urls.txt" "$aux"
		done
		if [ -n "${REF_GZ:-}" ]; then
			log "reads: round $round, reference"
			measure reference "$REF_GZ" "$rport_gz" 1 "$W/urls.txt"
			measure reference "$REF_ID" "$rport_id" 0 "$W/urls.txt"
			# frontd asked for the reference's one page only: the same bytes, equally hot.
			measure frontd-1page "$FRONTD_PID" "$fport" 1 "$W/url1.txt" "$READ_INGESTD"
			measure frontd-1page "$FRONTD_PID" "$fport" 0 "$W/url1.txt" "$READ_INGESTD"
		fi
	done

	md "## 1. Reads"
	md ""
	md "$READ_NOTES realistic notes (\`genvault --notes $READ_NOTES --shape realistic --seed 1\`,"
	md "median note $md_median bytes of markdown) pushed once; wrk cycles through all $nurls note"
	md "URLs (mean page $ident_mean bytes, $gz_mean gzipped). One process per server, pinned to"
	md "CPU 0; wrk pinned to CPU 1, one thread, $WRK_CONNS keep-alive connections, ${READ_SECS} s per run:"
	md ""
	md '```'
	md "taskset -c 0 frontd --data DATA --listen 127.0.0.1:PORT"
	md "taskset -c 0 nginx -p PREFIX -c nginx.conf     # tools/bench/nginx.conf.in, root = folio export DIR"
	md "taskset -c 0 refserver --listen 127.0.0.1:PORT --body PAGE.html.gz --gzip   # and the identity body"
	md "BENCH_URLS=urls.txt BENCH_GZIP=1 taskset -c 1 wrk -t1 -c$WRK_CONNS -d${READ_SECS}s --latency -s tools/bench/urls.lua http://127.0.0.1:PORT"
	md '```'
	md ""
	md "nginx serves \`folio export\` of the same store ($(head -n 1 "$W/export.log" | sed "s|$W/|WORKDIR/|g"));"
	md "config: one worker, \`sendfile\`, \`tcp_nopush\`, \`open_file_cache\`, \`gzip_static on\`,"
	md "\`access_log off\`, keep-alive, \`try_files \$uri \$uri.html\`. The reference server"
	md "(tools/bench/refserver.c) answers every request with one fixed page from memory: the page"
	md "closest to the mean gzip size ($ref_url). Medians of $READ_ROUNDS rounds:"
	md ""
	md "| server | encoding | req/s | p50 µs | p99 µs | server CPU µs/request | + ingestd (view counts) µs/request |"
	md "|---|---|---:|---:|---:|---:|---:|"
	local g enc
	for name in frontd nginx reference frontd-1page frontd-noviews; do
		for g in 1 0; do
			enc=$([ "$g" = 1 ] && echo gzip || echo identity)
			awk -F'\t' -v n="$name" -v g="$g" '$1 == n && $2 == g' "$W/reads.tsv" >"$W/r.tsv"
			[ -s "$W/r.tsv" ] || continue
			local rps p50 p99 cpu
			rps=$(cut -f3 "$W/r.tsv" | median)
			p50=$(cut -f4 "$W/r.tsv" | median)
			p99=$(cut -f5 "$W/r.tsv" | median)
			cpu=$(cut -f8 "$W/r.tsv" | median)
			local auxc=""
			case $name in frontd*) auxc=$(cut -f9 "$W/r.tsv" | median) ;; esac
			md "| $name | $enc | $rps | $p50 | $p99 | $cpu | $auxc |"
			[ -n "$auxc" ] && result "read_${name}_${enc}_aux_cpu" "$auxc"
			result "read_${name}_${enc}_rps" "$rps"
			result "read_${name}_${enc}_p99" "$p99"
			result "read_${name}_${enc}_cpu" "$cpu"
		done
	done
	md ""
	md "frontd-1page is frontd asked for the reference's page only, again and again: the same"
	md "bytes as the reference, as hot in the caches; the gap to the reference is then folio's"
	md "own work per request, and the gap between frontd and frontd-1page is the cost of serving"
	md "$nurls different pages (cache and TLB misses in the kernel's copy and the B-tree)."
	md ""
	md "A front counts page views and sends them to ingestd in batches; ingestd (on CPU 0 too)"
	md "stores them. The last column is that work per request, which nginx and the reference"
	md "server do not do; it is not in the front's figure. frontd-noviews is a second front on"
	md "the same store whose view batches are held back for the run: the difference to frontd"
	md "is what view counting costs the reads on this machine."
	md ""
	md "Every run, in order (server, gzip, req/s, p50 µs, p99 µs, requests, wrk errors, CPU µs/request, ingestd µs/request):"
	md ""
	md '```'
	sed 's/\t/  /g' "$W/reads.tsv" >>"$W/section-$SECTION.md"
	md '```'
	md ""
}

# --- 3. memory and allocations ----------------------------------------------------------------

memory_section() {
	[ -n "${READ_FRONTD:-}" ] || return 0
	md "## 3. Memory and allocations"
	md ""
	md "After the read runs above ($READ_NOTES notes; the front has served every page), from"
	md "\`/proc/PID/smaps_rollup\`. A front maps the LMDB file read-only: the pages it has touched"
	md "count in its RSS (and in PSS, shared with every other process that maps them) but they are"
	md "the kernel's page cache, clean, shared and evictable. What a front owns is its anonymous"
	md "memory."
	md ""
	md "| process | RSS MB | PSS MB | private anonymous MB | file-backed (page cache) MB |"
	md "|---|---:|---:|---:|---:|"
	local row n rss pss anon pd file
	for row in "frontd:$READ_FRONTD" "ingestd:$READ_INGESTD"; do
		IFS=$'\t' read -r n rss pss anon pd file < <(smaps "${row%%:*}" "${row##*:}")
		md "| $n | $(kib_mb "$rss") | $(kib_mb "$pss") | $(kib_mb "$anon") | $(kib_mb "$file") |"
		result "mem_${n}_rss_kb" "$rss"
		result "mem_${n}_pss_kb" "$pss"
		result "mem_${n}_anon_kb" "$anon"
	done
	md ""

	local so=$BENCH_TOOLS/malloc_count.so
	[ -f "$so" ] || { md "Allocation counts skipped: $so is missing."; return 0; }
	# A sanitizer build has its own allocator, which must come first: nothing to count.
	if ldd "$FOLIO_BIN/frontd" 2>/dev/null | grep -q libasan; then
		md "Allocation counts skipped: these binaries are a sanitizer build."
		md ""
		return 0
	fi
	# frontd: an idle run and a loaded run of the same length; the difference is per request.
	# Twice: as configured, and with view batches held back for the run (flushed hourly,
	# never full), which leaves the request path alone.
	local port mc pid r cfg mode
	declare -A req_of allocs_of
	for cfg in default held; do
		for mode in idle load; do
			local extra=()
			[ "$cfg" = held ] && extra=(--set views_flush_ms=3600000 --set views_batch_max=65536)
			port=$(free_port)
			mc=$W/malloc-frontd-$cfg-$mode.txt
			: >"$mc"
			MALLOC_COUNT_OUT=$mc LD_PRELOAD=$so taskset -c 0 "$FOLIO_BIN/frontd" \
				--data "$READ_DATA" --listen "127.0.0.1:$port" --set log_level=warn \
				"${extra[@]}" >>"$W/frontd.log" 2>&1 &
			pid=$!
			track $pid
			wait_http "http://127.0.0.1:$port/_folio/404"
			if [ "$mode" = load ] && have wrk; then
				r=$(wrk_run "$port" 1 "$ALLOC_SECS" "$W/urls.txt")
				req_of[$cfg]=$(echo "$r" | cut -d' ' -f4)
			else
				sleep "$ALLOC_SECS"
			fi
			alloc_snapshot "$pid" "$mc"
			stop $pid
			allocs_of[$cfg-$mode]=$(head -n 1 "$mc" | sed -n 's/.*allocs=\([0-9]*\).*/\1/p')
		done
	done
	local per_req=NA per_req_held=NA
	if [ -n "${allocs_of[default-idle]}" ] && [ -n "${allocs_of[default-load]}" ] &&
		[ "${req_of[default]:-0}" -gt 0 ]; then
		per_req=$(awk -v a="${allocs_of[default-idle]}" -v b="${allocs_of[default-load]}" \
			-v n="${req_of[default]}" 'BEGIN { printf "%.4f", (b - a) / n }')
	fi
	if [ -n "${allocs_of[held-idle]}" ] && [ -n "${allocs_of[held-load]}" ] &&
		[ "${req_of[held]:-0}" -gt 0 ]; then
		per_req_held=$(awk -v a="${allocs_of[held-idle]}" -v b="${allocs_of[held-load]}" \
			-v n="${req_of[held]}" 'BEGIN { printf "%.4f", (b - a) / n }')
	fi
	result alloc_frontd_per_req "$per_req"
	result alloc_frontd_per_req_path "$per_req_held"

	# ingestd: the same with one-note pushes into this vault (the API's own ingestd is
	# stopped for it and started again after).
	stop "$READ_INGESTD"
	find "$W/real" -name '*.md' | sort | awk 'NR % 97 == 5' | head -n 20 |
		sed "s#^$W/real/##" >"$W/notes20.txt"
	local pushes=$ALLOC_PUSHES base loaded
	for mode in idle load; do
		port=$(free_port)
		mc=$W/malloc-ingestd-$mode.txt
		: >"$mc"
		MALLOC_COUNT_OUT=$mc LD_PRELOAD=$so taskset -c 0 "$FOLIO_BIN/ingestd" --data "$READ_DATA" \
			--api "127.0.0.1:$port" --set log_level=warn >>"$W/ingestd.log" 2>&1 &
		pid=$!
		track $pid
		wait_http "http://127.0.0.1:$port/api/v1/status"
		# Both runs push once first, so one-time work (statements, buffers) cancels out.
		taskset -c 1 "$BENCH_TOOLS/pushload" --api "127.0.0.1:$port" --key-file "$READ_DATA/api.key" \
			--vault "$W/real" --notes "$W/notes20.txt" --count 1 --tag "warm$mode" >/dev/null
		if [ "$mode" = load ]; then
			taskset -c 1 "$BENCH_TOOLS/pushload" --api "127.0.0.1:$port" \
				--key-file "$READ_DATA/api.key" --vault "$W/real" --notes "$W/notes20.txt" \
				--count "$pushes" --tag alloc >/dev/null
		fi
		alloc_snapshot "$pid" "$mc"
		stop $pid
	done
	base=$(head -n 1 "$W/malloc-ingestd-idle.txt" | sed -n 's/.*allocs=\([0-9]*\).*/\1/p')
	loaded=$(head -n 1 "$W/malloc-ingestd-load.txt" | sed -n 's/.*allocs=\([0-9]*\).*/\1/p')
	local per_push=NA
	if [ -n "$base" ] && [ -n "$loaded" ]; then
		per_push=$(awk -v a="$base" -v b="$loaded" -v n="$pushes" 'BEGIN { printf "%.0f", (b - a) / n }')
	fi
	result alloc_ingestd_per_push "$per_push"
	start_ingestd "$READ_DATA" "$READ_API" 0
	READ_INGESTD=$INGESTD_PID

	md "Heap allocations, counted by tools/bench/malloc_count.c (\`LD_PRELOAD\`, every malloc,"
	md "calloc, realloc and aligned allocation, library threads included). Each process runs twice,"
	md "idle and loaded for the same time; the difference is divided by the work done:"
	md ""
	md "| process | work | allocations (idle run) | allocations (loaded run) | per unit |"
	md "|---|---|---:|---:|---:|"
	md "| frontd, request path (view batches held back) | ${req_of[held]:-0} requests (wrk, gzip, ${ALLOC_SECS} s) | ${allocs_of[held-idle]} | ${allocs_of[held-load]} | $per_req_held per request |"
	md "| frontd, as configured (view batches sent) | ${req_of[default]:-0} requests | ${allocs_of[default-idle]} | ${allocs_of[default-load]} | $per_req per request |"
	md "| ingestd | $pushes one-note pushes | $base | $loaded | $per_push per push |"
	md ""
	md "A front sends the views it counted to ingestd in batches (every \`views_flush_ms\`, or"
	md "sooner when \`views_batch_max\` distinct pages were seen: with 10,000 pages in rotation that"
	md "is about every 1,000 requests); what a send allocates shows in the second frontd row."
	md '```'
	md "MALLOC_COUNT_OUT=FILE LD_PRELOAD=malloc_count.so frontd --data DATA --listen 127.0.0.1:PORT"
	md "pushload --api 127.0.0.1:PORT --key-file DATA/api.key --vault VAULT --notes notes20.txt --count $pushes"
	md '```'
	md ""
}

# --- 2. pushes -------------------------------------------------------------------------------

push_section() {
	md "## 2. Pushes"
	md ""
	md "### Small notes: the shape of the Go server's benchmark"
	md ""
	md "N notes of about 500 bytes (\`genvault --shape small\`: frontmatter, a heading, a wikilink, a"
	md "list, a code block). ingestd pinned to CPU 0, the clients to CPU 1. The initial push is"
	md "\`folio push\` into an empty server, wall time on the client (walk, hash, upload, and the"
	md "server's work), median of $INIT_REPS fresh servers; the server's own share is in brackets."
	md "A one-note edit is one \`POST /api/v1/push\` (msgpack, as \`folio push\` sends it) from"
	md "tools/bench/pushload.c, cycling 20 notes, each push appending a line so that it renders:"
	md "$EDIT_ROUNDS rounds of $EDITS pushes that alternate between the vault sizes, medians of the"
	md "rounds' p50 and p95. The 10 % push is \`folio push\` of a copy of the vault with every tenth"
	md "note edited."
	md ""
	md "| notes | initial push | one-note edit p50 | one-note edit p95 | ingestd CPU per edit | 10 % edit push |"
	md "|---:|---:|---:|---:|---:|---:|"
	local n
	declare -A port_of pid_of data_of
	for n in $PUSH_SIZES; do
		local vault=$W/small$n rep port data p walls="" servers=""
		"$FOLIO_BIN/genvault" --out "$vault" --notes "$n" --shape small --seed 2 2>>"$W/genvault.log"
		for rep in $(seq "$INIT_REPS"); do
			data=$W/small$n-data$rep
			port=$(free_port)
			start_ingestd "$data" "$port" 0 || return 1
			p=$(push_timed "$vault" "$data" "$port")
			walls="$walls ${p%% *}"
			servers="$servers ${p##* }"
			[ "$rep" = "$INIT_REPS" ] || { stop "$INGESTD_PID"; rm -rf "$data"; }
		done
		port_of[$n]=$port pid_of[$n]=$INGESTD_PID data_of[$n]=$data
		result "push_${n}_init_ms" "$(echo "$walls" | tr ' ' '\n' | grep . | median)"
		result "push_${n}_init_server_ms" "$(echo "$servers" | tr ' ' '\n' | grep . | median)"
		find "$vault" -name '*.md' | sort | awk 'NR % 37 == 3' | head -n 20 |
			sed "s#^$vault/##" >"$W/small$n-notes.txt"
	done
	# One-note edits: rounds alternate the sizes, so both see the same machine.
	local round e c0 c1
	for round in $(seq "$EDIT_ROUNDS"); do
		for n in $PUSH_SIZES; do
			c0=$(cpu_ticks "${pid_of[$n]}")
			e=$(taskset -c 1 "$BENCH_TOOLS/pushload" --api "127.0.0.1:${port_of[$n]}" \
				--key-file "${data_of[$n]}/api.key" --vault "$W/small$n" \
				--notes "$W/small$n-notes.txt" --count "$EDITS" --tag "edit$round")
			c1=$(cpu_ticks "${pid_of[$n]}")
			printf '%s\t%s\t%s\t%s\n' "$n" \
				"$(echo "$e" | sed -n 's/.*p50_ms=\([0-9.]*\).*/\1/p')" \
				"$(echo "$e" | sed -n 's/.*p95_ms=\([0-9.]*\).*/\1/p')" \
				"$(awk -v a="$c0" -v b="$c1" -v k="$EDITS" -v t="$CLK_TCK" \
					'BEGIN { printf "%.2f", (b - a) / t * 1000 / k }')" >>"$W/edits.tsv"
		done
	done
	for n in $PUSH_SIZES; do
		local p50 p95 cpu ten
		p50=$(awk -F'\t' -v n="$n" '$1 == n { print $2 }' "$W/edits.tsv" | median)
		p95=$(awk -F'\t' -v n="$n" '$1 == n { print $3 }' "$W/edits.tsv" | median)
		cpu=$(awk -F'\t' -v n="$n" '$1 == n { print $4 }' "$W/edits.tsv" | median)
		# 10 %: a copy with every tenth note changed, pushed with folio push.
		cp -r "$W/small$n" "$W/small$n-10"
		find "$W/small$n-10" -name '*.md' | sort | awk 'NR % 10 == 0' | while read -r f; do
			printf '\nEdited for the ten percent push.\n' >>"$f"
		done
		ten=$(push_timed "$W/small$n-10" "${data_of[$n]}" "${port_of[$n]}")
		stop "${pid_of[$n]}"
		md "| $n | $(get "push_${n}_init_ms") ms [$(get "push_${n}_init_server_ms") ms] | $p50 ms | $p95 ms | $cpu ms | ${ten%% *} ms [${ten##* } ms] |"
		result "push_${n}_edit_p50_ms" "$p50"
		result "push_${n}_edit_p95_ms" "$p95"
		result "push_${n}_edit_cpu_ms" "$cpu"
		result "push_${n}_ten_ms" "${ten%% *}"
	done
	md ""
	md "Each edit round (notes, p50 ms, p95 ms, ingestd CPU ms per push):"
	md ""
	md '```'
	sed 's/\t/  /g' "$W/edits.tsv" >>"$W/section-$SECTION.md"
	md '```'
	md ""
	md '```'
	md "genvault --out VAULT --notes N --shape small --seed 2"
	md "taskset -c 0 ingestd --data DATA --api 127.0.0.1:PORT"
	md "taskset -c 1 folio push VAULT --data DATA --server http://127.0.0.1:PORT"
	md "taskset -c 1 pushload --api 127.0.0.1:PORT --key-file DATA/api.key --vault VAULT --notes notes.txt --count $EDITS"
	md '```'
	md ""
}

# --- 2b. sustained pushes under read load ---------------------------------------------------

sustained_section() {
	md "### Sustained one-note pushes while wrk loads the front"
	md ""
	if ! have wrk; then
		md "Skipped: wrk is not installed."
		md ""
		return 0
	fi
	md "One-note pushes cycling 20 notes of a realistic vault, on an open-loop schedule (push k is"
	md "due at start + k/rate; a push sent late counts its latency from when it was due), at rising"
	md "rates for ${SUST_SECS} s each, while wrk (gzip, $WRK_CONNS connections) loads the front."
	md "ingestd and the front share CPU 0; wrk and the push client share CPU 1. A rate is held"
	md "when every push succeeds, the client keeps up, and p95 ≤ 50 ms. The front's req/s is"
	md "compared with its req/s when no push runs."
	md ""
	md "| notes | rate/s | sent/s | p50 ms | p95 ms | p99 ms | front req/s | of idle | CPU 0: ingestd / front | held |"
	md "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
	local n
	for n in $SUST_VAULTS; do
		local vault data api fport ingest front
		if [ "$n" = "$READ_NOTES" ] && [ -n "${READ_FRONTD:-}" ]; then
			vault=$W/real data=$READ_DATA api=$READ_API fport=$READ_FPORT
			ingest=$READ_INGESTD front=$READ_FRONTD
		else
			vault=$W/real$n data=$W/real$n-data
			"$FOLIO_BIN/genvault" --out "$vault" --notes "$n" --shape realistic --seed 3 \
				2>>"$W/genvault.log"
			api=$(free_port)
			start_ingestd "$data" "$api" 0 || return 1
			ingest=$INGESTD_PID
			push_timed "$vault" "$data" "$api" >/dev/null
			fport=$(free_port)
			start_frontd "$data" "$fport" || return 1
			front=$FRONTD_PID
		fi
		"$FOLIO_BIN/pagedump" --data "$data" 2>/dev/null |
			awk -F'\t' '$2 == 200 && $3 ~ /note/ { print $1 }' >"$W/urls$n.txt"
		find "$vault" -name '*.md' | sort | awk 'NR % 29 == 1' | head -n 20 |
			sed "s#^$vault/##" >"$W/sust$n.txt"
		[ "$QUICK" = 1 ] || wrk_run "$fport" 1 1 "$W/urls$n.txt" >/dev/null
		local idle
		idle=$(wrk_run "$fport" 1 "$SUST_SECS" "$W/urls$n.txt" | cut -d' ' -f1)
		md "| $n | 0 | | | | | $idle | 100 % | | idle |"
		local rate best=0 best_front=NA best_pct=NA
		for rate in $SUST_RATES; do
			local pl_out wrk_out plpid
			taskset -c 1 "$BENCH_TOOLS/pushload" --api "127.0.0.1:$api" --key-file "$data/api.key" \
				--vault "$vault" --notes "$W/sust$n.txt" --rate "$rate" --seconds "$SUST_SECS" \
				--tag "r$rate" >"$W/pl.out" 2>>"$W/pl.err" &
			plpid=$!
			track $plpid
			local i0 f0 i1 f1 t0 ms
			i0=$(cpu_ticks "$ingest") f0=$(cpu_ticks "$front") t0=$(now_ns)
			wrk_out=$(wrk_run "$fport" 1 "$SUST_SECS" "$W/urls$n.txt")
			i1=$(cpu_ticks "$ingest") f1=$(cpu_ticks "$front") ms=$(ms_since "$t0")
			wait $plpid
			pl_out=$(tail -n 1 "$W/pl.out")
			local sent errs p50 p95 p99 frps pct held
			sent=$(echo "$pl_out" | sed -n 's/.* rate=\([0-9.]*\).*/\1/p')
			errs=$(echo "$pl_out" | sed -n 's/.*errors=\([0-9]*\).*/\1/p')
			p50=$(echo "$pl_out" | sed -n 's/.*p50_ms=\([0-9.]*\).*/\1/p')
			p95=$(echo "$pl_out" | sed -n 's/.*p95_ms=\([0-9.]*\).*/\1/p')
			p99=$(echo "$pl_out" | sed -n 's/.*p99_ms=\([0-9.]*\).*/\1/p')
			frps=$(echo "$wrk_out" | cut -d' ' -f1)
			pct=$(awk -v a="$frps" -v b="$idle" 'BEGIN { printf "%.0f", (b > 0 ? 100 * a / b : 0) }')
			held=$(awk -v p95="${p95:-999999}" -v s="${sent:-0}" -v r="$rate" -v e="${errs:-1}" \
				'BEGIN { print (p95 <= 50 && s >= 0.95 * r && e == 0) ? "yes" : "no" }')
			local icpu fcpu
			icpu=$(awk -v a="$i0" -v b="$i1" -v t="$CLK_TCK" -v ms="$ms" 'BEGIN { printf "%.0f", (b - a) / t * 1e5 / ms }')
			fcpu=$(awk -v a="$f0" -v b="$f1" -v t="$CLK_TCK" -v ms="$ms" 'BEGIN { printf "%.0f", (b - a) / t * 1e5 / ms }')
			md "| $n | $rate | $sent | $p50 | $p95 | $p99 | $frps | $pct % | $icpu % / $fcpu % | $held |"
			if [ "$held" = yes ]; then
				best=$rate best_front=$frps best_pct=$pct
			else
				break
			fi
		done
		result "sust_${n}_rate" "$best"
		result "sust_${n}_front_pct" "$best_pct"
		result "sust_${n}_front_rps" "$best_front"
		result "sust_${n}_idle_rps" "$idle"
		if [ "$front" != "${READ_FRONTD:-}" ]; then
			stop "$front"
			stop "$ingest"
		fi
	done
	md ""
	md '```'
	md "taskset -c 1 pushload --api 127.0.0.1:PORT --key-file DATA/api.key --vault VAULT --notes notes20.txt --rate R --seconds $SUST_SECS &"
	md "BENCH_URLS=urls.txt BENCH_GZIP=1 taskset -c 1 wrk -t1 -c$WRK_CONNS -d${SUST_SECS}s --latency -s tools/bench/urls.lua http://127.0.0.1:FRONT"
	md '```'
	md ""
}

# --- 4. cold render next to Hugo ----------------------------------------------------------------

render_section() {
	md "## 4. Cold render"
	md ""
	local vault=$W/render
	"$FOLIO_BIN/genvault" --out "$vault" --notes "$RENDER_NOTES" --shape realistic --seed 1 \
		2>>"$W/genvault.log"
	local hugo_ok=0
	if have hugo; then
		hugo_ok=1
		local site=$W/hugo
		mkdir -p "$site/layouts/_default"
		cp -r "$vault" "$site/content"
		[ -f "$site/content/index.md" ] && mv "$site/content/index.md" "$site/content/_index.md"
		cat >"$site/hugo.toml" <<-'EOF'
			baseURL = "http://127.0.0.1/"
			title = "bench"
			disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
			disableAliases = true
			[markup.goldmark.renderer]
			unsafe = true
		EOF
		cat >"$site/layouts/_default/baseof.html" <<-'EOF'
			<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head><body><main>{{ block "main" . }}{{ end }}</main></body></html>
		EOF
		cat >"$site/layouts/_default/single.html" <<-'EOF'
			{{ define "main" }}<article><h1>{{ .Title }}</h1>{{ .Content }}</article>{{ end }}
		EOF
		cat >"$site/layouts/_default/list.html" <<-'EOF'
			{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}
		EOF
	fi
	local rep folio_ms="" rebuild_ms="" hugo_ms="" hugo_kb="" folio_kb=""
	for rep in $(seq "$RENDER_REPS"); do
		# folio: an empty server takes the whole vault (folio push), then, from SQLite alone,
		# a rebuild of every page (ingestd started with its page store removed).
		local data=$W/render-data$rep port p t0
		port=$(free_port)
		start_ingestd "$data" "$port" "" || return 1
		p=$(push_timed "$vault" "$data" "$port")
		folio_ms="$folio_ms ${p%% *}"
		folio_kb="$folio_kb $(awk '/^VmHWM:/ { print $2 }' "/proc/$INGESTD_PID/status")"
		stop "$INGESTD_PID"
		rm -rf "$data/pages"
		t0=$(now_ns)
		start_ingestd "$data" "$port" "" || return 1
		rebuild_ms="$rebuild_ms $(ms_since "$t0")"
		stop "$INGESTD_PID"
		rm -rf "$data"
		if [ "$hugo_ok" = 1 ]; then
			rm -rf "$W/hugo/public" "$W/hugo/resources"
			/usr/bin/time -f '%e %M' -o "$W/hugo.time" hugo --quiet -s "$W/hugo" \
				-d "$W/hugo/public" >>"$W/hugo.log" 2>&1 || log "hugo failed: $(tail -n 3 "$W/hugo.log")"
			hugo_ms="$hugo_ms $(awk '{ printf "%.0f", $1 * 1000 }' "$W/hugo.time")"
			hugo_kb="$hugo_kb $(awk '{ print $2 }' "$W/hugo.time")"
		fi
	done
	local f r h hk fk
	f=$(echo "$folio_ms" | tr ' ' '\n' | grep . | median)
	r=$(echo "$rebuild_ms" | tr ' ' '\n' | grep . | median)
	fk=$(echo "$folio_kb" | tr ' ' '\n' | grep . | median)
	result render_folio_push_ms "$f"
	result render_folio_rebuild_ms "$r"
	md "The $RENDER_NOTES-note realistic vault of section 1, from markdown files to a site ready to"
	md "serve, $RENDER_REPS times each, alternating. Nothing is pinned: both may use both cores (Hugo"
	md "does; ingestd renders on one thread). folio's cold render is measured twice: the whole"
	md "initial \`folio push\` into an empty server (walk, hash, upload, SQLite, link index, render,"
	md "gzip, LMDB), and a rebuild of every page from SQLite (ingestd started with \`pages/\`"
	md "removed, until its API answers). Hugo builds the same markdown with a minimal theme"
	md "(one template per page kind, no taxonomies, RSS, sitemap or aliases); it resolves no"
	md "wikilinks and writes no gzip copies."
	md ""
	md "| | wall time (median) | each run | peak RSS |"
	md "|---|---:|---|---:|"
	md "| folio: initial push | $f ms | $folio_ms | $(kib_mb "${fk:-0}") MB (ingestd) |"
	md "| folio: rebuild from SQLite | $r ms | $rebuild_ms | |"
	if [ "$hugo_ok" = 1 ]; then
		h=$(echo "$hugo_ms" | tr ' ' '\n' | grep . | median)
		hk=$(echo "$hugo_kb" | tr ' ' '\n' | grep . | median)
		result render_hugo_ms "$h"
		md "| Hugo | $h ms | $hugo_ms | $(kib_mb "$hk") MB |"
		md ""
		md "Ratios to Hugo: initial push $(awk -v a="$f" -v b="$h" 'BEGIN { printf "%.2fx", a / b }'), rebuild $(awk -v a="$r" -v b="$h" 'BEGIN { printf "%.2fx", a / b }')."
	else
		md ""
		md "Hugo is not installed: no comparison."
	fi
	md ""
	md '```'
	md "ingestd --data DATA --api 127.0.0.1:PORT; folio push VAULT --data DATA --server http://127.0.0.1:PORT"
	md "rm -r DATA/pages; ingestd --data DATA --api 127.0.0.1:PORT   # until /api/v1/status answers"
	md "hugo --quiet -s SITE -d SITE/public   # content/ = the vault, hugo.toml and layouts as written by run.sh"
	md '```'
	md ""
}

# --- targets ---------------------------------------------------------------------------------

targets_section() {
	md "## Targets"
	md ""
	md "From the benchmark issue, checked against this run's figures."
	md ""
	md "| what | target | this run | met |"
	md "|---|---|---|---|"
	local fr nr fp np fc rc r
	fr=$(get read_frontd_gzip_rps) nr=$(get read_nginx_gzip_rps)
	fp=$(get read_frontd_gzip_p99) np=$(get read_nginx_gzip_p99)
	if [ -n "$fr" ] && [ -n "$nr" ]; then
		r=$(awk -v a="$fr" -v b="$nr" 'BEGIN { printf "%.2f", a / b }')
		md "| frontd vs nginx, gzip | ≥ 1.3x req/s, p99 ≤ nginx's | ${r}x ($fr vs $nr req/s), p99 $fp vs $np µs; CPU $(get read_frontd_gzip_cpu) vs $(get read_nginx_gzip_cpu) µs/req; with view batches held back $(awk -v a="$(get read_frontd-noviews_gzip_rps)" -v b="$nr" 'BEGIN { printf "%.2fx", a / b }') | $(awk -v r="$r" -v a="$fp" -v b="$np" 'BEGIN { print (r >= 1.3 && a <= b) ? "yes" : "no" }') |"
	fi
	fc=$(get read_frontd_gzip_cpu) rc=$(get read_reference_gzip_cpu)
	if [ -n "$fc" ] && [ -n "$rc" ]; then
		r=$(awk -v a="$fc" -v b="$rc" 'BEGIN { printf "%.2f", a / b }')
		md "| frontd vs fixed-page reference, CPU/request | ≤ 1.2x | ${r}x ($fc vs $rc µs gzip; identity $(get read_frontd_identity_cpu) vs $(get read_reference_identity_cpu) µs); on the reference's one page $(awk -v a="$(get read_frontd-1page_gzip_cpu)" -v b="$rc" 'BEGIN { printf "%.2fx", a / b }') | $(awk -v r="$r" 'BEGIN { print r <= 1.2 ? "yes" : "no" }') |"
	fi
	local big small p50 p95 p50s
	big=$(echo "$PUSH_SIZES" | awk '{ print $NF }') small=$(echo "$PUSH_SIZES" | awk '{ print $1 }')
	p50=$(get "push_${big}_edit_p50_ms") p95=$(get "push_${big}_edit_p95_ms")
	p50s=$(get "push_${small}_edit_p50_ms")
	if [ -n "$p50" ]; then
		md "| one-note push into $big notes | p50 ≤ 5 ms, p95 ≤ 15 ms, ≤ 1.5x the $small-note p50 | p50 $p50 ms, p95 $p95 ms, $(awk -v a="$p50" -v b="$p50s" 'BEGIN { printf "%.2fx", a / b }') | $(awk -v a="$p50" -v b="$p95" -v s="$p50s" 'BEGIN { print (a <= 5 && b <= 15 && a <= 1.5 * s) ? "yes" : "no" }') |"
	fi
	local init
	init=$(get "push_${big}_init_ms")
	[ -n "$init" ] && md "| initial push, $big × 500 B notes | ≤ 1.0 s | $init ms (server $(get "push_${big}_init_server_ms") ms) | $(awk -v a="$init" 'BEGIN { print a <= 1000 ? "yes" : "no" }') |"
	local n
	for n in $SUST_VAULTS; do
		r=$(get "sust_${n}_rate")
		[ -n "$r" ] || continue
		md "| sustained one-note pushes, $n notes | ≥ 300/s at p95 ≤ 50 ms, fronts ≥ 80 % of idle req/s | $r/s held, front at $(get "sust_${n}_front_pct") % of idle | $(awk -v r="$r" -v p="$(get "sust_${n}_front_pct")" 'BEGIN { print (r >= 300 && p >= 80) ? "yes" : "no" }') |"
	done
	local h f rb
	h=$(get render_hugo_ms) f=$(get render_folio_push_ms) rb=$(get render_folio_rebuild_ms)
	if [ -n "$h" ]; then
		md "| cold render, $RENDER_NOTES realistic notes | ≤ 0.2x Hugo | initial push $(awk -v a="$f" -v b="$h" 'BEGIN { printf "%.2fx", a / b }'), rebuild $(awk -v a="$rb" -v b="$h" 'BEGIN { printf "%.2fx", a / b }') ($f / $rb vs $h ms) | push: $(awk -v a="$f" -v b="$h" 'BEGIN { print a <= 0.2 * b ? "yes" : "no" }'), rebuild: $(awk -v a="$rb" -v b="$h" 'BEGIN { print a <= 0.2 * b ? "yes" : "no" }') |"
	fi
	local anon
	anon=$(get mem_frontd_anon_kb)
	[ -n "$anon" ] && md "| front private memory at $READ_NOTES notes | ≤ 8 MB | $(kib_mb "$anon") MB anonymous (RSS $(kib_mb "$(get mem_frontd_rss_kb)") MB, mostly the shared LMDB page cache) | $(awk -v a="$anon" 'BEGIN { print a <= 8192 ? "yes" : "no" }') |"
	local al at
	al=$(get alloc_frontd_per_req_path) at=$(get alloc_frontd_per_req)
	[ -n "$al" ] && md "| allocations per request in frontd | 0 | request path $al; with view batches sent, $at | $(awk -v a="$al" -v b="$at" 'BEGIN { print (a == "NA") ? "n/a" : (a + 0 == 0 ? (b + 0 == 0 ? "yes" : "request path yes; view batches no") : "no") }') |"
	md ""
}

# --- run ---------------------------------------------------------------------------------------

t_start=$(now_ns)
ONLY=" ${BENCH_ONLY:-reads memory pushes sustained render} "
want() { case "$ONLY" in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
want reads && { SECTION=1 read_section || log "reads failed"; }
want memory && want reads && { SECTION=3 memory_section || log "memory failed"; }
want pushes && { SECTION=2 push_section || log "pushes failed"; }
want sustained && { SECTION=2b sustained_section || log "sustained failed"; }
# The read servers are done: stop them before the render race.
for p in ${READ_FRONTD:-} ${NOVIEWS_PID:-} ${READ_INGESTD:-} ${NGINX_PID:-} ${REF_GZ:-} ${REF_ID:-}; do stop "$p"; done
want render && { SECTION=4 render_section || log "render failed"; }
SECTION=5 targets_section
SECTION=5 md "The whole run took $(($(ms_since "$t_start") / 1000)) s."
if [ -f "$here/findings.md" ]; then
	cp "$here/findings.md" "$W/section-6.md"
fi
for s in 0 1 2 2b 3 4 5 6; do
	[ -f "$W/section-$s.md" ] && cat "$W/section-$s.md"
done >"$REPORT"
mkdir -p "$(dirname "$OUT")"
cp "$REPORT" "$OUT"
[ -z "${BENCH_TSV:-}" ] || cp "$RESULTS" "$BENCH_TSV"
log "wrote $OUT"
exit 0
}
