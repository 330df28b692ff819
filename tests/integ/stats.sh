#!/bin/sh
# stats: every process answers on its stats socket. After a known load on two fronts,
# `folio stat --json` shows exactly that load (summed over the fronts, since SO_REUSEPORT
# spreads it), with pids and start times; a front killed with -9 disappears and a new one
# appears; GET /metrics passes `promtool check metrics` and, when the Prometheus server can
# be had, a real Prometheus scrapes it; `folio serve` reports its children.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. tests/integ/lib.sh

API=$(free_port)
WEB=$(free_port)
DATA=$T/data
FOLIO="$FOLIO_BIN/folio"

command -v jq >/dev/null 2>&1 || {
	echo "FAIL jq is needed (tools/deps.sh installs it)"
	FAIL=$((FAIL + 1))
	finish
	exit 1
}

# stat_json: one snapshot of every process of DATA.
stat_json() {
	"$FOLIO" stat --json --data "$DATA"
}

# sum JSON COUNTER: the counter summed over the fronts that answered.
sum() {
	printf '%s' "$1" | jq "[.processes[] | select(.kind == \"frontd\" and .answered)
		| .counters.$2] | add // 0"
}

# hist_count JSON NAME: values counted in histogram NAME, summed over the fronts.
hist_count() {
	printf '%s' "$1" | jq "[.processes[] | select(.kind == \"frontd\" and .answered)
		| .histograms.$2.count] | add // 0"
}

check "ingestd starts" start_ingestd "$DATA" "$API"
FOLIO_NAME=frontd.a check "front a starts" start_frontd "$DATA" "$WEB" frontd_a
PID_A=$FRONT_PID
FOLIO_NAME=frontd.b check "front b starts" start_frontd "$DATA" "$WEB" frontd_b
PID_B=$FRONT_PID
check "push" quiet "$FOLIO" push examples/vault --data "$DATA" --server "http://127.0.0.1:$API"

# Each process has its socket in DATA/run/stats, named for its kind and pid.
for p in "ingestd-$INGEST_PID" "frontd-$PID_A" "frontd-$PID_B"; do
	check "socket $p exists" test -S "$DATA/run/stats/$p.sock"
done

before=$(stat_json)
check_eq "three processes answer" \
	"$(printf '%s' "$before" | jq '[.processes[] | select(.answered)] | length')" 3
check_eq "fronts are named from FOLIO_NAME" \
	"$(printf '%s' "$before" | jq -c '[.processes[] | select(.kind == "frontd") | .name] | sort')" \
	'["frontd.a","frontd.b"]'

# A known load: 30 GETs of pages, 10 of a missing page, 5 HEADs, 3 conditional GETs that
# match (304), and one connection carrying 4 GETs (3 of them reuse it). Every request
# opens a connection of its own but the last.
base=http://127.0.0.1:$WEB
for i in $(seq 30); do curl -s -o /dev/null "$base/"; done
for i in $(seq 10); do curl -s -o /dev/null "$base/no/such/page-$i"; done
for i in $(seq 5); do curl -s -o /dev/null -I "$base/getting-started"; done
etag=$(curl -s -D - -o /dev/null "$base/" | tr -d '\r' | sed -n 's/^[Ee][Tt][Aa][Gg]: //p')
for i in $(seq 3); do curl -s -o /dev/null -H "If-None-Match: $etag" "$base/"; done
curl -s -o /dev/null -o /dev/null -o /dev/null -o /dev/null \
	"$base/" "$base/getting-started" "$base/" "$base/getting-started"
# (the ETag fetch above is one more GET 200)

after=$(stat_json)
delta() {
	echo $(($(sum "$after" "$1") - $(sum "$before" "$1")))
}
check_eq "responses in total" "$(delta req_total)" 53
check_eq "2xx responses" "$(delta resp_2xx)" 40
check_eq "3xx responses (the 304s)" "$(delta resp_3xx)" 3
check_eq "304 answers" "$(delta resp_304)" 3
check_eq "4xx responses" "$(delta resp_4xx)" 10
check_eq "5xx responses" "$(delta resp_5xx)" 0
check_eq "GET requests" "$(delta req_get)" 48
check_eq "HEAD requests" "$(delta req_head)" 5
check_eq "other requests" "$(delta req_other)" 0
check_eq "keep-alive reuse" "$(delta keepalive_reused)" 3
check_eq "connections accepted" "$(delta conns_accepted)" 50
check_eq "latency histogram counts every response" \
	"$(($(hist_count "$after" latency_us) - $(hist_count "$before" latency_us)))" 53
check "bytes out grew" test "$(delta bytes_out)" -gt 20000
gen=$(generation "$DATA" "$API")
check_eq "fronts saw the push's generation" \
	"$(printf '%s' "$after" | jq -c '[.processes[] | select(.kind == "frontd") | .gauges.gen_seen]')" \
	"[$gen,$gen]"
check_eq "totals.frontd sums the fronts" \
	"$(printf '%s' "$after" | jq '.totals.frontd.req_total')" "$(sum "$after" req_total)"
ing=$(printf '%s' "$after" | jq '.processes[] | select(.kind == "ingestd")')
check_eq "ingestd's pid" "$(printf '%s' "$ing" | jq .pid)" "$INGEST_PID"
check_eq "ingestd counted the push" "$(printf '%s' "$ing" | jq .counters.pushes_accepted)" 1
check_eq "ingestd's generation" "$(printf '%s' "$ing" | jq .gauges.generation)" "$gen"
check "ingestd reports its map" test "$(printf '%s' "$ing" | jq .gauges.map_used)" -gt 0
check_eq "ingestd's push latency histogram" \
	"$(printf '%s' "$ing" | jq .histograms.push_latency_us.count)" 1
check "every process has a pid and a start time" test "$(printf '%s' "$after" |
	jq '[.processes[] | select(.pid > 0 and .start_us > 1600000000000000)] | length')" = 3

# kill -9 one front, start another: the next snapshot has the new one, not the dead one.
kill -KILL "$PID_A"
wait "$PID_A" 2>/dev/null
FOLIO_NAME=frontd.c check "front c starts" start_frontd "$DATA" "$WEB" frontd_c
PID_C=$FRONT_PID
now=$(stat_json)
pids=$(printf '%s' "$now" | jq -c '[.processes[] | select(.kind == "frontd") | .pid] | sort')
check_eq "the new front is listed, the killed one is not" "$pids" \
	"$(printf '[%s,%s]' "$PID_B" "$PID_C" | jq -c 'sort')"
check "the killed front's socket was cleaned up" test ! -e "$DATA/run/stats/frontd-$PID_A.sock"
# (start_frontd's readiness probe is its only request, if SO_REUSEPORT gave it to c)
check "the new front starts from zero" test "$(printf '%s' "$now" |
	jq ".processes[] | select(.pid == $PID_C) | .counters.req_total")" -le 1

# The dashboard itself: one refresh, plain text when not on a terminal.
screen=$("$FOLIO" stat --data "$DATA" --count 2 --interval 0.2)
check_contains "folio stat shows the fronts" "$screen" "frontd.c"
check_contains "folio stat shows ingestd" "$screen" "ingestd-$INGEST_PID"
check_contains "folio stat has a totals row" "$screen" "total"
check "folio stat --json fails without processes" \
	sh -c '! "$1" stat --json --data "$2" >/dev/null 2>&1' _ "$FOLIO" "$T/nothing"

# Prometheus: /metrics is open by default, aggregates every process, and is valid.
metrics=$(curl -s --max-time 5 "http://127.0.0.1:$API/metrics")
check_contains "metrics have ingestd" "$metrics" "folio_ingestd_pushes_accepted_total{process=\"ingestd-$INGEST_PID\",kind=\"ingestd\",pid=\"$INGEST_PID\"} 1"
check_contains "metrics have front c" "$metrics" "folio_frontd_req_total{process=\"frontd.c\",kind=\"frontd\",pid=\"$PID_C\"} "
check_contains "metrics have a histogram" "$metrics" "# TYPE folio_frontd_latency_seconds histogram"
check_lacks "metrics lack the killed front" "$metrics" "pid=\"$PID_A\""
if promtool=$(sh tools/promtool.sh promtool 2>"$T/promtool.err"); then
	printf '%s\n' "$metrics" >"$T/metrics.txt"
	check "promtool check metrics" "$promtool" check metrics <"$T/metrics.txt"
else
	echo "skip promtool check metrics: $(cat "$T/promtool.err") (not counted)"
fi

# A real Prometheus scraping /metrics, when its server can be had (bounded: 20 s).
if prom=$(sh tools/promtool.sh prometheus 2>/dev/null); then
	PP=$(free_port)
	cat >"$T/prometheus.yml" <<EOF
global: {scrape_interval: 1s, evaluation_interval: 1s}
scrape_configs:
  - job_name: folio
    static_configs: [{targets: ['127.0.0.1:$API']}]
EOF
	"$prom" --config.file="$T/prometheus.yml" --storage.tsdb.path="$T/tsdb" \
		--web.listen-address="127.0.0.1:$PP" >"$T/prometheus.log" 2>&1 &
	track $!
	series=""
	for i in $(seq 200); do
		series=$(curl -s --max-time 2 "http://127.0.0.1:$PP/api/v1/query?query=folio_frontd_req_total" |
			jq -c '[.data.result[].metric.process] | sort' 2>/dev/null)
		[ "$series" = '["frontd.b","frontd.c"]' ] && break
		sleep 0.1
	done
	check_eq "Prometheus scraped both fronts" "$series" '["frontd.b","frontd.c"]'
	up=$(curl -s --max-time 2 "http://127.0.0.1:$PP/api/v1/query?query=up" | jq -r '.data.result[0].value[1]')
	check_eq "Prometheus sees the target up" "$up" 1
else
	echo "skip a real Prometheus scrape: no prometheus server (not counted)"
fi

# folio serve: the supervisor answers too, and names its fronts.
SDATA=$T/served
SWEB=$(free_port)
SAPI=$(free_port)
"$FOLIO" serve --data "$SDATA" --port "$SWEB" --api-port "$SAPI" --fronts 2 >"$T/serve.log" 2>&1 &
SERVE_PID=$!
track "$SERVE_PID"
sv=""
for i in $(seq 100); do
	sv=$("$FOLIO" stat --json --data "$SDATA" 2>/dev/null)
	[ "$(printf '%s' "$sv" | jq '[.processes[] | select(.answered)] | length' 2>/dev/null)" = 4 ] && break
	sleep 0.1
done
check_eq "serve: supervisor, ingestd and two fronts answer" \
	"$(printf '%s' "$sv" | jq -c '[.processes[] | .kind] | sort')" '["frontd","frontd","ingestd","serve"]'
check_eq "serve: fronts are named by the supervisor" \
	"$(printf '%s' "$sv" | jq -c '[.processes[] | select(.kind == "frontd") | .name] | sort')" \
	'["frontd.1","frontd.2"]'
check_eq "serve: children running" \
	"$(printf '%s' "$sv" | jq '.processes[] | select(.kind == "serve") | .gauges.children_running')" 3
f1=$(printf '%s' "$sv" | jq '.processes[] | select(.name == "frontd.1") | .pid')
kill -KILL "$f1"
restarted=""
for i in $(seq 100); do
	sv=$("$FOLIO" stat --json --data "$SDATA" 2>/dev/null)
	restarted=$(printf '%s' "$sv" | jq '.processes[] | select(.kind == "serve") | .counters.children_restarted')
	n1=$(printf '%s' "$sv" | jq '[.processes[] | select(.name == "frontd.1")] | length')
	[ "$restarted" = 1 ] && [ "$n1" = 1 ] && break
	sleep 0.1
done
check_eq "serve: the killed front was restarted" "$restarted" 1
check "serve: frontd.1 has a new pid" test "$(printf '%s' "$sv" |
	jq '.processes[] | select(.name == "frontd.1") | .pid')" != "$f1"
check_eq "serve: the child's pid is reported" \
	"$(printf '%s' "$sv" | jq '.processes[] | select(.kind == "serve") | .labelled[] | select(.name == "child_pid" and .labels.child == "frontd.1") | .value')" \
	"$(printf '%s' "$sv" | jq '.processes[] | select(.name == "frontd.1") | .pid')"
stop_pid "$SERVE_PID"
check "serve: sockets are removed at a clean stop" test -z "$(ls -A "$SDATA/run/stats")"

finish
