#!/usr/bin/env bash
# make restore-drill: runs the backup and restore commands of docs/DEPLOY.md (the block between
# `<!-- drill:begin -->` and `<!-- drill:end -->`, as written there) against a scratch cluster
# with WAL archiving, then checks what they restored:
# - the dump, restored into a new database, has every client the database had;
# - the point-in-time copy, started, has a client written before TARGET and not one written
#   after it; a Prospecta instance serves /readyz on it.
# The block's first paragraph (the nightly backups) runs before those two clients are written,
# the rest (the restores) after.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
root=$PWD/.data/drill
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
export PATH=$pgbin:$PATH
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cargo build -q -p api --bin prospecta

export HOST=127.0.0.1 PORT BACKUP=$root/backup ARCHIVE=$root/wal RESTORED=$root/restored TARGET
PORT=$(free_port)
restored_port=$(free_port)
cleanup() {
  [ -f "$RESTORED/postmaster.pid" ] && as_pg pg_ctl -D "$RESTORED" -m immediate stop > /dev/null 2>&1 || true
  scripts/pg.sh stop "$root/pg" > /dev/null 2>&1 || true
}
trap cleanup EXIT
cleanup
rm -rf "$root" && mkdir -p "$BACKUP"
install -d -o postgres "$ARCHIVE" 2> /dev/null || mkdir -p "$ARCHIVE"
scripts/pg.sh fresh "$root/pg" "$PORT" prospecta > /dev/null
psql=(psql -h "$HOST" -p "$PORT" -U postgres -d prospecta -v ON_ERROR_STOP=1 -qtA)
# Archiving as docs/DEPLOY.md sets it, with this drill's archive folder.
"${psql[@]}" -c "ALTER SYSTEM SET wal_level = replica" -c "ALTER SYSTEM SET archive_mode = on" \
  -c "ALTER SYSTEM SET archive_command = 'test ! -f $ARCHIVE/%f && cp %p $ARCHIVE/%f'"
scripts/pg.sh stop "$root/pg" && scripts/pg.sh start "$root/pg" "$PORT" > /dev/null

# Data: the demo account (the server seeds it on an empty database, then stops).
export DATABASE_URL="postgres://postgres@$HOST:$PORT/prospecta?sslmode=disable"
seed_demo "$root/seed.log"
clients=$("${psql[@]}" -c "SELECT count(*) FROM contacts")
[ "$clients" -gt 0 ] || { echo "restore-drill: the demo seed wrote no clients" >&2; cat "$root/seed.log" >&2; exit 1; }

block=$(sed -n '/<!-- drill:begin -->/,/<!-- drill:end -->/p' docs/DEPLOY.md | grep -v '^<!--\|^```')
backups=$(echo "$block" | sed '/^$/q')
restores=$(echo "$block" | sed '1,/^$/d')
[ -n "$backups" ] && [ -n "$restores" ] || { echo "restore-drill: no drill block in docs/DEPLOY.md" >&2; exit 1; }
echo "restore-drill: the backups, as docs/DEPLOY.md writes them"
bash -euo pipefail -c "$backups"

account=$("${psql[@]}" -c "SELECT id FROM accounts LIMIT 1")
add_client() {
  "${psql[@]}" -c "INSERT INTO contacts (id, account_id, name, first_contact_at, channel)
                   VALUES (gen_random_uuid(), '$account', '$1', now(), 'manual')"
}
add_client 'Drill before'
sleep 1
TARGET=$("${psql[@]}" -c "SELECT now()")
sleep 1
add_client 'Drill after'
# The WAL holding both is archived before the restore needs it.
wal=$("${psql[@]}" -c "SELECT pg_walfile_name(pg_current_wal_lsn())")
"${psql[@]}" -c "SELECT pg_switch_wal()" > /dev/null
for _ in $(seq 100); do [ -f "$ARCHIVE/$wal" ] && break; sleep 0.1; done
[ -f "$ARCHIVE/$wal" ] || { echo "restore-drill: $wal was not archived" >&2; exit 1; }

echo "restore-drill: the restores, as docs/DEPLOY.md writes them (TARGET $TARGET)"
bash -euo pipefail -c "$restores"

restored=$(psql -h "$HOST" -p "$PORT" -U postgres -d prospecta_restored -qtA -c "SELECT count(*) FROM contacts")
[ "$restored" = "$clients" ] || { echo "restore-drill: the dump restored $restored clients of $clients" >&2; exit 1; }

[ "$(id -u)" = 0 ] && chown -R postgres "$RESTORED"
as_pg pg_ctl -D "$RESTORED" -l "$RESTORED/server.log" -w -t 60 \
  -o "-p $restored_port -k $RESTORED -c listen_addresses=127.0.0.1 -c archive_mode=off" start > /dev/null ||
  { tail -20 "$RESTORED/server.log" >&2; exit 1; }
rpsql=(psql -h "$HOST" -p "$restored_port" -U postgres -d prospecta -qtA)
for _ in $(seq 100); do [ "$("${rpsql[@]}" -c 'SELECT pg_is_in_recovery()' 2> /dev/null)" = f ] && break; sleep 0.2; done
found=$("${rpsql[@]}" -c "SELECT string_agg(name, ', ' ORDER BY name) FROM contacts WHERE name LIKE 'Drill %'")
[ "$found" = "Drill before" ] || { echo "restore-drill: the point-in-time copy has [$found], not [Drill before]" >&2; exit 1; }
DATABASE_URL="postgres://postgres@$HOST:$restored_port/prospecta?sslmode=disable" BIND=127.0.0.1:0 \
  timeout 20 target/debug/prospecta serve --dev > "$root/serve.log" 2>&1 &
server=$!
ready=
for _ in $(seq 100); do
  addr=$(sed -n 's#.*running on \(http://[0-9.:]*\).*#\1#p' "$root/serve.log" | head -1)
  if [ -n "$addr" ] && curl -sf "$addr/readyz" > /dev/null; then ready=$addr; break; fi
  sleep 0.2
done
kill "$server" 2> /dev/null || true
[ -n "$ready" ] || { echo "restore-drill: Prospecta did not serve on the restored cluster" >&2; cat "$root/serve.log" >&2; exit 1; }
echo "restore-drill: the dump restored $restored clients; the point-in-time copy stopped at TARGET (has 'Drill before', not 'Drill after') and serves Prospecta"
