#!/usr/bin/env bash
# Whole-process throughput of `rapport listen analyze` (docs/performance.md, "Listening: whole process"):
# the marginal rate between a small and a big synthetic transcript, so start-up and model load cancel out.
# Usage: bench/listen-throughput.sh [fast|quality] [big utterances] [runs]
set -euo pipefail
mode=${1:-fast}; big=${2:-19000}; runs=${3:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
cli="$root/src/Rapport.Cli/bin/Release/net10.0/Rapport.Cli"
[ -x "$cli" ] || dotnet build "$root/src/Rapport.Cli" -c Release >/dev/null
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
python3 - "$dir" "$big" <<'PY'
import sys, random
folder, big = sys.argv[1], int(sys.argv[2])
random.seed(15)
t = ["What would you like to talk about today?", "It sounds like the evenings are the hardest part for you.", "Do you drink every day?",
     "You're worried that if you stop, you'll lose the one thing that helps you relax.", "Some people find it helps to plan something else for that hour.",
     "Okay.", "How did that feel when your daughter said it?", "You should talk to your doctor about the medication.",
     "So on the one hand you want things to change, and on the other it feels like too much right now.", "Mm-hmm."]
c = ["I don't know, things have been a lot lately.", "Yeah, mostly after work when I'm alone.", "I guess so. I feel stuck and tired all the time.",
     "My sister keeps telling me I need to stop.", "No, not really.", "I'm scared I can't do it without it."]
for name, n in (("small", 200), ("big", big)):
    with open(f"{folder}/{name}.txt", "w") as f:
        for i in range(n):
            f.write(("Therapist: " + random.choice(t)) if i % 2 == 0 else ("Client: " + random.choice(c)))
            f.write("\n")
PY
best() { local file=$1 b=999999; for _ in $(seq "$runs"); do
  local s=$(date +%s.%N); taskset -c 0 "$cli" listen analyze "$file" --mode "$mode" > /dev/null; local e=$(date +%s.%N)
  b=$(python3 -c "print(min($b, $e - $s))"); done; echo "$b"; }
small=$(best "$dir/small.txt"); large=$(best "$dir/big.txt")
python3 -c "
s, l, n = $small, $large, $big - 200
print(f'mode $mode, one core (taskset -c 0), best of $runs: small (200) {s:.2f} s, big ($big) {l:.2f} s; marginal {n / (l - s):,.0f} utterances/s')"
