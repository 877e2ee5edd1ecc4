#!/usr/bin/env bash
# The peer benchmark in one command: builds bench/.venv-peers (the peers of
# requirements-peers.txt + this repository, editable) and bench/.venv-peers-arq (arq pins
# redis<6, ojs-grpc needs redis>=8.1), then runs `python -m bench.peers "$@"`.
# Quick look: bench/run_peers.sh --jobs 2000 --runs 1
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"

venv() {  # venv DIR REQUIREMENTS [extra pip args]: create once, (re)install when changed
  local dir=$1 req=$2; shift 2
  [ -x "$dir/bin/python" ] || "$PY" -m venv "$dir"
  # The stamp covers pyproject.toml too: this repository's own dependencies can change.
  if ! cat "$req" pyproject.toml | cmp -s - "$dir/.installed"; then
    "$dir/bin/python" -m pip install -q --upgrade pip
    "$dir/bin/python" -m pip install -q -r "$req" "$@"
    cat "$req" pyproject.toml > "$dir/.installed"
  fi
}

venv bench/.venv-peers bench/requirements-peers.txt -e .
venv bench/.venv-peers-arq bench/requirements-arq.txt
exec bench/.venv-peers/bin/python -m bench.peers "$@"
