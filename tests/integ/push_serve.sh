#!/bin/sh
# push_serve: publish examples/vault with `folio push`, then check what two fronts serve:
# pages, gzip, ETag/304, HEAD, 404/405/400/431, unpublished notes, links, keep-alive.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. tests/integ/lib.sh

API=$(free_port)
F1=$(free_port)
F2=$(free_port)
[ "$F1" != "$F2" ] || F2=$(free_port)
DATA=$T/data

# header NAME < headers: the value of the first header NAME (case-insensitive), no CR.
header() {
	tr -d '\r' | awk -v n="$(echo "$1" | tr 'A-Z' 'a-z')" \
		'{ k = tolower($0); sub(/:.*/, "", k) } k == n { sub(/^[^:]*:[ \t]*/, ""); print; exit }'
}

check "ingestd starts" start_ingestd "$DATA" "$API"
check "front 1 starts" start_frontd "$DATA" "$F1" frontd1
check "front 2 starts" start_frontd "$DATA" "$F2" frontd2

out=$("$FOLIO_BIN/folio" push examples/vault --data "$DATA" --server "http://127.0.0.1:$API" 2>&1)
rc=$?
check_eq "push exits 0" "$rc" 0
check_contains "push prints a summary" "$out" "published: "
check_contains "push counts the new files" "$out" "deleted, "
notes=$(find examples/vault -name '.*' -prune -o -type f -print | wc -l)
check_contains "push sends every file but dot-files" "$out" "published: $notes new, 0 changed, 0 deleted"

files=$(api_get "$DATA" "$API" /api/v1/files)
check_lacks "dot-folders are not pushed" "$files" ".obsidian"
check_contains "the file list has the nested note" "$files" '"Reference/Internals/Page records.md"'

for port in "$F1" "$F2"; do
	base=http://127.0.0.1:$port
	check_eq "[$port] home is 200" "$(http_code "$base/")" 200
	home=$(curl -s "$base/")
	check_contains "[$port] home is the index note" "$home" "Welcome to folio"
	check_eq "[$port] nested note is 200" "$(http_code "$base/reference/internals/page-records")" 200
	check_contains "[$port] nested note is rendered" \
		"$(curl -s "$base/reference/internals/page-records")" "<table"
done

base=http://127.0.0.1:$F1
page=$base/guides/links-and-embeds

# Links: a wikilink's href is the target's URL; a missing note is not an <a>.
home=$(curl -s "$base/")
check_contains "wikilink points at the note's URL" "$home" 'href="/getting-started"'
check_contains "aliased wikilink keeps the target URL" "$home" 'href="/guides/pushing"'
check_contains "wikilink to a heading has a fragment" "$home" 'href="/reference/internals/page-records#layout"'
links=$(curl -s "$page")
check_contains "missing-note link text is shown" "$links" "A note that does not exist yet"
check "missing-note link is not an <a>" \
	sh -c '! printf "%s" "$1" | grep -Eq "<a [^>]*>[^<]*A note that does not exist yet"' _ "$links"
check "link to a draft is not an <a>" \
	sh -c '! printf "%s" "$1" | grep -Eq "<a [^>]*>[^<]*Roadmap ideas"' _ "$links"
check_contains "a note embed shows the section" "$links" \
	'<div class="markdown-embed" data-embed="Architecture#Processes">'
check_contains "the embed links to its source" "$links" \
	'<a class="markdown-embed-link" href="/reference/architecture#processes">'

# Unpublished notes: drafts and private notes answer 404 like missing pages.
check_eq "publish: false note is 404" "$(http_code "$base/drafts/roadmap-ideas")" 404
check_eq "private note is 404" "$(http_code "$base/private/operator-notes")" 404
check_eq "permalink serves the note" "$(http_code "$base/config")" 200

# Assets are served byte for byte with their type.
curl -s -D "$T/png.h" -o "$T/icon.png" "$base/attachments/folio-icon.png"
check "asset bytes match the vault file" cmp -s "$T/icon.png" examples/vault/attachments/folio-icon.png
check_eq "asset content type" "$(header content-type <"$T/png.h")" "image/png"

# gzip: same bytes once decompressed.
curl -s -D "$T/id.h" -o "$T/id.body" "$page"
curl -s -H 'Accept-Encoding: gzip' -D "$T/gz.h" -o "$T/gz.body" "$page"
check_eq "gzip is offered" "$(header content-encoding <"$T/gz.h")" gzip
check_eq "identity has no Content-Encoding" "$(header content-encoding <"$T/id.h")" ""
gunzip -c <"$T/gz.body" >"$T/gz.plain" 2>/dev/null
check "gzip body decompresses to the identity body" cmp -s "$T/gz.plain" "$T/id.body"
check_contains "Vary names Accept-Encoding" "$(header vary <"$T/gz.h")" "Accept-Encoding"

# ETag and If-None-Match.
etag=$(header etag <"$T/id.h")
check "page has an ETag" test -n "$etag"
check_eq "If-None-Match answers 304" "$(http_code "$page" -H "If-None-Match: $etag")" 304
check_eq "another ETag answers 200" "$(http_code "$page" -H 'If-None-Match: "nope"')" 200
check_eq "gzip and identity share the ETag" "$(header etag <"$T/gz.h")" "$etag"

# HEAD: the GET's headers, no body.
head_resp=$(raw_request "$F1" 'HEAD /guides/links-and-embeds HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n')
check_contains "HEAD answers 200" "$(printf '%s' "$head_resp" | head -n 1)" " 200"
check_eq "HEAD Content-Length equals GET's" "$(printf '%s' "$head_resp" | header content-length)" \
	"$(wc -c <"$T/id.body" | tr -d ' ')"
check_eq "HEAD sends no body" "$(printf '%s' "$head_resp" | tr -d '\r' | sed '1,/^$/d' | wc -c | tr -d ' ')" 0

# Errors.
curl -s -D "$T/404.h" -o "$T/404.body" "$base/no/such/page"
check_contains "missing page is 404" "$(head -n 1 "$T/404.h")" " 404"
check_contains "404 is HTML" "$(header content-type <"$T/404.h")" "text/html"
check_contains "404 body is a page" "$(cat "$T/404.body")" "<html"
check_eq "dot-file is not served" "$(http_code "$base/.obsidian/app.json")" 404
curl -s -X POST -D "$T/405.h" -o /dev/null "$base/"
check_contains "POST is 405" "$(head -n 1 "$T/405.h")" " 405"
check_contains "405 has Allow" "$(header allow <"$T/405.h")" "GET"
bad=$(raw_request "$F1" 'GARBAGE\r\n\r\n')
check_contains "garbage request is 400" "$(printf '%s' "$bad" | head -n 1)" " 400"
big=$(head -c 9216 /dev/zero | tr '\0' 'a')
check_eq "9 KB header is 431" "$(http_code "$base/" -H "X-Big: $big")" 431
long=$(head -c 5000 /dev/zero | tr '\0' 'a')
check_eq "long target is 414" "$(http_code "$base/$long")" 414

# Keep-alive: two requests, one connection.
conns=$(curl -s -o /dev/null -o /dev/null -w '%{num_connects}\n' "$base/" "$page" | tr '\n' ' ')
check_eq "two requests reuse one connection" "$conns" "1 0 "
both=$(curl -s "$base/" "$page")
check_contains "keep-alive answers the second request" "$both" "Links and embeds"

finish
