#!/usr/bin/env bash
# Fails when the model has changes that a migration set does not have (run scripts/add-migration.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet tool restore >/dev/null
dotnet build Guanjia.Core -nologo -v quiet >/dev/null
for context in GuanjiaDbContext PostgresGuanjiaDbContext; do
  dotnet ef migrations has-pending-model-changes --no-build --context "$context" --project Guanjia.Core --startup-project Guanjia.Core
done
