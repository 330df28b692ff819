#!/bin/sh
# backup: the backup and restore steps of deploy/OPERATIONS.md, as written there. An online
# SQLite backup and an mdb_copy of the page store are taken while the site serves; after a
# later push, restoring both brings the earlier site back with nothing to rebuild; restoring
# the database alone makes ingestd rebuild the store; a store copy ahead of the database is
# rebuilt too. folio check passes after each restore.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. tests/integ/lib.sh

for tool in sqlite3 mdb_copy; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "note: $tool is missing (run tools/deps.sh): backups not tested"
		finish
		exit 0
	fi
done

API=$(free_port)
F1=$(free_port)
DATA=$T/data
V=$T/vault
B=$T/backups
SERVER=http://127.0.0.1:$API
mkdir -p "$V" "$B"

push() {
	"$FOLIO_BIN/folio" push "$V" --data "$DATA" --server "$SERVER" 2>&1
}

write_site() {
	printf '# Home\n\nSite version %s. See [[Page]].\n' "$1" >"$V/index.md"
	printf '# Page\n\nPage version %s.\n' "$1" >"$V/Page.md"
}

start_site() {
	: >"$T/ingestd.log"
	start_ingestd "$DATA" "$API" && start_frontd "$DATA" "$F1" frontd1
}

stop_site() {
	stop_pid "$FRONT_PID"
	stop_pid "$INGEST_PID"
}

page() {
	curl -s "http://127.0.0.1:$F1/page"
}

# restore DB [PAGES]: the guide's restore: the database file, then the store copy or none.
restore() {
	stop_site
	cp "$1" "$DATA/folio.db"
	rm -f "$DATA/folio.db-wal" "$DATA/folio.db-shm"
	if [ -n "${2:-}" ]; then
		cp "$2/data.mdb" "$DATA/pages/data.mdb"
	else
		rm -f "$DATA/pages/data.mdb" "$DATA/pages/lock.mdb"
	fi
	start_site
}

write_site v1
check "the site starts" start_site
check_contains "v1 is published" "$(push)" "published: "
check_contains "v1 is served" "$(page)" "Page version v1"

# Online backups, while ingestd and a front run: the database first, then the store.
check "sqlite3 .backup while serving" sqlite3 "$DATA/folio.db" ".backup '$B/folio-v1.db'"
check_eq "the backup passes integrity_check" "$(sqlite3 "$B/folio-v1.db" 'PRAGMA integrity_check')" ok
mkdir -p "$B/pages-v1"
check "mdb_copy -c while serving" mdb_copy -c "$DATA/pages" "$B/pages-v1"

write_site v2
check_contains "v2 is published" "$(push)" "published: "
check_contains "v2 is served" "$(page)" "Page version v2"
# A store copy taken after a later push: ahead of the v1 database backup.
mkdir -p "$B/pages-v2"
check "mdb_copy of the later store" mdb_copy "$DATA/pages" "$B/pages-v2"

# 1. Database and matching store: v1 is back and nothing is rebuilt.
check "restore database and store" restore "$B/folio-v1.db" "$B/pages-v1"
check_contains "v1 is served again" "$(page)" "Page version v1"
check_lacks "the matching store is not rebuilt" "$(cat "$T/ingestd.log")" "recover.rebuild"
check "folio check passes" quiet "$FOLIO_BIN/folio" check --data "$DATA" --server "$SERVER"

# 2. Database alone: the store is rebuilt from it.
write_site v3
check_contains "v3 is published" "$(push)" "published: "
check "restore the database alone" restore "$B/folio-v1.db"
check_contains "ingestd rebuilds the missing store" "$(cat "$T/ingestd.log")" \
	'reason="no page store"'
check_contains "v1 is served after the rebuild" "$(page)" "Page version v1"
check "folio check passes" quiet "$FOLIO_BIN/folio" check --data "$DATA" --server "$SERVER"

# 3. A store copy ahead of the database: rebuilt rather than trusted.
check "restore the database with a later store" restore "$B/folio-v1.db" "$B/pages-v2"
check_contains "ingestd rebuilds the store that is ahead" "$(cat "$T/ingestd.log")" \
	'reason="page store is ahead of the database"'
check_contains "v1 is served" "$(page)" "Page version v1"
check "folio check passes" quiet "$FOLIO_BIN/folio" check --data "$DATA" --server "$SERVER"

# The next push goes on from the restored database.
write_site v4
check_contains "a push after the restores works" "$(push)" "published: "
check_contains "v4 is served" "$(page)" "Page version v4"

finish
