#!/usr/bin/env bash
# Records new public API in PublicAPI.Unshipped.txt (the analyzer's own code fix). Run after adding public members on purpose.
set -euo pipefail
cd "$(dirname "$0")/.."
for project in src/*/*.csproj; do
  dotnet format analyzers "$project" --diagnostics RS0016 --severity info
done
