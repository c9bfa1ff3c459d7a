#!/usr/bin/env bash
# Proves the library works as packages: pack the three, then build and run a small app that references them from a
# local folder feed (no project references), outside the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
version="0.1.0-smoke.$(date +%s)"   # a fresh version: the package cache can never serve a stale build
dotnet pack src/CrimeStreaming/CrimeStreaming.csproj -c Release -o "$work/feed" -p:Version="$version" --nologo -v quiet
dotnet pack src/CrimeStreaming.Kafka/CrimeStreaming.Kafka.csproj -c Release -o "$work/feed" -p:Version="$version" --nologo -v quiet
dotnet pack src/CrimeStreaming.Kafka.Embedded/CrimeStreaming.Kafka.Embedded.csproj -c Release -o "$work/feed" -p:Version="$version" --nologo -v quiet
ls "$work/feed"
mkdir "$work/app"
cp tests/PackageSmoke/PackageSmoke.csproj tests/PackageSmoke/Program.cs samples/data/la-crime-2020-present-sample.csv "$work/app/"
cat > "$work/app/NuGet.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="local-feed" value="$work/feed" />
  </packageSources>
</configuration>
XML
# The app's own folder, away from this repository's Directory.*.props; other packages come from the machine's sources.
cd "$work/app"
printf '<Project/>\n' > Directory.Build.props
printf '<Project/>\n' > Directory.Packages.props
dotnet run -c Release -p:CrimeStreamingVersion="$version"
echo "package smoke: ok"
