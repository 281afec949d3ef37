"""Writes test/data/tiny-logits.onnx, the model test/tensor/interop.test.ts runs in onnxruntime-node.

Run from the repository root with Debian's python3-onnx (CI only reads the committed file):

    /usr/bin/python3 tools/make-tiny-onnx.py

The graph is a linear layer: x [2, 3] float32 -> logits = x @ W + b, shape [2, 5] float32, and a
second output logits64 = Cast(logits, double), shape [2, 5] float64, so the test sees both float
dtypes an onnxruntime session hands back. W and b are seeded and stored as float32, so the file is
the same on every run (a few hundred bytes).
"""

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OUT = "test/data/tiny-logits.onnx"

rng = np.random.default_rng(16)
w = rng.standard_normal((3, 5)).astype(np.float32)
b = rng.standard_normal(5).astype(np.float32)

graph = helper.make_graph(
    [
        helper.make_node("MatMul", ["x", "W"], ["xw"]),
        helper.make_node("Add", ["xw", "b"], ["logits"]),
        helper.make_node("Cast", ["logits"], ["logits64"], to=TensorProto.DOUBLE),
    ],
    "tiny_logits",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])],
    [
        helper.make_tensor_value_info("logits", TensorProto.FLOAT, [2, 5]),
        helper.make_tensor_value_info("logits64", TensorProto.DOUBLE, [2, 5]),
    ],
    initializer=[numpy_helper.from_array(w, "W"), numpy_helper.from_array(b, "b")],
)
# opset 13 and IR version 7: old enough for any onnxruntime of the last years
model = helper.make_model(
    graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="kldiv tools/make-tiny-onnx.py"
)
model.ir_version = 7
onnx.checker.check_model(model)
onnx.save(model, OUT)
print(f"wrote {OUT}: W = {w.tolist()}, b = {b.tolist()}")
