#!/bin/sh
# site: push the fidelity vault (tests/vault) and check the whole site a reader gets.
#
# The crawler (tests/integ/crawl.js) starts from "/" and from every URL of the push reply
# and follows every internal href and src. Over everything it reaches:
#   - every internal link and image answers 200 (after at most one redirect);
#   - every #fragment of an internal link exists as an id on its target page;
#   - links rendered unresolved appear only in "Broken links", exactly the two it writes;
#   - no page shows raw "[[", "%%" or "==" outside code.
# Then a table of specific expectations (source page, link or markup it must have), for the
# rules a crawl cannot tell: duplicate names, NFC, embeds, tags, folders, redirects.
# The listings the crawler wrote stay in $T/crawl while the test runs (KEEP=DIR copies them).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. tests/integ/lib.sh

if ! command -v node >/dev/null 2>&1; then
	echo "skipped: node not installed"
	finish
	exit
fi

API=$(free_port)
F1=$(free_port)
DATA=$T/data
base=http://127.0.0.1:$F1

# base_url is the front itself, so canonical links, og:image and the sitemap's locations
# are absolute URLs of this site, and the crawler checks them too.
printf 'base_url = %s\n' "$base" >"$T/folio.conf"
"$FOLIO_BIN/ingestd" -c "$T/folio.conf" --data "$DATA" --api "127.0.0.1:$API" >>"$T/ingestd.log" 2>&1 &
INGEST_PID=$!
track "$INGEST_PID"
check "ingestd starts" wait_http "http://127.0.0.1:$API/api/v1/status" 30
check "front starts" start_frontd "$DATA" "$F1" frontd

"$FOLIO_BIN/folio" push tests/vault --verbose --data "$DATA" --server "http://127.0.0.1:$API" \
	>"$T/push.out" 2>&1
check_eq "push exits 0" "$?" 0

# "  PATH -> URL" lines: the URL of every published file, with paths NFC-normalised.
sed -n 's/^  \(.*\) -> \(\/.*\)$/\1\t\2/p' "$T/push.out" |
	node -e 'let s = ""; process.stdin.on("data", d => s += d).on("end", () => process.stdout.write(
		s.split("\n").map(l => l.replace(/^[^\t]*/, p => p.normalize("NFC"))).join("\n")))' \
		>"$T/urls.tsv"
# Seeds: every URL of the push reply, and the site pages nothing may link to (the nav tree
# is fetched by script; its links must answer too).
{
	cut -f2 "$T/urls.tsv"
	printf '/_folio/nav.html\n/tags\n'
} >"$T/seeds"
check "push reply lists URLs" test -s "$T/seeds"

# The push warns about exactly the two broken links, both in "Broken links.md".
warnings=$(grep -v '^  ' "$T/push.out" | grep -v -e '^hashing ' -e '^published: ' | sort)
check_eq "push warns only about Broken links.md" "$warnings" \
	'Broken links.md: link to missing note "Missing note that does not exist"
Broken links.md: link to missing note "Unpublished"'

node tests/integ/crawl.js "$base" "$T/crawl" "$T/seeds" >"$T/crawl.out" 2>&1
check_eq "crawler runs" "$?" 0
sed 's/^/     /' "$T/crawl.out" | grep -v '     problem'
[ -n "${KEEP:-}" ] && mkdir -p "$KEEP" && cp "$T"/crawl/*.tsv "$T/urls.tsv" "$KEEP"/

# stat NAME: a number from the crawler's summary.
stat() {
	sed -n "s/^$1 //p" "$T/crawl.out"
}
# problems KIND: the crawler's problems of one kind, one per line.
problems() {
	awk -F '\t' -v k="$1" '$1 == k { print $2 "  " $3 }' "$T/crawl/problems.tsv"
}

check "the crawl reaches every published note" test "$(stat pages)" -ge 25
check_eq "every internal link and image answers 200" "$(problems broken)" ""
check_eq "no link needs two redirects" "$(problems redirect-chain)" ""
check_eq "every link's #fragment is an id on its page" "$(problems fragment)" ""
check_eq "no raw [[, %% or == outside code" "$(problems raw-markup)" ""
check_eq "every URL of the push reply is served, but the private note's" \
	"$(problems seed-unserved | grep -v -e '^/_folio/nav.html ' -e '^/tags ')" "/frontmatter/private  404"
check_eq "scripts, styles and media load from the site itself" \
	"$(awk -F '\t' '$2 != "a" && $2 != "area" && $2 != "meta" && $5 ~ /^[a-z]+:/ { print $1 "  " $2 " " $4 }' \
		"$T/crawl/links.tsv")" ""
check_eq "no unresolved element is a link" \
	"$(awk -F '\t' '$2 == "a" && $6 ~ /unresolved/ { print $1 "  " $4 }' "$T/crawl/links.tsv")" ""
check_eq "unresolved links are exactly the two in Broken links" \
	"$(sort "$T/crawl/unresolved.tsv")" \
	"$(printf '/broken-links\tMissing note that does not exist\n/broken-links\tUnpublished')"

# --- specific expectations ----------------------------------------------------------------
#
# KIND PAGE | VALUE
#   a / img / audio / video / link  PAGE has an element of that kind (link: any) whose URL,
#                  percent-decoded, is VALUE ("url-of:PATH": the URL the push reply gave PATH)
#   embed          PAGE embeds VALUE in an iframe, embed or object
#   nolink         no element of PAGE points at VALUE
#   has / lacks    PAGE's HTML contains / does not contain VALUE (fixed string)
#   status         PAGE answers with status VALUE (no redirect followed)
#   redirect       PAGE answers 301 with Location VALUE
#   notfound       PAGE answers 404 with a body containing VALUE
expectations() {
	cat <<'EOF'
a        /links/wikilinks | /targets/plain-note
a        /links/wikilinks | /targets/other-note
a        /links/wikilinks | /targets/caps-and-spaces-note
a        /links/wikilinks | url-of:Targets/Café Crème.md
a        /links/wikilinks | url-of:Targets/Résumé.md
a        /links/wikilinks | /names/shared-name
a        /names/deep-folder/linker | /names/deep-folder/shared-name
nolink   /names/deep-folder/linker | /names/shared-name
a        /links/wikilinks | /targets/plain-note#second-heading
a        /links/wikilinks | /links/wikilinks#by-name
a        /links/wikilinks | /targets/plain-note#inner-heading
a        /links/wikilinks | /targets/plain-note#^block-with-dashes
a        /links/wikilinks | /targets/plain-note#^list-block-2
a        /links/wikilinks | /targets/other-note#details
has      /links/wikilinks | Plain Note &gt; Second heading
a        /links/markdown-links | /targets/other-note
a        /links/markdown-links | /targets/other-note#details
a        /links/markdown-links | /targets/plain-note
img      /links/markdown-links | /attachments/pixel.png
img      /links/markdown-links | /attachments/icon.svg
a        /links/links-in-tables | /targets/plain-note
has      /links/links-in-tables | >text in a cell</a>
has      /links/links-in-tables | width="100"
has      /embeds/note-embeds | <div class="markdown-embed" data-embed="Plain Note">
has      /embeds/note-embeds | data-embed="Plain Note#Second heading"
has      /embeds/note-embeds | data-embed="Plain Note#^block-with-dashes"
has      /embeds/note-embeds | Text of the first section.
has      /embeds/note-embeds | class="markdown-embed-link"
has      /embeds/loop-a | <div class="markdown-embed" data-embed="Loop B">
has      /embeds/loop-a | <a class="internal embed" href="/embeds/loop-a">
img      /embeds/media-embeds | /attachments/pixel.png
has      /embeds/media-embeds | width="300"
has      /embeds/media-embeds | width="300" height="200"
img      /embeds/media-embeds | /attachments/icon.svg#icon
audio    /embeds/media-embeds | /attachments/tone.wav
video    /embeds/media-embeds | /attachments/clip.webm
embed    /embeds/media-embeds | /attachments/tiny.pdf
has      /markdown/callouts | data-callout="warning"
has      /markdown/callouts | data-callout="unknown-type"
has      /markdown/callouts | <details
lacks    /markdown/callouts | [!
has      /markdown/inline-formatting | <mark>highlighted text</mark>
lacks    /markdown/inline-formatting | this comment is hidden
lacks    /markdown/inline-formatting | A block comment
lacks    /markdown/footnotes | [^first]
lacks    /markdown/footnotes | ^[
has      /markdown/footnotes | Inline footnotes are written in place
has      /markdown/math | <span class="math inline">
has      /markdown/math | <span class="math display">
has      /markdown/math | costs $5 and $10, or $20.
has      /markdown/mermaid | class="mermaid"
has      /markdown/line-breaks | First line<br>
a        /markdown/tags | /tags/fixture
a        /markdown/tags | /tags/mixed-case
a        /markdown/tags | /tags/nested/child
a        /markdown/tags | /tags/topic/sub-topic
nolink   /markdown/tags | /tags/1984
has      /markdown/tags | <a class="tag" href="/tags/nested/child">#nested/child</a>
status   /tags | 200
status   /tags/nested/child | 200
status   /tags/frontmatter-tag | 200
status   /tags/topic/sub-topic | 200
status   /markdown | 200
status   /guides | 200
status   /guides/sub-folder | 200
status   /_folio/nav.html | 200
status   /rss.xml | 200
status   /sitemap.xml | 200
status   /robots.txt | 200
has      /every-key | fidelity-marker
has      /every-key | <meta name="description" content="A note that sets every frontmatter key folio reads.">
has      /every-key | <title>Every frontmatter key
has      /every-key | datetime="2024-05-17"
has      /every-key | rel="canonical"
link     /every-key | /attachments/pixel.png
redirect /frontmatter/everything | /every-key
redirect /old-everything | /every-key
redirect /frontmatter/former-name | /every-key
status   /frontmatter/unpublished | 404
status   /frontmatter/draft | 404
status   /frontmatter/private | 404
status   /frontmatter/draft-free | 200
notfound /no/such/page | Lost in the vault
link     / | /publish.css
link     / | /publish.js
link     / | /favicon.ico
EOF
}

# url_of PATH: the URL the push reply gave PATH (NFC).
url_of() {
	awk -F '\t' -v p="$1" '$1 == p { print $2; exit }' "$T/urls.tsv"
}

# page_file PAGE: a file holding the page's body, fetched once.
page_file() {
	local f
	f=$T/pages/$(printf '%s' "$1" | md5sum | cut -c1-16)
	mkdir -p "$T/pages"
	[ -f "$f" ] || curl -s --max-time 10 -o "$f" "$base$1"
	echo "$f"
}

# has_text PAGE TEXT / lacks_text PAGE TEXT: fixed-string search in the page's HTML.
has_text() {
	grep -qF -- "$2" "$(page_file "$1")"
}
lacks_text() {
	! has_text "$@"
}

# has_link PAGE TAGS VALUE: PAGE has an element among TAGS (awk regex) pointing at VALUE.
has_link() {
	awk -F '\t' -v p="$1" -v t="$2" -v v="$3" \
		'$1 == p && $2 ~ ("^(" t ")$") && $7 == v { found = 1 } END { exit !found }' \
		"$T/crawl/links.tsv"
}

no_link() {
	! has_link "$@"
}

# The crawl only holds pages it reached; a page of the table it missed is fetched for the
# markup checks, and counts as missing for the link checks.
while IFS='|' read -r left value; do
	case $left in '' | '#'*) continue ;; esac
	kind=${left%% *}
	page=$(printf '%s' "${left#"$kind"}" | sed 's/^ *//; s/ *$//')
	value=${value# }
	case $value in url-of:*)
		want=$(url_of "${value#url-of:}")
		value=$(node -e 'console.log(decodeURIComponent(process.argv[1]).normalize("NFC"))' "${want:-?}")
		;;
	esac
	name="$page: $kind $value"
	case $kind in
	a) check "$name" has_link "$page" a "$value" ;;
	img) check "$name" has_link "$page" img "$value" ;;
	audio) check "$name" has_link "$page" 'audio|source' "$value" ;;
	video) check "$name" has_link "$page" 'video|source' "$value" ;;
	embed) check "$name" has_link "$page" 'iframe|embed|object' "$value" ;;
	link) check "$name" has_link "$page" '[a-z]+' "$value" ;;
	nolink) check "$name" no_link "$page" '[a-z]+' "$value" ;;
	has) check "$name" has_text "$page" "$value" ;;
	lacks) check "$name" lacks_text "$page" "$value" ;;
	status) check_eq "$name" "$(http_code "$base$page")" "$value" ;;
	redirect)
		got=$(curl -s -o /dev/null --max-time 5 -w '%{http_code} %{redirect_url}' "$base$page")
		check_eq "$name" "$got" "301 $base$value"
		;;
	notfound)
		check_eq "$page answers 404" "$(http_code "$base$page")" 404
		check_contains "$name" "$(curl -s --max-time 5 "$base$page")" "$value"
		;;
	*) check "known expectation kind '$kind'" false ;;
	esac
done <<EOF
$(expectations)
EOF

finish
