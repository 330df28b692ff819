#!/bin/sh
# site_pages: push a small vault and fetch the pages folio generates around the notes through
# a front: the tag index, a tag page, a folder page, "/" as the root folder page, the nav
# fragment, /rss.xml, /sitemap.xml and /robots.txt (XML checked with xmllint when present).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. tests/integ/lib.sh

API=$(free_port)
F1=$(free_port)
DATA=$T/data
V=$T/vault
mkdir -p "$DATA" "$V/Guides/Sub Folder" "$V/Private"
printf 'base_url = https://docs.example.org/\nsite_title = Docs & Co\n' >"$T/folio.conf"
cat >"$V/Guides/Setup.md" <<'MD'
---
title: Set up <fast>
tags: [guide]
date: 2024-05-01
description: How to "set up" & go
---
Install it. #howto/install
MD
printf 'Deep note #guide\n' >"$V/Guides/Sub Folder/Deep.md"
printf 'Top note, not a #1984 tag.\n' >"$V/Top.md"
printf -- '---\nprivate: true\n---\nHidden #guide\n' >"$V/Private/Hidden.md"

"$FOLIO_BIN/ingestd" -c "$T/folio.conf" --data "$DATA" --api "127.0.0.1:$API" \
	>>"$T/ingestd.log" 2>&1 &
INGEST_PID=$!
track "$INGEST_PID"
check "ingestd starts" wait_http "http://127.0.0.1:$API/api/v1/status" 30
check "front starts" start_frontd "$DATA" "$F1" frontd1

out=$("$FOLIO_BIN/folio" push "$V" --data "$DATA" --server "http://127.0.0.1:$API" 2>&1)
check_eq "push exits 0" "$?" 0
check_contains "push renders the 4 notes only" "$out" "4 rendered"

base=http://127.0.0.1:$F1
# fetch PATH: body to $T/body, headers to $T/head; prints the status.
fetch() {
	curl -s --max-time 5 -D "$T/head" -o "$T/body" -w '%{http_code}' "$base$1"
}
ctype() {
	tr -d '\r' <"$T/head" | sed -n 's/^[Cc]ontent-[Tt]ype: //p'
}
xml_ok() {
	if command -v xmllint >/dev/null; then
		xmllint --noout "$T/body"
	else
		echo "xmllint missing (libxml2-utils): XML not validated" >&2
	fi
}

check_eq "/tags is 200" "$(fetch /tags)" 200
check_contains "/tags lists guide with its count" "$(cat "$T/body")" \
	'href="/tags/guide">#guide</a> <span class="count">2</span>'
check_lacks "/tags has no digits-only tag" "$(cat "$T/body")" "1984"

check_eq "/tags/guide is 200" "$(fetch /tags/guide)" 200
body=$(cat "$T/body")
check_contains "tag page lists the tagged note" "$body" 'href="/guides/setup">Set up &lt;fast&gt;</a>'
check_contains "tag page lists the nested folder's note" "$body" 'href="/guides/sub-folder/deep">Deep</a>'
check_lacks "tag page leaves out private notes" "$body" "Hidden"
check_eq "/tags/howto (parent of a nested tag) is 200" "$(fetch /tags/howto)" 200
check_contains "parent tag page lists the nested tag" "$(cat "$T/body")" 'href="/tags/howto/install"'
check_eq "a tag only a private note has is 404" "$(fetch /tags/private)" 404

check_eq "folder page is 200" "$(fetch /guides)" 200
body=$(cat "$T/body")
check_contains "folder page lists its subfolder" "$body" 'href="/guides/sub-folder">Sub Folder</a>'
check_contains "folder page lists its note" "$body" 'href="/guides/setup">'
check_eq "folder with only private notes is 404" "$(fetch /private)" 404

check_eq "/ is 200" "$(fetch /)" 200
check_contains "/ is the root folder page" "$(cat "$T/body")" 'href="/top">Top</a>'

check_eq "nav fragment is 200" "$(fetch /_folio/nav.html)" 200
body=$(cat "$T/body")
check_contains "nav nests folders" "$body" '<li class="folder"><a href="/guides/sub-folder">Sub Folder</a>'
check_lacks "nav is a fragment, not a page" "$body" "<html"
check_lacks "nav leaves out private notes" "$body" "Hidden"

check_eq "note page links its tag" "$(fetch /guides/setup)" 200
check_contains "inline tag is a link to its page" "$(cat "$T/body")" \
	'<a class="tag" href="/tags/howto/install">#howto/install</a>'

check_eq "/rss.xml is 200" "$(fetch /rss.xml)" 200
check_eq "rss content type" "$(ctype)" "application/rss+xml; charset=utf-8"
check "rss is well-formed XML" xml_ok
body=$(cat "$T/body")
check_contains "rss links are absolute" "$body" "<link>https://docs.example.org/guides/setup</link>"
check_contains "rss escapes text" "$body" "<description>How to &quot;set up&quot; &amp; go</description>"
check_contains "rss dates come from the frontmatter" "$body" "<pubDate>Wed, 01 May 2024 00:00:00 +0000</pubDate>"
check_lacks "rss leaves out private notes" "$body" "Hidden"

check_eq "/sitemap.xml is 200" "$(fetch /sitemap.xml)" 200
check_eq "sitemap content type" "$(ctype)" "application/xml; charset=utf-8"
check "sitemap is well-formed XML" xml_ok
check_contains "sitemap lists a note with lastmod" "$(cat "$T/body")" \
	"<loc>https://docs.example.org/guides/setup</loc><lastmod>2024-05-01</lastmod>"

check_eq "/robots.txt is 200" "$(fetch /robots.txt)" 200
check_eq "robots content type" "$(ctype)" "text/plain; charset=utf-8"
check_contains "robots names the sitemap" "$(cat "$T/body")" "Sitemap: https://docs.example.org/sitemap.xml"

# A body-only edit rewrites the note alone; deleting the last note of a folder removes its page.
printf 'Deep note, edited #guide\n' >"$V/Guides/Sub Folder/Deep.md"
out=$("$FOLIO_BIN/folio" push "$V" --data "$DATA" --server "http://127.0.0.1:$API" 2>&1)
check_contains "body edit renders one note" "$out" "1 rendered"
rm "$V/Guides/Sub Folder/Deep.md"
"$FOLIO_BIN/folio" push "$V" --data "$DATA" --server "http://127.0.0.1:$API" >/dev/null 2>&1
check_eq "emptied folder's page is gone" "$(fetch /guides/sub-folder)" 404
check_lacks "nav no longer lists the folder" "$(fetch /_folio/nav.html >/dev/null; cat "$T/body")" "Sub Folder"

finish
