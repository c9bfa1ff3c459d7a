#!/usr/bin/env bash
# Proves the build does not depend on where the repository is cloned: copies the working tree (tracked and new,
# not ignored files) under a path containing /src/, builds the solution there, and packs it: only the three
# libraries under src/ may come out as packages.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
clone="$work/home/src/crime"
mkdir -p "$clone"
git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done \
  | tar --null -T - -cf - | tar -xf - -C "$clone"
cd "$clone"
dotnet build CrimeStreaming.sln -c Release --nologo -v quiet
dotnet pack CrimeStreaming.sln -c Release --no-build --nologo -v quiet -o "$work/feed" -p:Version=0.0.0-path-check
packages=$(cd "$work/feed" && ls *.nupkg | sort | tr '\n' ' ')
expected="CrimeStreaming.0.0.0-path-check.nupkg CrimeStreaming.Kafka.0.0.0-path-check.nupkg CrimeStreaming.Kafka.Embedded.0.0.0-path-check.nupkg "
if [ "$packages" != "$expected" ]; then
  echo "build from any path: packed '$packages', expected '$expected'" >&2
  exit 1
fi
echo "build from any path: ok (built and packed under $clone)"
