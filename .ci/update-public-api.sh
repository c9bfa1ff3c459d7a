#!/usr/bin/env bash
# Brings PublicAPI.Unshipped.txt in line with the code (the analyzer's own code fix adds new API; entries for API that
# no longer exists are removed from the build's RS0017 reports). Run after changing public members on purpose.
set -euo pipefail
cd "$(dirname "$0")/.."
for project in src/*/*.csproj; do
  dotnet format analyzers "$project" --diagnostics RS0016 --severity info
  dir=$(dirname "$project")
  dotnet build "$project" -c Release -p:TreatWarningsAsErrors=false 2>&1 \
    | grep -o "error RS0017: Symbol '.*' is part of the declared API" \
    | sed -e "s/^error RS0017: Symbol '//" -e "s/' is part of the declared API$//" | sort -u > /tmp/rs0017.$$ || true
  if [ -s /tmp/rs0017.$$ ]; then
    grep -vxF -f /tmp/rs0017.$$ "$dir/PublicAPI.Unshipped.txt" > /tmp/unshipped.$$ || true
    mv /tmp/unshipped.$$ "$dir/PublicAPI.Unshipped.txt"
  fi
  rm -f /tmp/rs0017.$$
done
