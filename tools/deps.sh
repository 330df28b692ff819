#!/bin/sh
# Installs the Debian 12 packages folio builds, runs and tests with, if any are missing.
# Safe to run again: it only calls apt-get when a package is absent.
set -eu

PKGS="build-essential pkg-config liblmdb-dev lmdb-utils libmd4c-dev libnng-dev libmsgpack-dev
libsqlite3-dev libjansson-dev libyaml-dev zlib1g-dev libcurl4-openssl-dev curl"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "folio: installing missing packages:$missing"
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
