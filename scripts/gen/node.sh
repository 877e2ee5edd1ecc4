#!/usr/bin/env bash
# Regenerate the npm package gen/node (@ojs-grpc/proto) from every file under proto/:
# ts-proto (outputServices=grpc-js) writes TypeScript into gen/node/src/proto through
# `buf generate`, then tsc compiles gen/node/src into gen/node/dist (CommonJS + .d.ts)
# so plain `node` can require it. ts-proto and typescript are pinned by
# gen/node/package-lock.json and installed with `npm ci` when missing or outdated.
#   scripts/gen/node.sh              # regenerate gen/node in place
#   scripts/gen/node.sh --out DIR    # write the package to DIR/gen/node instead (to compare)
set -euo pipefail
cd "$(dirname "$0")/../.."

out=""
if [ "${1:-}" = "--out" ]; then
  out="$(cd "${2:?--out needs a directory}" && pwd)"
elif [ $# -gt 0 ]; then
  echo "usage: $0 [--out DIR]" >&2
  exit 2
fi

if ! command -v npm >/dev/null 2>&1; then
  echo "gen/node: npm not found (install Node.js 20+)" >&2
  exit 2
fi
pkg=gen/node
# npm ci records what it installed in node_modules/.package-lock.json: reinstall when the
# committed lock file changed since.
if [ ! -f "$pkg/node_modules/.package-lock.json" ] ||
  [ "$pkg/package-lock.json" -nt "$pkg/node_modules/.package-lock.json" ]; then
  npm ci --prefix "$pkg" --no-audit --no-fund --loglevel=error
fi

if [ -n "${BUF:-}" ]; then
  buf="$BUF"
elif [ -x .venv/bin/buf ]; then
  buf=.venv/bin/buf
else
  buf=buf
fi

target="$pkg"
if [ -n "$out" ]; then
  target="$out/$pkg"
  mkdir -p "$target/src"
  cp "$pkg/package.json" "$pkg/tsconfig.json" "$target/"
  cp "$pkg/src/index.ts" "$target/src/"
  ln -sfn "$PWD/$pkg/node_modules" "$target/node_modules"
  "$buf" generate --template buf.gen.node.yaml -o "$out"
else
  "$buf" generate --template buf.gen.node.yaml
fi
# tsc never deletes outputs of removed sources: start from an empty dist.
rm -rf "$target/dist"
"$pkg/node_modules/.bin/tsc" -p "$target"
echo "gen/node: $(find "$target/src/proto" -name '*.ts' | wc -l) TypeScript files in $target/src/proto, compiled to $target/dist"
