#!/usr/bin/env bash
# make deb: target/debian/prospecta_<version>_<arch>.deb with the release binary, the built SPA,
# a systemd unit running as its own user, /etc/prospecta/env (a conffile) and the docs.
# dpkg-deb builds it from a staged tree: the package is these few files, no cargo-deb needed.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
arch=$(dpkg --print-architecture)
cargo build --release -q -p api --bin prospecta
[ -f frontend/dist/index.html ] || scripts/build-frontend.sh
stage=target/debian/stage
rm -rf "$stage" && mkdir -p "$stage/DEBIAN"
install -D -m 755 target/release/prospecta "$stage/usr/bin/prospecta"
strip "$stage/usr/bin/prospecta"
mkdir -p "$stage/usr/share/prospecta"
cp -r frontend/dist "$stage/usr/share/prospecta/spa"
# The nginx locations, where a site's config can include them (docs may be excluded by dpkg).
install -D -m 644 deploy/nginx/prospecta-proxy.conf "$stage/usr/share/prospecta/nginx/prospecta-proxy.conf"
install -D -m 644 deploy/debian/prospecta.service "$stage/lib/systemd/system/prospecta.service"
install -D -m 640 deploy/debian/env "$stage/etc/prospecta/env"
for doc in README.md docs/DEPLOY.md docs/SCALING.md; do
  install -D -m 644 "$doc" "$stage/usr/share/doc/prospecta/$(basename "$doc")"
done
install -m 755 deploy/debian/postinst deploy/debian/prerm "$stage/DEBIAN/"
echo /etc/prospecta/env > "$stage/DEBIAN/conffiles"
size=$(du -sk "$stage" | cut -f1)
cat > "$stage/DEBIAN/control" <<CONTROL
Package: prospecta
Version: $version
Architecture: $arch
Maintainer: Prospecta <dev@prospecta.dev>
Section: web
Priority: optional
Installed-Size: $size
Depends: libc6, libpq5, adduser
Recommends: postgresql (>= 15)
Description: Prospecta CRM: leads, live-chat desk and sales pipelines
 One binary serving the API, the operators' realtime desk and the single-page app,
 on PostgreSQL. Settings in /etc/prospecta/env; see /usr/share/doc/prospecta/DEPLOY.md.
CONTROL
out=target/debian/prospecta_${version}_${arch}.deb
dpkg-deb --root-owner-group --build "$stage" "$out" > /dev/null
echo "$out ($(du -h "$out" | cut -f1))"
