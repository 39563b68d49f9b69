#!/usr/bin/python3
"""Dynamic int8 quantisation of the exported quality model, with the onnx package only (no onnxruntime for Python here).

The same graph ONNX Runtime's quantize_dynamic writes for MatMul:
    DynamicQuantizeLinear(x) -> MatMulInteger(x_q, W_q, x_zero) -> Cast(float) -> Mul(x_scale * w_scale)
with W_q int8, symmetric (zero point 0) and one scale per output column (the Mul broadcasts it over the columns).
The word-embedding table (30522 x 384, 47 MB in float) becomes int8 with one scale per row: Gather the int8 rows and
their scales, Cast, Mul. Everything else (position embeddings, LayerNorm, biases, heads) stays float.

Usage: quantize.py in.onnx out.onnx
"""
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto


def main(src, dst):
    model = onnx.load(src)
    g = model.graph
    init = {t.name: t for t in g.initializer}
    new_nodes, drop, add = [], set(), []
    count = 0
    for node in g.node:
        if node.op_type == "MatMul" and node.input[1] in init and len(init[node.input[1]].dims) == 2:
            w = numpy_helper.to_array(init[node.input[1]]).astype(np.float32)  # [in, out]
            scale = np.maximum(np.abs(w).max(axis=0), 1e-8) / 127.0
            wq = np.clip(np.round(w / scale), -127, 127).astype(np.int8)
            base = f"q{count}_{node.input[1]}"
            count += 1
            add += [numpy_helper.from_array(wq, base + "_w"), numpy_helper.from_array(scale.astype(np.float32), base + "_ws")]
            drop.add(node.input[1])
            x = node.input[0]
            new_nodes += [
                helper.make_node("DynamicQuantizeLinear", [x], [base + "_xq", base + "_xs", base + "_xz"]),
                helper.make_node("MatMulInteger", [base + "_xq", base + "_w", base + "_xz"], [base + "_i32"]),
                helper.make_node("Cast", [base + "_i32"], [base + "_f"], to=TensorProto.FLOAT),
                helper.make_node("Mul", [base + "_xs", base + "_ws"], [base + "_s"]),
                helper.make_node("Mul", [base + "_f", base + "_s"], [node.output[0]]),
            ]
        elif node.op_type == "Gather" and node.input[0] in init and init[node.input[0]].dims[0] > 10000:
            w = numpy_helper.to_array(init[node.input[0]]).astype(np.float32)  # [vocab, hidden]
            scale = np.maximum(np.abs(w).max(axis=1), 1e-8) / 127.0
            wq = np.clip(np.round(w / scale[:, None]), -127, 127).astype(np.int8)
            base = "qemb"
            add += [numpy_helper.from_array(wq, base + "_w"), numpy_helper.from_array(scale[:, None].astype(np.float32), base + "_ws")]
            drop.add(node.input[0])
            ids = node.input[1]
            new_nodes += [
                helper.make_node("Gather", [base + "_w", ids], [base + "_g"], axis=0),
                helper.make_node("Gather", [base + "_ws", ids], [base + "_gs"], axis=0),
                helper.make_node("Cast", [base + "_g"], [base + "_gf"], to=TensorProto.FLOAT),
                helper.make_node("Mul", [base + "_gf", base + "_gs"], [node.output[0]]),
            ]
        else:
            new_nodes.append(node)
    still_used = {i for n in new_nodes for i in n.input}
    kept = [t for t in g.initializer if t.name not in drop or t.name in still_used]
    del g.initializer[:]
    g.initializer.extend(kept + add)
    del g.node[:]
    g.node.extend(new_nodes)
    # MatMulInteger/DynamicQuantizeLinear are opset 10/11 ops: fine under opset 14.
    onnx.checker.check_model(model)
    onnx.save(model, dst)
    print(f"quantised {count} MatMul weights and the word embeddings -> {dst}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
