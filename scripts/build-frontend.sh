#!/usr/bin/env bash
# Builds the SPA into frontend/dist: cargo (wasm32) -> wasm-bindgen -> wasm-opt, then
# content-hashed file names (cached forever by browsers) and precompressed .br/.gz files
# (the server picks one by Accept-Encoding). index.html keeps its name and is revalidated.
set -euo pipefail
cd "$(dirname "$0")/.."

out=frontend/dist
cargo build -p frontend --target wasm32-unknown-unknown --profile wasm-release
rm -rf "$out.tmp" && mkdir -p "$out.tmp"
wasm-bindgen --target web --no-typescript --out-dir "$out.tmp" target/wasm32-unknown-unknown/wasm-release/frontend.wasm
# Debian's binaryen 108 miscompiles for current Chromium; the npm build is pinned in frontend/package.json.
# -O2 without binaryen's inlining, not -Oz: LLVM's opt-level "z" has already made the code small,
# and inlining small and single-caller functions makes the many monomorphised copies of Leptos's
# generics unlike each other, so they compress worse. Brotli of the wasm on 2026-12-03: -Oz 676 KB,
# no wasm-opt 613 KB, -O1 603 KB, -O2 without inlining 576 KB (docs/STYLE.md, "Weight").
# 2026-12-04, a larger SPA: -O2 585,037 bytes, -Os 584,064 (same 31 s), -Oz 589,587, -Os
# --converge 582,849 but 94 s; producers and debug sections stripped.
frontend/node_modules/.bin/wasm-opt -Os --one-caller-inline-max-function-size=0 --always-inline-max-function-size=0 \
  --strip-debug --strip-producers \
  --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
  -o "$out.tmp/frontend_bg.wasm" "$out.tmp/frontend_bg.wasm"
# wasm-bindgen's JS glue, minified (8,627 → 6,839 bytes of brotli, 2026-12-04); exports keep their names.
frontend/node_modules/.bin/terser "$out.tmp/frontend.js" --module --compress --mangle -o "$out.tmp/frontend.js"
cp frontend/index.html frontend/style.css frontend/boot.js frontend/favicon.svg "$out.tmp/"
# The login page's words, from the app's catalogue (one place for every UI string).
python3 - crates/domain/src/i18n/catalogue.rs frontend/login.js "$out.tmp/login.js" <<'PY'
import json, re, sys
catalogue, source, target = sys.argv[1:]
wanted = ["AppName", "LogIn", "Email", "Password", "Language", "ForgotPassword", "NoAccount", "ProblemNetwork"]
entries = dict((m[0], [json.loads('"' + m[1] + '"'), json.loads('"' + m[2] + '"')])
               for m in re.findall(r'^\s*(\w+) => "((?:[^"\\]|\\.)*)", "((?:[^"\\]|\\.)*)";', open(catalogue).read(), re.M))
missing = [k for k in wanted if k not in entries]
if missing:
    sys.exit(f"build-frontend: {missing} not in {catalogue}")
text = open(source).read()
if "const MESSAGES = {};" not in text:
    sys.exit("build-frontend: login.js lost its `const MESSAGES = {};` line")
open(target, "w").write(text.replace("const MESSAGES = {};", "const MESSAGES = " + json.dumps({k: entries[k] for k in wanted}, ensure_ascii=False) + ";"))
PY
frontend/node_modules/.bin/terser "$out.tmp/login.js" --module --compress --mangle -o "$out.tmp/login.js"
# The stylesheet without comments and spaces around { } ; , > (750 bytes of brotli, 2026-12-04).
# Spaces elsewhere stay: `.a :focus` and `calc(1rem - 2px)` need theirs.
python3 - "$out.tmp/style.css" <<'PY'
import re, sys
path = sys.argv[1]
css = open(path).read()
css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
css = re.sub(r"\s+", " ", css)
css = re.sub(r"\s*([{};,>])\s*", r"\1", css)
open(path, "w").write(css.replace(";}", "}").strip() + "\n")
PY

# name.ext -> name-<first 16 hex of sha256>.ext, replacing "/name.ext" in the files that refer to it.
hashed() {
  local file=$1 stem=${1%.*} ext=${1##*.}
  echo "$stem-$(sha256sum "$out.tmp/$file" | cut -c1-16).$ext"
}
wasm=$(hashed frontend_bg.wasm); mv "$out.tmp/frontend_bg.wasm" "$out.tmp/$wasm"
js=$(hashed frontend.js); mv "$out.tmp/frontend.js" "$out.tmp/$js"
sed -i "s#/frontend_bg.wasm#/$wasm#g; s#/frontend.js#/$js#g" "$out.tmp/boot.js" "$out.tmp/login.js"
login=$(hashed login.js); mv "$out.tmp/login.js" "$out.tmp/$login"
sed -i "s#/login.js#/$login#" "$out.tmp/boot.js"
boot=$(hashed boot.js); mv "$out.tmp/boot.js" "$out.tmp/$boot"
css=$(hashed style.css); mv "$out.tmp/style.css" "$out.tmp/$css"
sed -i "s#/boot.js#/$boot#; s#/style.css#/$css#" "$out.tmp/index.html"
grep -q "$boot" "$out.tmp/index.html" && grep -q "$css" "$out.tmp/index.html" && grep -q "$wasm" "$out.tmp/$boot" &&
  grep -q "$login" "$out.tmp/$boot" && grep -q "$wasm" "$out.tmp/$login" ||
  { echo "build-frontend: hashed names were not written into index.html/boot.js/login.js" >&2; exit 1; }

for f in "$out.tmp"/*; do
  gzip -9 -k -n "$f"
  brotli -q 11 -k "$f"
done
rm -rf "$out" && mv "$out.tmp" "$out"
total=$(cat "$out"/*.br | wc -c)
echo "SPA built: $(du -sh "$out" | cut -f1) in $out ($(stat -c %s "$out/$wasm.br") bytes of brotli wasm, $(stat -c %s "$out/$wasm.gz") gzip; $total bytes brotli in all)"
# The weight budget: every file of the SPA, brotli, at most 600 KB (docs/STYLE.md, "Weight").
max=${SPA_BROTLI_MAX:-600000}
[ "$total" -le "$max" ] || { echo "build-frontend: the SPA is $total bytes brotli, over its budget of $max (SPA_BROTLI_MAX)" >&2; exit 1; }
