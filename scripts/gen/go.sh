#!/usr/bin/env bash
# Regenerate the Go stubs in the module gen/go (github.com/ojs-grpc/ojs-grpc/gen/go) from
# every file under proto/: packages ojsv1 (gen/go/ojs/v1) and workerv1
# (gen/go/ojsgrpc/worker/v1). protoc-gen-go and protoc-gen-go-grpc are pinned below and
# installed with `go install` into .tools/go/bin when missing or at another version.
#   scripts/gen/go.sh              # regenerate gen/go in place
#   scripts/gen/go.sh --out DIR    # write the stubs to DIR/gen/go instead (to compare)
set -euo pipefail
cd "$(dirname "$0")/../.."

# protoc-gen-go must match the google.golang.org/protobuf version in gen/go/go.mod.
PROTOC_GEN_GO_VERSION=v1.36.12
PROTOC_GEN_GO_GRPC_VERSION=v1.6.2

out=""
if [ "${1:-}" = "--out" ]; then
  out="$(cd "${2:?--out needs a directory}" && pwd)"
elif [ $# -gt 0 ]; then
  echo "usage: $0 [--out DIR]" >&2
  exit 2
fi

if ! command -v go >/dev/null 2>&1; then
  echo "gen/go: go not found (install Go 1.26+)" >&2
  exit 2
fi
bin="$PWD/.tools/go/bin"
if [ "$("$bin/protoc-gen-go" --version 2>/dev/null)" != "protoc-gen-go $PROTOC_GEN_GO_VERSION" ]; then
  GOBIN="$bin" go install "google.golang.org/protobuf/cmd/protoc-gen-go@$PROTOC_GEN_GO_VERSION"
fi
if [ "$("$bin/protoc-gen-go-grpc" --version 2>/dev/null)" != "protoc-gen-go-grpc ${PROTOC_GEN_GO_GRPC_VERSION#v}" ]; then
  GOBIN="$bin" go install "google.golang.org/grpc/cmd/protoc-gen-go-grpc@$PROTOC_GEN_GO_GRPC_VERSION"
fi

if [ -n "${BUF:-}" ]; then
  buf="$BUF"
elif [ -x .venv/bin/buf ]; then
  buf=.venv/bin/buf
else
  buf=buf
fi

target="${out:-.}"
# buf never deletes the output of a removed proto: drop every generated file first
# (go.mod and go.sum are hand-kept and stay).
if [ -d "$target/gen/go" ]; then
  find "$target/gen/go" -name '*.pb.go' -delete
fi
"$buf" generate --template buf.gen.go.yaml -o "$target"
echo "gen/go: $(find "$target/gen/go" -name '*.pb.go' | wc -l) Go files in $target/gen/go"
