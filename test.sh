#!/usr/bin/env bash
# The test command. Installs or starts what the tests need and is missing -- the interop tests'
# npm packages, a CJK font, Debian's chromium, PostgreSQL -- runs a throw-away PostgreSQL cluster
# on a free local port (stopped and removed at the end), then runs every test:
#   ./test.sh [dotnet test options]        e.g. ./test.sh --filter "Category!=Browser"
# `dotnet test Guanjia.sln` stays the inner loop; without GUANJIA_TEST_POSTGRES its PostgreSQL tests are skipped.
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
updated=""
apt_install() {
  [ -n "$updated" ] || { as_root apt-get update -qq; updated=1; }
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# Node side of the interop tests: Tencent's official @wecom/crypto.
if [ ! -d tests/interop/node_modules ]; then
  command -v npm >/dev/null 2>&1 || apt_install nodejs npm
  npm ci --prefix tests/interop --no-audit --no-fund --loglevel=error
fi

# Chinese text in the digest charts and the browser screenshots needs a CJK font; the browser
# tests drive Debian's headless chromium (GUANJIA_CHROMIUM points elsewhere).
need=""
fc-list :lang=zh 2>/dev/null | grep -q . || need="$need fontconfig fonts-noto-cjk"
if [ -z "${GUANJIA_CHROMIUM:-}" ] && ! command -v chromium >/dev/null 2>&1; then need="$need chromium"; fi
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "${GUANJIA_TEST_POSTGRES:-}" ] && [ -z "$pg_bin" ]; then need="$need postgresql"; fi
# shellcheck disable=SC2086
[ -z "$need" ] || apt_install $need

# A throw-away PostgreSQL cluster, unless GUANJIA_TEST_POSTGRES already names a server.
if [ -z "${GUANJIA_TEST_POSTGRES:-}" ]; then
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/guanjia-pg.XXXXXX")
  pg_user=$(id -un)
  if [ "$(id -u)" = 0 ]; then pg_user=postgres; chown postgres "$pg_dir"; fi
  as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
  port=55432
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
  as_pg "$pg_bin/initdb" -D "$pg_dir/data" -A trust -U "$pg_user" -E UTF8 --no-sync >"$pg_dir/initdb.log"
  # Durability is not what these tests measure: no fsync makes the many small databases quick.
  as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -o \
    "-p $port -k $pg_dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
    start >/dev/null
  stop_pg() { as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$pg_dir"; }
  trap stop_pg EXIT
  export GUANJIA_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=$pg_user"
  echo "PostgreSQL for the tests: $GUANJIA_TEST_POSTGRES"
fi

dotnet test Guanjia.sln "$@"
