#!/bin/sh
# Installs the Debian 12 packages folio builds, runs and tests with, if any are missing.
# Safe to run again: it only calls apt-get when a package is absent.
set -eu

PKGS="build-essential pkg-config liblmdb-dev lmdb-utils libmd4c-dev libnng-dev libmsgpack-dev
libsqlite3-dev libjansson-dev libyaml-dev zlib1g-dev libcurl4-openssl-dev curl jq"
# Link targets and slugs compare Unicode names in NFC with case folding (libutf8proc).
PKGS="$PKGS libutf8proc-dev"
# tests/integ/drain.sh loads the fronts with wrk; tests/integ/live.sh runs the live-reload
# script in node.
PKGS="$PKGS wrk nodejs"
# tests/integ/backup.sh follows the backup guide (sqlite3's .backup); tests/integ/deploy.sh
# verifies the systemd units and traces the daemons' system calls against their filter.
PKGS="$PKGS sqlite3 systemd strace"
# tests/integ/site_pages.sh checks that /rss.xml and /sitemap.xml are well-formed (xmllint).
PKGS="$PKGS libxml2-utils"
# tests/integ/browser.sh drives headless chromium over the DevTools protocol with node's ws
# (it says "skipped" where chromium cannot be had); tests/integ/site.sh crawls with node.
PKGS="$PKGS chromium node-ws"
# Prometheus's promtool (tests/integ/stats.sh) is not installed here: Debian ships it in the
# prometheus package, which would also start a server. tools/promtool.sh unpacks it instead.
# `deps.sh --bench` adds what make bench compares folio with and loads it with; make test
# never pulls these.
[ "${1:-}" = "--bench" ] && PKGS="$PKGS nginx hugo wrk time"
# KaTeX (math) comes from Debian's libjs-katex; pages with math link it from the site.
# tests/integ/theme_browser.sh drives Chromium from node with node-ws too.
PKGS="$PKGS libjs-katex"

# `deps.sh --mermaid` (make demo) also fetches Mermaid's browser build into
# build/vendor/mermaid.min.js with `npm pack mermaid`, when npm is there and the file is
# not; Debian does not package it. Never required: without it diagrams stay source text.
# The version is pinned: a site's diagrams should not change because npm moved on.
MERMAID_VERSION=12.3.0
if [ "${1:-}" = "--mermaid" ]; then
	out=build/vendor/mermaid.min.js
	[ -s "$out" ] && exit 0
	command -v npm >/dev/null 2>&1 || exit 0
	tmp=$(mktemp -d)
	echo "folio: fetching Mermaid $MERMAID_VERSION with npm (optional; at most a minute)"
	if (cd "$tmp" && timeout 60 npm pack "mermaid@$MERMAID_VERSION" --silent >/dev/null 2>&1 &&
		tar xzf mermaid-*.tgz package/dist/mermaid.min.js) 2>/dev/null; then
		mkdir -p build/vendor && mv "$tmp/package/dist/mermaid.min.js" "$out" &&
			echo "folio: fetched Mermaid into $out"
	else
		echo "folio: could not fetch Mermaid with npm; diagrams stay source text"
	fi
	rm -rf "$tmp"
	exit 0
fi

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
