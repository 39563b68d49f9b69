#!/usr/bin/env bash
# Runs every test: unit, integration (SQLite and a throwaway PostgreSQL), and browser tests (Debian's chromium).
# Installs what is missing itself, so it works on a fresh Debian machine that has only the .NET SDK.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
RESULTS="$ROOT/TestResults"
rm -rf "$RESULTS"; mkdir -p "$RESULTS"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
# Debian's old headless shell of chromium (same source and version as the chromium package): the build Playwright itself
# runs for headless tests, at about half the CPU of the full browser (docs/decisions/0021).
command -v chromium-headless-shell >/dev/null 2>&1 || missing+=(chromium-headless-shell)
ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 || missing+=(postgresql)
command -v npm >/dev/null 2>&1 || missing+=(npm)
# pg_auto_failover for the failover test (tests/Rapport.Durability.Tests), which starts a monitor and two nodes.
command -v pg_autoctl >/dev/null 2>&1 || missing+=(postgresql-15-auto-failover)
if ((${#missing[@]})); then
  echo "Installing: ${missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# axe-core for the accessibility checks in the browser tests, from npm, pinned.
AXE_DIR="$ROOT/tests/Rapport.Web.Tests/node"
if [ ! -f "$AXE_DIR/node_modules/axe-core/axe.min.js" ]; then
  (cd "$AXE_DIR" && npm ci --silent --no-audit --no-fund)
fi
export RAPPORT_AXE_PATH="$AXE_DIR/node_modules/axe-core/axe.min.js"

# A throwaway PostgreSQL server on loopback, in a temporary folder, stopped whatever happens.
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
PG_DIR=$(mktemp -d)
PG_PORT=${RAPPORT_PG_PORT:-55432}
chown postgres:postgres "$PG_DIR"
stop_pg() { runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true; rm -rf "$PG_DIR"; }
trap stop_pg EXIT
runuser -u postgres -- "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 >/dev/null
# This server lives for one run and is deleted after it, so it does not wait for the disk (fsync, synchronous_commit,
# full_page_writes off): a commit or a CREATE DATABASE per test no longer queues behind the shared disk. It changes
# nothing a test can observe short of a power cut; the app's durability on PostgreSQL is the production server's.
runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR -c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
export RAPPORT_TEST_POSTGRES="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres;Pooling=true"
export RAPPORT_SCREENSHOTS="$RESULTS/screenshots"
# The AnnoMI training data sits beside the repository (../shared), never inside it; the training test uses it when present.
if [ -d "$ROOT/../shared/data/annomi" ]; then export RAPPORT_ANNOMI="$ROOT/../shared/data/annomi"; fi

dotnet build Rapport.slnx -c Release --nologo -clp:ErrorsOnly -p:UseSharedCompilation=true
set +e
# Two lanes, each keeping both cores busy with its own parallel tests: the web tests (the longest project: the browser
# walks beside the HTTP tests) and the other projects one after another. All six at once oversubscribed the 2 cores so
# far (load average 12-17) that the run took longer than the projects one by one, and the timing tests (restarts after
# SIGKILL, failover) ran at a fraction of their speed (docs/performance.md).
# RAPPORT_TEST_FILTERS (for bench/test-run-ab.sh): a folder of <project>.filter files; when set, only the projects with a
# file run, each with its filter, so an older commit's tests can be timed on today's code with today's lanes.
run_tests() {
  local filter=()
  if [ -n "${RAPPORT_TEST_FILTERS:-}" ]; then
    local file="$RAPPORT_TEST_FILTERS/$(basename "$1" .csproj).filter"
    [ -f "$file" ] || return 0
    filter=(--filter "$(cat "$file")")
  fi
  dotnet test "$@" "${filter[@]}" -c Release --no-build --nologo --results-directory "$RESULTS" \
    --logger "trx" --logger "console;verbosity=minimal" 2>&1
}
# The web lane's lines are prefixed and shown as they come, so a slow or stuck browser walk is visible in CI.
( run_tests tests/Rapport.Web.Tests/Rapport.Web.Tests.csproj; echo $? > "$RESULTS/web.status" ) | sed -u 's/^/[web] /' | tee "$RESULTS/web-tests.txt" &
others_status=0
for project in $(ls tests/*/*.Tests.csproj | grep -v '/Rapport.Web.Tests/' | sort); do
  run_tests "$project" | tee -a "$RESULTS/test-output.txt"
  [ "${PIPESTATUS[0]}" = 0 ] || others_status=1
done
wait
cat "$RESULTS/web-tests.txt" >> "$RESULTS/test-output.txt"
status=$(( $(cat "$RESULTS/web.status" 2>/dev/null || echo 1) != 0 || others_status != 0 ))
set -e

# One plain closing line for CI: totals over every test project's results.
passed=0; failed=0; skipped=0
for f in $(find "$RESULTS" -name '*.trx'); do
  counters=$(grep -o '<Counters [^>]*>' "$f" | head -1)
  num() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
  passed=$((passed + $(num passed))); failed=$((failed + $(num failed) + $(num error) + $(num timeout))); skipped=$((skipped + $(num notExecuted)))
done
echo "$passed passed, $failed failed, $skipped skipped"
echo "Screenshots: $RAPPORT_SCREENSHOTS"
exit "$status"
