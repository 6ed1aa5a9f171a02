#!/usr/bin/env bash
# make test-deb: installs target/debian/prospecta_*.deb on this machine (as root), runs what the
# installed systemd unit runs (its User, EnvironmentFile, Environment, ExecStartPre and
# ExecStart lines, read from the installed unit: systemd itself is not running here) against
# a scratch PostgreSQL, checks /readyz and the SPA from the installed files, then purges it.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
[ "$(id -u)" = 0 ] || { echo "test-deb installs a package: run it as root" >&2; exit 1; }
deb=$(ls -t target/debian/prospecta_*.deb | head -1)
dir=$PWD/.data/deb-test
port=$(free_port)
app_port=18400
server=
cleanup() {
  [ -n "$server" ] && kill "$server" 2> /dev/null || true
  # runuser does not pass the signal on: the server runs as the package's user.
  pkill -TERM -u prospecta -x prospecta 2> /dev/null || true
  dpkg --purge prospecta > /dev/null 2>&1 || true
  scripts/pg.sh stop "$dir/pg" > /dev/null 2>&1 || true
}
trap cleanup EXIT
rm -rf "$dir" && mkdir -p "$dir"
scripts/pg.sh fresh "$dir/pg" "$port" > /dev/null

dpkg -i "$deb" > "$dir/install.log" 2>&1 || { cat "$dir/install.log" >&2; exit 1; }
unit=/lib/systemd/system/prospecta.service
for f in /usr/bin/prospecta /usr/share/prospecta/spa/index.html /usr/share/prospecta/nginx/prospecta-proxy.conf \
  /etc/prospecta/env "$unit"; do
  [ -e "$f" ] || { echo "test-deb: $f is not installed" >&2; exit 1; }
done
id prospecta > /dev/null || { echo "test-deb: no prospecta user" >&2; exit 1; }
grep -q '^JWT_SECRET=.\{32,\}' /etc/prospecta/env || { echo "test-deb: no JWT_SECRET generated" >&2; exit 1; }
[ "$(stat -c %U:%G:%a /etc/prospecta/env)" = root:prospecta:640 ] || { echo "test-deb: /etc/prospecta/env is readable by others" >&2; exit 1; }
systemd-analyze verify "$unit" 2> "$dir/verify.log" || true
if grep -v 'Failed to\|network-online\|postgresql.service\|Documentation' "$dir/verify.log" | grep -q .; then
  cat "$dir/verify.log" >&2
  exit 1
fi

# The settings file as installed, with this test's database and port.
sed -i -e "s#^DATABASE_URL=.*#DATABASE_URL=postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable#" \
  -e "s#^BIND=.*#BIND=127.0.0.1:$app_port#" /etc/prospecta/env
user=$(sed -n 's/^User=//p' "$unit")
env_file=$(sed -n 's/^EnvironmentFile=//p' "$unit")
mapfile -t extra < <(sed -n 's/^Environment=//p' "$unit")
run_as_unit() {
  (set -a; . "$env_file"; set +a; cd "$(sed -n 's/^WorkingDirectory=//p' "$unit")" &&
    exec runuser -u "$user" -- env "${extra[@]}" DATABASE_URL="$DATABASE_URL" BIND="$BIND" JWT_SECRET="$JWT_SECRET" "$@")
}
# shellcheck disable=SC2046
run_as_unit $(sed -n 's/^ExecStartPre=//p' "$unit") > "$dir/migrate.log" 2>&1 || { cat "$dir/migrate.log" >&2; exit 1; }
# shellcheck disable=SC2046
run_as_unit $(sed -n 's/^ExecStart=//p' "$unit") > "$dir/serve.log" 2>&1 &
server=$!
wait_ready "http://127.0.0.1:$app_port" || { cat "$dir/serve.log" >&2; exit 1; }
curl -sf "http://127.0.0.1:$app_port/readyz" | grep -q ready || { cat "$dir/serve.log" >&2; exit 1; }
curl -sf "http://127.0.0.1:$app_port/login" | grep -qi '<html' || { echo "test-deb: the SPA is not served" >&2; exit 1; }
echo "test-deb: $(basename "$deb") installed, migrated and served /readyz and the SPA as user $user"
