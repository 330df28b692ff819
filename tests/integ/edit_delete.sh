#!/bin/sh
# edit_delete: later pushes. An edit, an addition and a deletion show up on both fronts on
# the very next request; a push with no change sends nothing; a rejected push changes
# nothing; the CLI refuses a wrong key and explains an unreachable server.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. tests/integ/lib.sh

API=$(free_port)
F1=$(free_port)
F2=$(free_port)
[ "$F1" != "$F2" ] || F2=$(free_port)
DATA=$T/data
V=$T/vault
cp -R examples/vault "$V"

push() {
	"$FOLIO_BIN/folio" push "$V" --data "$DATA" --server "http://127.0.0.1:$API" "$@" 2>&1
}

check "ingestd starts" start_ingestd "$DATA" "$API"
check "front 1 starts" start_frontd "$DATA" "$F1" frontd1
check "front 2 starts" start_frontd "$DATA" "$F2" frontd2
out=$(push)
check_contains "first push publishes" "$out" "published: "

# Edit one note.
marker="edited-$$-$RANDOM"
printf '\nThis line was added by the test: %s\n' "$marker" >>"$V/Getting started.md"
out=$(push)
check_contains "edit is one changed file" "$out" "0 new, 1 changed, 0 deleted"
for port in "$F1" "$F2"; do
	check_contains "[$port] edit is visible at once" \
		"$(curl -s "http://127.0.0.1:$port/getting-started")" "$marker"
done

# Add a note that links to an existing one.
printf -- '---\ntitle: Added later\n---\n# Added later\n\nSee [[Getting started]].\n' >"$V/Added later.md"
out=$(push)
check_contains "addition is one new file" "$out" "1 new, 0 changed, 0 deleted"
for port in "$F1" "$F2"; do
	page=$(curl -s "http://127.0.0.1:$port/added-later")
	check_contains "[$port] new note is served" "$page" "Added later"
	check_contains "[$port] new note links to its target" "$page" 'href="/getting-started"'
done

# Delete a note.
rm "$V/Operations/Scaling fronts.md"
out=$(push)
check_contains "deletion is one deleted file" "$out" "0 new, 0 changed, 1 deleted"
for port in "$F1" "$F2"; do
	check_eq "[$port] deleted note is 404" \
		"$(http_code "http://127.0.0.1:$port/operations/scaling-fronts")" 404
done

# Nothing changed: nothing is sent.
gen_before=$(generation "$DATA" "$API")
out=$(push)
check_contains "second push with no change is up to date" "$out" "up to date"
check_eq "up-to-date push leaves the generation" "$(generation "$DATA" "$API")" "$gen_before"

# Dry run lists the change and sends nothing.
printf 'dry run\n' >"$V/Dry run.md"
out=$(push --dry-run)
check_contains "dry run lists the new file" "$out" "Dry run.md"
check_eq "dry run leaves the generation" "$(generation "$DATA" "$API")" "$gen_before"
rm "$V/Dry run.md"

# Symlinks out of the vault and special files are left out.
ln -s /etc/hostname "$V/outside.md"
mkfifo "$V/pipe.md"
out=$(push)
check_contains "symlink out of the vault is skipped" "$out" "outside.md: symlink leads out of the vault"
check_contains "FIFO is skipped" "$out" "pipe.md: not a regular file"
check_lacks "skipped files are not pushed" "$(api_get "$DATA" "$API" /api/v1/files)" "outside.md"
rm "$V/outside.md" "$V/pipe.md"

# A rejected push changes nothing and names the file.
gen_before=$(generation "$DATA" "$API")
resp=$(curl -s -w '\n%{http_code}' -H "Authorization: Bearer $(cat "$DATA/api.key")" \
	-H 'Content-Type: application/json' \
	--data '{"upserts":[{"path":"../x.md","content":"x"},{"path":"ok.md","content":"fine"}],"deletes":[]}' \
	"http://127.0.0.1:$API/api/v1/push")
check_eq "bad path is 400" "$(printf '%s' "$resp" | tail -n 1)" 400
check_contains "400 names the bad path" "$resp" '"path":'
check_contains "400 has details" "$resp" '"details"'
check_eq "rejected push leaves the generation" "$(generation "$DATA" "$API")" "$gen_before"
check_eq "rejected push published nothing" "$(http_code "http://127.0.0.1:$F1/ok")" 404

# Authentication and reachability.
out=$("$FOLIO_BIN/folio" push "$V" --key wrong-key --server "http://127.0.0.1:$API" 2>&1)
rc=$?
check_eq "wrong key exits 1" "$rc" 1
check_contains "wrong key is explained" "$out" "refused the API key"
check_eq "no key is 401" "$(http_code "http://127.0.0.1:$API/api/v1/files")" 401
dead=$(free_port)
out=$("$FOLIO_BIN/folio" push "$V" --key k --server "http://127.0.0.1:$dead" 2>&1)
rc=$?
check_eq "unreachable server exits 1" "$rc" 1
check_contains "unreachable server is explained" "$out" "cannot reach the folio API"
out=$("$FOLIO_BIN/folio" push "$T/no-such-vault" --key k --server "http://127.0.0.1:$API" 2>&1)
check_contains "missing vault is explained" "$out" "cannot open vault"

finish
