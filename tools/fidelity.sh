#!/bin/sh
# fidelity.sh: measure how faithfully folio publishes a vault written in Obsidian. Not run
# by the test suite (it may download, and it reports figures rather than pass or fail).
#
#   tools/fidelity.sh [VAULT_DIR]...                 measure these folders
#   tools/fidelity.sh --npm SPEC [--subdir DIR]      a vault shipped inside an npm package
#   tools/fidelity.sh --genvault N                   a generated vault of N notes
#   tools/fidelity.sh                                tests/vault, examples/vault and a
#                                                    generated 2,000-note vault
#
# Each vault is pushed to a fresh local folio (ingestd and one front on 127.0.0.1), then
# crawled with tests/integ/crawl.js from "/" and every URL of the push reply. Printed per
# vault: notes and files; links as the push resolved them (warnings name each unresolved
# target; the most frequent are listed); links as rendered (resolved internal links,
# unresolved spans); URLs reached and how many answer 200; broken internal links, missing
# fragments and raw Obsidian markup left in pages. Downloads and generated vaults go to
# build/fidelity/; the crawler's listings to build/fidelity/<name>.crawl/.
#
# --npm uses the npm client as installed (`npm pack`), so it reaches whatever registry
# npm is configured for. Binaries come from $FOLIO_BIN (default build/debug/bin, else bin).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
vaults=()
npm_spec=""
subdir=""
gen=""
while [ $# -gt 0 ]; do
	case $1 in
	--npm) npm_spec=$2; shift ;;
	--subdir) subdir=$2; shift ;;
	--genvault) gen=$2; shift ;;
	-h | --help)
		sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*) vaults+=("$(realpath -- "$1")") ;;
	esac
	shift
done

# Vault folders are resolved above, from where the tool was started; the rest runs from the
# repository root.
[ -n "${FOLIO_BIN:-}" ] && FOLIO_BIN=$(realpath -- "$FOLIO_BIN")
cd "$(dirname "$0")/.." || exit 1
if [ -z "${FOLIO_BIN:-}" ]; then
	FOLIO_BIN=bin
	[ -x build/debug/bin/ingestd ] && FOLIO_BIN=build/debug/bin
fi
export FOLIO_BIN
. tests/integ/lib.sh

OUT=build/fidelity
mkdir -p "$OUT"

# Fetches an npm package and unpacks it under build/fidelity/npm-<name>/.
if [ -n "$npm_spec" ]; then
	command -v npm >/dev/null 2>&1 || { echo "fidelity: npm is not installed" >&2; exit 1; }
	dest=$OUT/npm-$(printf '%s' "$npm_spec" | tr -c 'A-Za-z0-9._-' '_')
	rm -rf "$dest" && mkdir -p "$dest"
	tgz=$(cd "$dest" && npm pack --silent "$npm_spec" 2>/dev/null | tail -n 1)
	if [ -z "$tgz" ] || [ ! -f "$dest/$tgz" ]; then
		echo "fidelity: npm pack $npm_spec failed" >&2
		exit 1
	fi
	tar -xzf "$dest/$tgz" -C "$dest" || exit 1
	vaults+=("$dest/package${subdir:+/$subdir}")
fi
if [ -n "$gen" ] || { [ ${#vaults[@]} -eq 0 ] && [ -z "$npm_spec" ]; }; then
	[ ${#vaults[@]} -eq 0 ] && [ -z "$gen" ] && vaults=(tests/vault examples/vault)
	n=${gen:-2000}
	rm -rf "$OUT/genvault-$n"
	"$FOLIO_BIN/genvault" --out "$OUT/genvault-$n" --notes "$n" --shape realistic >/dev/null || exit 1
	vaults+=("$OUT/genvault-$n")
fi

# measure DIR: one vault, one fresh site.
measure() {
	local dir=$1 name data api port base crawl
	name=$(realpath --relative-to=. -- "$dir")
	case $name in ../*) name=$(basename "$dir") ;; esac
	name=$(printf '%s' "${name#"$OUT"/}" | tr -c 'A-Za-z0-9._-' '-')
	data=$T/data-$name
	api=$(free_port)
	port=$(free_port)
	base=http://127.0.0.1:$port
	crawl=$OUT/$name.crawl
	start_ingestd "$data" "$api" "ingestd-$name" || return 1
	start_frontd "$data" "$port" "frontd-$name" || return 1

	local t0 t1
	t0=$(date +%s%N)
	"$FOLIO_BIN/folio" push "$dir" --verbose --data "$data" --server "http://127.0.0.1:$api" \
		>"$T/$name.push" 2>&1
	t1=$(date +%s%N)
	{
		sed -n 's/^  .* -> \(\/.*\)$/\1/p' "$T/$name.push"
		printf '/_folio/nav.html\n/tags\n' # site pages reached by script, or not at all
	} >"$T/$name.seeds"
	rm -rf "$crawl"
	node tests/integ/crawl.js "$base" "$crawl" "$T/$name.seeds" >"$T/$name.crawl" 2>&1
	stat() { sed -n "s/^$1 //p" "$T/$name.crawl"; }

	local notes files warned
	notes=$(find "$dir" -name '.*' -prune -o -type f -name '*.md' -print | wc -l)
	files=$(find "$dir" -name '.*' -prune -o -type f -print | wc -l)
	warned=$(grep -c ': link to missing ' "$T/$name.push")
	echo "== $name ($dir)"
	echo "notes                 $notes (of $files files)"
	echo "push                  $(grep '^published: ' "$T/$name.push" | sed 's/^published: //') [$(((t1 - t0) / 1000000)) ms with the client]"
	echo "unresolved (push)     $warned link warnings, $(grep ': link to missing ' "$T/$name.push" |
		sed 's/.*: link to missing //' | sort -u | wc -l) distinct targets"
	echo "rendered links        $(stat links_note) resolved internal links, $(stat unresolved) unresolved"
	echo "URLs reached          $(stat urls) ($(stat pages) HTML pages), $(stat urls_200) answer 200"
	echo "broken internal links $(stat broken) (+ $(stat redirect_chain) redirect chains)"
	echo "missing fragments     $(stat fragment_missing) of $(stat fragments_checked) checked"
	echo "raw markup in pages   $(stat raw_markup)"
	echo "seeds not served      $(stat seeds_unserved) (private notes; /tags and the nav where a site has none)"
	if [ "$warned" -gt 0 ]; then
		echo "top unresolved targets:"
		grep ': link to missing ' "$T/$name.push" | sed 's/.*: link to missing //' |
			sort | uniq -c | sort -rn | head -n 10 | sed 's/^/  /'
	fi
	if grep -qv '^seed-unserved' "$crawl/problems.tsv" 2>/dev/null; then
		echo "first problems (all in $crawl/problems.tsv):"
		grep -v '^seed-unserved' "$crawl/problems.tsv" | head -n 10 | sed 's/^/  /'
	fi
	echo
	stop_pid "$FRONT_PID"
	stop_pid "$INGEST_PID"
}

for v in "${vaults[@]}"; do
	if [ ! -d "$v" ]; then
		echo "fidelity: $v is not a folder" >&2
		continue
	fi
	measure "$v"
done
