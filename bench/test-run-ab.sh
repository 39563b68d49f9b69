#!/usr/bin/env bash
# The full test run before and after, like for like: an older commit's ./test.sh against today's ./test.sh restricted to
# the same tests (matched by class and method; a renamed test is given as OLD=NEW in RENAMED), alternating, on one machine.
# Usage: bench/test-run-ab.sh [OLD_COMMIT] [ROUNDS]   (default cffd6d3, the commit before issue 11's work; 2 rounds)
# Prints wall and machine CPU (busy time from /proc/stat) per run. Run from a checkout whose ./test.sh has run once.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
old_commit=${1:-cffd6d3} rounds=${2:-2}
# Tests renamed since cffd6d3 (a longer name for the same assertion); each old name maps to its replacement.
RENAMED=(
  "AuditTrailTests.ClientRecordRead_WithoutACareRelationship_WritesNoReadEntry=AuditTrailTests.ClientRecordRead_WithoutACareRelationship_WritesNoReadEntry_OnlyARefusedOneNamingNoClient"
  "PageAccessTests.DevOutbox_ListsEmailsInDevelopment=PageAccessTests.DevOutbox_ListsEmailsInDevelopment_ForAPracticeAdmin"
)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git clone -q "$ROOT" "$work/old" && git -C "$work/old" checkout -q "$old_commit"
for tree in "$work/old" "$ROOT"; do dotnet build "$tree/Rapport.slnx" -c Release --nologo -clp:ErrorsOnly >/dev/null; done

# One line per test case: project, then the fully qualified method (theory cases share it).
list() {
  for p in "$1"/tests/*/*.Tests.csproj; do
    dotnet test "$p" -c Release --no-build --nologo --list-tests 2>/dev/null | sed -n '/The following Tests are available/,$p' \
      | tail -n +2 | sed 's/^ *//; s/(.*//' | sed "s|^|$(basename "$p" .csproj)\t|"
  done | sort -u
}
list "$work/old" > "$work/old.tsv"
list "$ROOT" > "$work/new.tsv"
short() { awk -F'\t' '{n=split($2,a,"."); print a[n-1]"."a[n]}' "$1" | sort -u; }
{ short "$work/old.tsv"; for r in "${RENAMED[@]}"; do echo "${r#*=}"; done; } | sort -u > "$work/wanted"
missing=$(comm -23 <(short "$work/old.tsv") <(short "$work/new.tsv") | grep -v -x -F -f <(for r in "${RENAMED[@]}"; do echo "${r%%=*}"; done) || true)
if [ -n "$missing" ]; then echo "Tests of $old_commit with no test of that name now (add them to RENAMED):"; echo "$missing"; exit 1; fi
mkdir -p "$work/filters"
awk -F'\t' 'NR==FNR{w[$1]=1;next}{n=split($2,a,"."); if((a[n-1]"."a[n]) in w) print $1"\t"$2}' "$work/wanted" "$work/new.tsv" > "$work/kept.tsv"
for project in $(cut -f1 "$work/kept.tsv" | sort -u); do
  grep "^$project	" "$work/kept.tsv" | cut -f2 | sed 's/^/FullyQualifiedName=/' | paste -sd'|' > "$work/filters/$project.filter"
done
echo "$old_commit: $(cut -f2 "$work/old.tsv" | sort -u | wc -l) test methods; today: $(cut -f2 "$work/kept.tsv" | sort -u | wc -l) of them"

busy() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9}' /proc/stat; }
timed() {
  local name=$1; shift
  local b0 t0 b1 t1 rc=0
  b0=$(busy); t0=$(date +%s.%N)
  "$@" > "$work/$name.log" 2>&1 || rc=$?
  b1=$(busy); t1=$(date +%s.%N)
  printf '%-6s wall %5.0f s  machine CPU %5d s  %s (exit %d)\n' "$name" "$(echo "$t1 - $t0" | bc)" \
    $(( (b1 - b0) / $(getconf CLK_TCK) )) "$(grep -E '^[0-9]+ passed' "$work/$name.log" | tail -1)" "$rc"
}
for round in $(seq 1 "$rounds"); do
  echo "== round $round (load $(cut -d' ' -f1-3 /proc/loadavg))"
  if (( round % 2 )); then order=(old new); else order=(new old); fi
  for side in "${order[@]}"; do
    if [ "$side" = old ]; then timed old "$work/old/test.sh"; else timed new env RAPPORT_TEST_FILTERS="$work/filters" "$ROOT/test.sh"; fi
  done
done
