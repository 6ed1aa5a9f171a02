#!/usr/bin/env bash
# Builds the SPA into frontend/dist: cargo (wasm32) -> wasm-bindgen -> wasm-opt -Oz.
set -euo pipefail
cd "$(dirname "$0")/.."

out=frontend/dist
cargo build -p frontend --target wasm32-unknown-unknown --profile wasm-release
rm -rf "$out.tmp" && mkdir -p "$out.tmp"
wasm-bindgen --target web --no-typescript --out-dir "$out.tmp" target/wasm32-unknown-unknown/wasm-release/frontend.wasm
# Debian's binaryen 108 miscompiles for current Chromium; the npm build is pinned in frontend/package.json.
frontend/node_modules/.bin/wasm-opt -Oz \
  --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
  -o "$out.tmp/frontend_bg.wasm" "$out.tmp/frontend_bg.wasm"
cp frontend/index.html frontend/style.css "$out.tmp/"
rm -rf "$out" && mv "$out.tmp" "$out"
echo "SPA built: $(du -sh "$out" | cut -f1) in $out ($(gzip -9c "$out/frontend_bg.wasm" | wc -c) bytes of gzipped wasm)"
