#!/usr/bin/env bash
# Adds the migration <Name> to both migration sets after a model change:
#   SQLite      GuanjiaDbContext          Guanjia.Core/Storage/Sqlite/Migrations
#   PostgreSQL  PostgresGuanjiaDbContext  Guanjia.Core/Storage/Postgres/Migrations
# Neither needs a running database. Hand-written SQL (triggers, raw DDL) must be added to each set
# in its own dialect. Remove a pair with: scripts/add-migration.sh --remove
set -euo pipefail
cd "$(dirname "$0")/.."
name=${1:?"usage: scripts/add-migration.sh <Name>   (or --remove to remove the last pair)"}

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet tool restore >/dev/null
dotnet build Guanjia.Core -nologo -v quiet >/dev/null

ef() { dotnet ef "$@" --no-build --project Guanjia.Core --startup-project Guanjia.Core; }

if [ "$name" = "--remove" ]; then
  ef migrations remove --context GuanjiaDbContext
  ef migrations remove --context PostgresGuanjiaDbContext
  exit 0
fi

ef migrations add "$name" --context GuanjiaDbContext --output-dir Storage/Sqlite/Migrations
ef migrations add "$name" --context PostgresGuanjiaDbContext --output-dir Storage/Postgres/Migrations
