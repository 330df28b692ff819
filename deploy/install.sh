#!/bin/sh
# install.sh: installs folio on a systemd machine: the binaries, the units, the folio
# account, the kernel settings, the sample config (an existing one is kept) and the
# operations guide. Then it creates the account and enables ingestd, N fronts and
# folio.target. Run it from the repository after `make`, as root:
#
#   deploy/install.sh [--fronts N] [--no-start]
#
# PREFIX (default /usr/local) is where the binaries and docs go; the units are rewritten to
# match. With DESTDIR set, files are staged under it and nothing is created, enabled or
# started (for packaging, and for tests). FOLIO_BIN names the folder holding folio, ingestd
# and frontd (default bin, what `make` builds).
set -eu

PREFIX=${PREFIX:-/usr/local}
DESTDIR=${DESTDIR:-}
FOLIO_BIN=${FOLIO_BIN:-bin}
FRONTS=2
START=1

usage() {
	sed -n '2,13s/^# \{0,1\}//p' "$0"
	exit "$1"
}

while [ $# -gt 0 ]; do
	case $1 in
	--fronts)
		[ $# -ge 2 ] || usage 2
		FRONTS=$2
		shift 2
		;;
	--no-start)
		START=0
		shift
		;;
	-h | --help) usage 0 ;;
	*)
		echo "install.sh: unknown argument $1" >&2
		usage 2
		;;
	esac
done
case $FRONTS in
'' | *[!0-9]* | 0)
	echo "install.sh: --fronts wants a number of fronts, 1 or more" >&2
	exit 2
	;;
esac

here=$(dirname "$0")
for prog in folio ingestd frontd; do
	if [ ! -x "$FOLIO_BIN/$prog" ]; then
		echo "install.sh: $FOLIO_BIN/$prog is missing: run make first (or set FOLIO_BIN)" >&2
		exit 1
	fi
done
if [ -z "$DESTDIR" ] && [ "$(id -u)" != 0 ]; then
	echo "install.sh: run as root (or set DESTDIR to stage the files)" >&2
	exit 1
fi

bindir=$PREFIX/bin
docdir=$PREFIX/share/doc/folio
unitdir=/etc/systemd/system

install -d "$DESTDIR$bindir" "$DESTDIR$docdir" "$DESTDIR$unitdir" "$DESTDIR/etc/folio" \
	"$DESTDIR/etc/sysusers.d" "$DESTDIR/etc/sysctl.d"
install -m 0755 "$FOLIO_BIN/folio" "$FOLIO_BIN/ingestd" "$FOLIO_BIN/frontd" "$DESTDIR$bindir/"
for unit in folio-ingestd.service folio-frontd@.service folio.target; do
	sed -e "s#/usr/local/bin/#$bindir/#g" -e "s#/usr/local/share/doc/folio/#$docdir/#g" \
		"$here/$unit" >"$DESTDIR$unitdir/$unit"
	chmod 0644 "$DESTDIR$unitdir/$unit"
done
install -m 0644 "$here/folio.sysusers" "$DESTDIR/etc/sysusers.d/folio.conf"
install -m 0644 "$here/folio.sysctl" "$DESTDIR/etc/sysctl.d/60-folio.conf"
install -m 0644 "$here/OPERATIONS.md" "$here/folio.conf" "$DESTDIR$docdir/"
if [ -e "$DESTDIR/etc/folio/folio.conf" ]; then
	echo "kept $DESTDIR/etc/folio/folio.conf; the new sample is $DESTDIR$docdir/folio.conf"
else
	install -m 0644 "$here/folio.conf" "$DESTDIR/etc/folio/folio.conf"
fi

if [ -n "$DESTDIR" ]; then
	echo "staged folio under $DESTDIR"
	exit 0
fi

systemd-sysusers /etc/sysusers.d/folio.conf
# The config may hold api_key: readable by root and the daemons only.
chgrp folio /etc/folio/folio.conf
chmod 0640 /etc/folio/folio.conf
sysctl -q -p /etc/sysctl.d/60-folio.conf || echo "note: some kernel settings did not apply"
systemctl daemon-reload
units="folio.target folio-ingestd.service"
i=1
while [ "$i" -le "$FRONTS" ]; do
	units="$units folio-frontd@$i.service"
	i=$((i + 1))
done
# shellcheck disable=SC2086
if [ "$START" = 1 ]; then
	systemctl enable --now $units
else
	systemctl enable $units
fi
echo "installed folio: $units"
echo "publish with: sudo -u folio $bindir/folio push VAULT --data /var/lib/folio"
