#!/usr/bin/env bash
# Check the protos for wire-breaking changes against the main branch.
#
#   scripts/buf_breaking.sh            # against main
#   BUF=/path/to/buf AGAINST_BRANCH=release scripts/buf_breaking.sh
#
# Runs from the repository root wherever it is called from. Skips (exit 0) when the
# baseline branch has no buf.yaml / proto/ yet, i.e. before the protos have ever been
# committed there. Exit code 100 from buf means a breaking change was found.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

branch="${AGAINST_BRANCH:-main}"

if [[ -n "${BUF:-}" ]]; then
  buf="$BUF"
elif [[ -x "$repo_root/.venv/bin/buf" ]]; then
  buf="$repo_root/.venv/bin/buf"
elif command -v buf >/dev/null 2>&1; then
  buf="$(command -v buf)"
else
  echo "buf_breaking: buf binary not found (install buf-bin or set BUF)" >&2
  exit 2
fi

if ! git show "${branch}:buf.yaml" >/dev/null 2>&1; then
  echo "buf_breaking: skipped, '${branch}:buf.yaml' does not exist (branch missing or protos not committed there yet); no baseline to compare against"
  exit 0
fi
if ! git cat-file -e "${branch}:proto" 2>/dev/null; then
  echo "buf_breaking: skipped, '${branch}' has no proto/ directory yet; no baseline to compare against"
  exit 0
fi

exec "$buf" breaking --against ".git#branch=${branch}"
