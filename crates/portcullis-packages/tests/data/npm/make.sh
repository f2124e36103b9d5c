#!/bin/sh
# Makes the npm fixture with the real tool and records what npm itself lists.
# Run from this directory; needs node and npm (node 20, npm 11 here) and the
# npm registry.
#
# The project's lockfile (made by `npm install --package-lock-only` from
# package.json) is installed by `npm ci`, which lays out:
#   - ms twice: 2.1.3 at the top, 2.0.0 nested in node_modules/debug/node_modules
#     (debug 2.6.9 wants ms 2.0.0);
#   - a scoped package (@babel/runtime, @isaacs/string-locale-compare), and
#     @babel/runtime's own package.json files in its subfolders
#     (helpers/esm/package.json: not packages);
#   - json-schema 0.2.3 (the legacy `licenses: [{type, url}]` form) and
#     indexof 0.0.1 (no license at all).
# Only the package.json files under node_modules, node_modules/.package-lock.json
# and the project's package.json/package-lock.json are kept.
# The truth: `npm ls --all --json` (truth-npm-ls.json), and npm's own view of
# every installed package's manifest, `npm query '*'`, reduced to location,
# name, version, license, licenses (truth-npm-query.json).
set -eu
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/package.json" <<'JSON'
{
  "name": "portcullis-npm-fixture",
  "version": "1.0.0",
  "private": true,
  "license": "UNLICENSED",
  "dependencies": {
    "@babel/runtime": "7.27.0",
    "@isaacs/string-locale-compare": "1.1.0",
    "debug": "2.6.9",
    "indexof": "0.0.1",
    "json-schema": "0.2.3",
    "ms": "2.1.3"
  }
}
JSON
(cd "$work" && npm install --package-lock-only --no-audit --no-fund && npm ci --no-audit --no-fund)
rm -rf app
mkdir -p app
cp "$work/package.json" "$work/package-lock.json" app/
(cd "$work" && find node_modules -name package.json -o -name .package-lock.json) | while read -r f; do
    mkdir -p "app/$(dirname "$f")"; cp "$work/$f" "app/$f"
done
(cd "$work" && npm ls --all --json) > truth-npm-ls.json
(cd "$work" && npm query '*') | node -e '
let s = ""; process.stdin.on("data", d => s += d).on("end", () => {
  const out = JSON.parse(s).map(p => ({ location: p.location, name: p.name, version: p.version,
    license: p.license === undefined ? null : p.license, licenses: p.licenses === undefined ? null : p.licenses }));
  out.sort((a, b) => a.location < b.location ? -1 : 1);
  console.log(JSON.stringify(out, null, 1));
});' > truth-npm-query.json
