#!/bin/sh
# deploy: what deploy/ installs. install.sh stages every file under DESTDIR; the staged units
# pass `systemd-analyze verify` (which must also be shown to catch a broken unit), carry
# the hardening the guide promises, rate OK in `systemd-analyze security`; the account file
# makes the folio user; the sample config loads; and, when strace is there, every system
# call the daemons make while serving, pushing, checking and rebuilding is one the units'
# SystemCallFilter allows. Without systemd-analyze the test prints a note and checks nothing.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. tests/integ/lib.sh

if ! command -v systemd-analyze >/dev/null 2>&1; then
	echo "note: systemd-analyze is not installed: deploy/ units not verified (skipped)"
	finish
	exit 0
fi

R=$T/root

# --- install.sh ---------------------------------------------------------------------------------

out=$(DESTDIR=$R FOLIO_BIN=$FOLIO_BIN sh deploy/install.sh 2>&1)
check_eq "install.sh stages the files" "$?" 0
for f in usr/local/bin/folio usr/local/bin/ingestd usr/local/bin/frontd \
	etc/systemd/system/folio-ingestd.service etc/systemd/system/folio-frontd@.service \
	etc/systemd/system/folio.target etc/sysusers.d/folio.conf etc/sysctl.d/60-folio.conf \
	etc/folio/folio.conf usr/local/share/doc/folio/OPERATIONS.md; do
	check "staged /$f" test -s "$R/$f"
done
out=$(DESTDIR=$R FOLIO_BIN=$FOLIO_BIN sh deploy/install.sh 2>&1)
check_contains "a second install keeps the config" "$out" "kept $R/etc/folio/folio.conf"
out=$(DESTDIR=$T/r2 PREFIX=/opt/folio FOLIO_BIN=$FOLIO_BIN sh deploy/install.sh 2>&1)
check_contains "PREFIX moves the binaries the units run" \
	"$(cat "$T/r2/etc/systemd/system/folio-ingestd.service")" "ExecStart=/opt/folio/bin/ingestd"
DESTDIR=$T/r3 FOLIO_BIN=$FOLIO_BIN sh deploy/install.sh --fronts 0 >/dev/null 2>&1
check_eq "install.sh --fronts 0 is a usage error" "$?" 2
DESTDIR=$T/r3 FOLIO_BIN=$T/nothing sh deploy/install.sh >/dev/null 2>&1
check_eq "install.sh without binaries fails" "$?" 1

# --- systemd-analyze verify -----------------------------------------------------------------------

# verify under --root finds the units' dependencies (sysinit.target, ...) in the root.
mkdir -p "$R/usr/lib/systemd"
cp -a /usr/lib/systemd/system "$R/usr/lib/systemd/"
out=$(systemd-analyze --root="$R" verify folio-ingestd.service folio-frontd@1.service \
	folio-frontd@2.service folio.target 2>&1)
check_eq "systemd-analyze verify passes" "$?" 0
check_eq "and has nothing to say" "$out" ""

# The same verify must notice a broken unit, or its silence proves nothing.
cp -a "$R" "$T/broken"
sed -i 's/^ProtectSystem=/ProtectSytem=/' "$T/broken/etc/systemd/system/folio-ingestd.service"
rm "$T/broken/usr/local/bin/frontd"
out=$(systemd-analyze --root="$T/broken" verify folio-ingestd.service folio-frontd@1.service 2>&1)
check_contains "verify flags an unknown key" "$out" "ProtectSytem"
check_contains "verify flags a missing binary" "$out" "frontd"

# --- what the units promise -----------------------------------------------------------------------

for u in folio-ingestd.service folio-frontd@.service; do
	text=$(cat "deploy/$u")
	for want in "User=folio" "ProtectSystem=strict" "ReadWritePaths=/var/lib/folio" \
		"NoNewPrivileges=yes" "PrivateTmp=yes" "ProtectHome=yes" \
		"RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6" "CapabilityBoundingSet=" \
		"SystemCallFilter=@system-service" "LimitNOFILE=" "KillSignal=SIGTERM" \
		"TimeoutStopSec=" "StateDirectory=folio" "PartOf=folio.target" \
		"WantedBy=folio.target"; do
		check_contains "$u: $want" "$text" "$want"
	done
	check_lacks "$u: no ExecReload (config is immutable)" "$text" "ExecReload"
	level=$(systemd-analyze security --offline=yes --root="$R" "${u/@/@1}" 2>/dev/null |
		sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
	check "$u: systemd-analyze security rates it OK (exposure $level)" \
		awk -v l="$level" 'BEGIN { exit !(l != "" && l + 0 <= 2.0) }'
done
check_contains "folio.target starts with the system" "$(cat deploy/folio.target)" \
	"WantedBy=multi-user.target"

# --- the account, the sysctl file and the sample config -----------------------------------------

if command -v systemd-sysusers >/dev/null 2>&1; then
	check "systemd-sysusers takes the account file" quiet systemd-sysusers --root="$R" \
		"$R/etc/sysusers.d/folio.conf"
	check_contains "it makes the folio user, home /var/lib/folio, no shell" \
		"$(grep '^folio:' "$R/etc/passwd")" ":/var/lib/folio:/usr/sbin/nologin"
else
	echo "note: systemd-sysusers is not installed: the account file is not tried"
fi
bad=$(grep -v -e '^#' -e '^$' deploy/folio.sysctl | grep -v -E '^[a-z0-9_.]+ = [0-9 ]+$')
check_eq "folio.sysctl is key = value lines" "$bad" ""
for key in $(sed -n 's/^\([a-z0-9_.]*\) = .*/\1/p' deploy/folio.sysctl); do
	[ -e "/proc/sys/$(echo "$key" | tr . /)" ] ||
		echo "note: this kernel has no $key (it is skipped where it is missing)"
done
check "the installed sample config loads" quiet "$R/usr/local/bin/ingestd" \
	-c "$R/etc/folio/folio.conf" --dump-config

# --- the daemons' system calls against the units' filter ----------------------------------------

# expand GROUP: the system calls a systemd group (or a single call) stands for.
expand() {
	case $1 in
	@*)
		systemd-analyze syscall-filter "$1" 2>/dev/null | sed '1d; s/^ *//' |
			grep -v -e '^#' -e '^$' | while read -r s; do expand "$s"; done
		;;
	*) echo "$1" ;;
	esac
}

# allowed UNIT: what UNIT's SystemCallFilter= lines let through, one call per line.
allowed() {
	local line v allow="" deny=""
	while IFS= read -r line; do
		v=${line#SystemCallFilter=}
		case $v in
		~*) deny="$deny ${v#\~}" ;;
		*) allow="$allow $v" ;;
		esac
	done < <(grep '^SystemCallFilter=' "deploy/$1")
	for v in $allow; do expand "$v"; done | sort -u >"$T/allow"
	for v in $deny; do expand "$v"; done | sort -u >"$T/deny"
	comm -23 "$T/allow" "$T/deny"
}

# calls TRACE: the system calls an strace -f log shows, one per line.
calls() {
	sed -n 's/^[0-9]* *\([a-z0-9_]*\)(.*/\1/p; s/^[0-9]* *<\.\.\. \([a-z0-9_]*\) resumed>.*/\1/p' \
		"$1" | sort -u
}

if ! command -v strace >/dev/null 2>&1; then
	echo "note: strace is not installed: the daemons' system calls are not compared with the filter"
	finish
	exit
fi

API=$(free_port)
F1=$(free_port)
DATA=$T/data
mkdir -p "$T/vault"
printf '# Home\n\nSee [[Other]] and ![[pic.txt]].\n' >"$T/vault/index.md"
printf '# Other\n\n%s\n' "$(seq 300 | tr '\n' ' ')" >"$T/vault/Other.md"
printf 'an asset\n' >"$T/vault/pic.txt"
strace -f -qq -o "$T/ingestd.trace" "$FOLIO_BIN/ingestd" --data "$DATA" \
	--api "127.0.0.1:$API" >>"$T/ingestd.log" 2>&1 &
TRACER_I=$!
track "$TRACER_I"
check "ingestd starts under strace" wait_http "http://127.0.0.1:$API/api/v1/status" 30
strace -f -qq -o "$T/frontd.trace" "$FOLIO_BIN/frontd" --data "$DATA" \
	--listen "127.0.0.1:$F1" --set access_log=access.log >>"$T/frontd.log" 2>&1 &
TRACER_F=$!
track "$TRACER_F"
check "frontd starts under strace" wait_http "http://127.0.0.1:$F1/" 30
server=(--data "$DATA" --server "http://127.0.0.1:$API")
check "push" quiet "$FOLIO_BIN/folio" push "$T/vault" "${server[@]}"
for url in / /other /pic.txt /missing /Other; do
	curl -s -o /dev/null "http://127.0.0.1:$F1$url"
	curl -s -o /dev/null --compressed "http://127.0.0.1:$F1$url"
done
curl -s -o /dev/null -H 'If-None-Match: *' "http://127.0.0.1:$F1/other"
raw_request "$F1" 'BAD\r\n\r\n' >/dev/null
check "check" quiet "$FOLIO_BIN/folio" check "${server[@]}"
check "rebuild" quiet "$FOLIO_BIN/folio" rebuild "${server[@]}"
curl -s -o /dev/null "http://127.0.0.1:$F1/other"
sleep 1.5
# SIGTERM to the daemons themselves (strace passes it on), so their stop paths are traced.
for t in "$T/frontd.trace" "$T/ingestd.trace"; do
	pid=$(awk 'NR == 1 { print $1 }' "$t")
	[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null
done
for pid in $TRACER_F $TRACER_I; do
	for i in $(seq 100); do
		running "$pid" || break
		sleep 0.1
	done
	wait "$pid" 2>/dev/null
done
for d in ingestd frontd; do
	unit=folio-$d.service
	[ "$d" = frontd ] && unit=folio-frontd@.service
	allowed "$unit" >"$T/$d.allowed"
	calls "$T/$d.trace" >"$T/$d.calls"
	# SQLite hands its journal files back to their owner with fchown when it runs as root,
	# as this test may; under the unit it runs as folio and makes no such call.
	stray=$(comm -23 "$T/$d.calls" "$T/$d.allowed" | grep -vx fchown | tr '\n' ' ')
	check "$d made system calls ($(wc -l <"$T/$d.calls") kinds)" test -s "$T/$d.calls"
	check_eq "every system call $d made passes $unit's filter" "$stray" ""
done

finish
