#!/usr/bin/env bash
# Regenerate the Java stubs in the Maven module gen/java (dev.ojsgrpc:ojs-grpc-proto) from
# every file under proto/: packages org.openjobspec.ojs.v1 and dev.ojsgrpc.worker.v1.
# protoc and protoc-gen-grpc-java are the versions pinned in gen/java/pom.xml, fetched
# from Maven Central by Maven into .tools/java/bin when missing or at another version.
#   scripts/gen/java.sh              # regenerate gen/java/src/main/java in place
#   scripts/gen/java.sh --out DIR    # write the stubs to DIR/gen/java instead (to compare)
set -euo pipefail
cd "$(dirname "$0")/../.."

out=""
if [ "${1:-}" = "--out" ]; then
  out="$(cd "${2:?--out needs a directory}" && pwd)"
elif [ $# -gt 0 ]; then
  echo "usage: $0 [--out DIR]" >&2
  exit 2
fi

if ! command -v mvn >/dev/null 2>&1; then
  echo "gen/java: mvn not found (install Maven 3.8+ and a JDK 11+)" >&2
  exit 2
fi

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) classifier=linux-x86_64 ;;
  Linux-aarch64 | Linux-arm64) classifier=linux-aarch_64 ;;
  Darwin-x86_64) classifier=osx-x86_64 ;;
  Darwin-arm64) classifier=osx-aarch_64 ;;
  *) echo "gen/java: no protoc build for $(uname -s)-$(uname -m)" >&2; exit 2 ;;
esac

pom_property() {
  sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" gen/java/pom.xml
}
bin="$PWD/.tools/java/bin"
want="protoc $(pom_property protobuf.version) grpc-java $(pom_property grpc.version) $classifier"
if [ "$(cat "$bin/VERSIONS" 2>/dev/null)" != "$want" ]; then
  # Maven's output is shown only when it fails (quiet mode still prints colour resets).
  if ! log="$(mvn -q -B -f gen/java/pom.xml dependency:copy@codegen-tools \
    -Dcodegen.classifier="$classifier" -Dcodegen.dir="$bin" 2>&1)"; then
    echo "$log" >&2
    echo "gen/java: fetching protoc and protoc-gen-grpc-java from Maven Central failed" >&2
    exit 1
  fi
  # Maven copies the executables without their execute bit.
  chmod +x "$bin/protoc" "$bin/protoc-gen-grpc-java"
  echo "$want" >"$bin/VERSIONS"
fi

if [ -n "${BUF:-}" ]; then
  buf="$BUF"
elif [ -x .venv/bin/buf ]; then
  buf=.venv/bin/buf
else
  buf=buf
fi

target="${out:-.}"
# clean: true in the template empties gen/java/src/main/java first, so the output of a
# removed proto goes too; pom.xml and everything else in gen/java are hand-kept.
"$buf" generate --template buf.gen.java.yaml -o "$target"
echo "gen/java: $(find "$target/gen/java/src/main/java" -name '*.java' | wc -l) Java files in $target/gen/java"
