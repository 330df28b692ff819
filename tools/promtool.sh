#!/bin/sh
# promtool.sh [promtool|prometheus]: prints the path of Prometheus's promtool (or of the
# prometheus server), for the tests that check folio's /metrics.
#
# The one on PATH wins. Otherwise Debian's prometheus package is downloaded with
# `apt-get download` (about 19 MB, a second on a good link) and the two programs are
# unpacked into build/prometheus/ once. The package is never installed: installing it
# would also start a Prometheus server listening on every address.
# Exits 1 with a note on stderr when neither works (offline, no apt): callers skip.
set -u

want=${1:-promtool}
case $want in
promtool | prometheus) ;;
*)
	echo "usage: tools/promtool.sh [promtool|prometheus]" >&2
	exit 2
	;;
esac

if command -v "$want" >/dev/null 2>&1; then
	command -v "$want"
	exit 0
fi

dir=build/prometheus
if [ -x "$dir/$want" ]; then
	echo "$dir/$want"
	exit 0
fi

command -v apt-get >/dev/null 2>&1 || {
	echo "promtool.sh: no $want on PATH and no apt-get to fetch it" >&2
	exit 1
}
mkdir -p "$dir/deb" || exit 1
# apt-get download writes into the current folder.
if ! (cd "$dir/deb" && apt-get download -qq prometheus >/dev/null 2>&1); then
	echo "promtool.sh: cannot download Debian's prometheus package (offline?)" >&2
	exit 1
fi
deb=$(ls "$dir"/deb/prometheus_*.deb 2>/dev/null | head -n 1)
if [ -z "$deb" ] ||
	! dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dir/deb" ./usr/bin/promtool ./usr/bin/prometheus; then
	echo "promtool.sh: cannot unpack $deb" >&2
	exit 1
fi
mv "$dir/deb/usr/bin/promtool" "$dir/deb/usr/bin/prometheus" "$dir/" &&
	rm -rf "$dir/deb" || exit 1
echo "$dir/$want"
