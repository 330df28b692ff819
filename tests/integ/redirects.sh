#!/bin/sh
# redirects: through a front, a renamed note's old URL answers 301 to its new one, an alias
# URL answers 301 to its note, a vault layout shapes pages, and a push with a broken layout
# is refused with 400 naming file and line while the front keeps serving the old pages.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. tests/integ/lib.sh

API=$(free_port)
F1=$(free_port)
DATA=$T/data
V=$T/vault
mkdir -p "$V/_layouts" "$V/Guides"
printf '# Home\n\nSee [[Old Name]].\n' >"$V/index.md"
printf -- '---\naliases: [Another Name, Guides/Legacy Page]\n---\nThe note that moves.\n' \
	>"$V/Old Name.md"
printf '<!doctype html><title>{{ page.title }}</title><main class="vault-layout">{{ page.content }}</main>\n' \
	>"$V/_layouts/note.html"

push() {
	"$FOLIO_BIN/folio" push "$V" --data "$DATA" --server "http://127.0.0.1:$API" "$@" 2>&1
}

# location URL: the status and Location of a GET, as "301 /path".
location() {
	curl -s -o /dev/null --max-time 5 -w '%{http_code} %{redirect_url}' "$1" |
		sed "s|http://127.0.0.1:$F1||"
}

check "ingestd starts" start_ingestd "$DATA" "$API"
check "front starts" start_frontd "$DATA" "$F1" frontd1
out=$(push)
check_contains "first push publishes" "$out" "published: "
check_lacks "layouts are not published" "$out" "_layouts/note.html: no page"
check_contains "the note is served" "$(curl -s "http://127.0.0.1:$F1/old-name")" "The note that moves."
check_contains "the vault layout shapes it" "$(curl -s "http://127.0.0.1:$F1/old-name")" \
	'<main class="vault-layout">'
check_eq "the layout file is not served" "$(http_code "http://127.0.0.1:$F1/_layouts/note.html")" 404
check_eq "an alias answers 301 to its note" "$(location "http://127.0.0.1:$F1/another-name")" \
	"301 /old-name"
check_eq "an alias with a folder too" "$(location "http://127.0.0.1:$F1/guides/legacy-page")" \
	"301 /old-name"

# Rename: the same bytes under another name and folder, in one push.
mv "$V/Old Name.md" "$V/Guides/New Name.md"
out=$(push)
check_contains "the rename is one push" "$out" "1 new, 0 changed, 1 deleted"
check_contains "the renamed note is served" "$(curl -s "http://127.0.0.1:$F1/guides/new-name")" \
	"The note that moves."
check_eq "the old URL answers 301 to the new" "$(location "http://127.0.0.1:$F1/old-name")" \
	"301 /guides/new-name"
check_eq "the alias follows the note" "$(location "http://127.0.0.1:$F1/another-name")" \
	"301 /guides/new-name"
check_eq "following it lands on the page" \
	"$(http_code "http://127.0.0.1:$F1/old-name" -L)" 200

# A broken layout: 400 naming file and line, nothing changes.
gen_before=$(generation "$DATA" "$API")
printf '<main>\n{%% if page.title %%}\n{{ page.content }}</main>\n' >"$V/_layouts/note.html"
printf 'edited along with the broken layout\n' >>"$V/index.md"
out=$(push)
rc=$?
check_eq "a broken layout fails the push" "$rc" 1
check_contains "the error names file and line" "$out" "_layouts/note.html:2: unclosed {% if %}"
resp=$(curl -s -w '\n%{http_code}' -H "Authorization: Bearer $(cat "$DATA/api.key")" \
	-H 'Content-Type: application/json' \
	--data '{"upserts":[{"path":"_layouts/note.html","content":"{{ page.titel }}"}],"deletes":[]}' \
	"http://127.0.0.1:$API/api/v1/push")
check_eq "the API answers 400" "$(printf '%s' "$resp" | tail -n 1)" 400
check_contains "the 400 names file and line" "$resp" '_layouts/note.html:1: unknown variable page.titel'
check_eq "the refused pushes leave the generation" "$(generation "$DATA" "$API")" "$gen_before"
home=$(curl -s "http://127.0.0.1:$F1/")
check_contains "the old page is still served" "$home" '<main class="vault-layout">'
check_lacks "the edit pushed with it is not" "$home" "edited along with"

finish
