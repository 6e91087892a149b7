#!/usr/bin/python3
"""Generates the ONNX test fixtures with the onnx helper API (python3-onnx 1.12 on the build machine).

Run from this directory: /usr/bin/python3 gen_onnx.py
External data entries are set by hand on TensorProto.external_data; no referenced file is created except
weights.bin for the clean external-data model. Nothing here loads or runs a model.
"""
import onnx
from onnx import TensorProto, helper

FLOAT = TensorProto.FLOAT


def relu_graph(name="g", initializers=(), extra_nodes=()):
    x = helper.make_tensor_value_info("x", FLOAT, [1, 4])
    y = helper.make_tensor_value_info("y", FLOAT, [1, 4])
    nodes = [helper.make_node("Relu", ["x"], ["y"], name="relu")] + list(extra_nodes)
    return helper.make_graph(nodes, name, [x], [y], initializer=list(initializers))


def model(graph, **kw):
    m = helper.make_model(graph, producer_name="modelscan-tests", opset_imports=kw.pop("opsets", None)
                          or [helper.make_opsetid("", 13)], **kw)
    return m


def save(m, name):
    with open(name, "wb") as f:
        f.write(m.SerializeToString())


def weight(name="w", values=(1.0, 2.0, 3.0, 4.0)):
    return helper.make_tensor(name, FLOAT, [len(values)], list(values))


def external(name, entries):
    t = TensorProto()
    t.name = name
    t.data_type = FLOAT
    t.dims.extend([4])
    t.data_location = TensorProto.EXTERNAL
    for k, v in entries:
        e = t.external_data.add()
        e.key = k
        e.value = v
    return t


# Clean: a Relu with an initializer and harmless metadata, an If with two subgraphs, a call to a model-local function
# of a non-standard domain (not a custom operator), and an ai.onnx.ml operator.
then_g = helper.make_graph([helper.make_node("Identity", ["x"], ["t"])], "then", [],
                           [helper.make_tensor_value_info("t", FLOAT, [1, 4])])
else_g = helper.make_graph([helper.make_node("Neg", ["x"], ["e"])], "else", [],
                           [helper.make_tensor_value_info("e", FLOAT, [1, 4])])
cond = helper.make_tensor("cond", TensorProto.BOOL, [], [True])
if_node = helper.make_node("If", ["cond"], ["z"], name="branch", then_branch=then_g, else_branch=else_g)
fn = helper.make_function("local.functions", "DoubleRelu", ["a"], ["b"],
                          [helper.make_node("Relu", ["a"], ["m"]), helper.make_node("Relu", ["m"], ["b"])],
                          [helper.make_opsetid("", 13)])
call = helper.make_node("DoubleRelu", ["x"], ["d"], domain="local.functions")
ml = helper.make_node("Normalizer", ["x"], ["n"], domain="ai.onnx.ml", norm="L2")
g = relu_graph("clean", [weight(), cond], [if_node, call, ml])
m = model(g, opsets=[helper.make_opsetid("", 13), helper.make_opsetid("ai.onnx.ml", 3),
                     helper.make_opsetid("local.functions", 1)], functions=[fn])
helper.set_model_props(m, {"author": "modelscan tests", "license": "Apache-2.0"})
save(m, "clean.onnx")

# Clean, external data inside the model directory.
with open("weights.bin", "wb") as f:
    f.write(b"\0" * 16)
save(model(relu_graph("ext_ok", [external("w", [("location", "weights.bin"), ("offset", "0"),
                                                 ("length", "16")])])), "external_inside.onnx")

# External data escaping the directory, one file per way out.
cases = {
    "external_traversal.onnx": "../../../../etc/passwd",
    "external_nested_traversal.onnx": "subdir/../../secret.bin",   # CVE-2024-27318
    "external_absolute.onnx": "/etc/passwd",
    "external_drive_letter.onnx": "C:\\Windows\\win.ini",
    "external_device.onnx": "/proc/self/environ",
    "external_unc.onnx": "\\\\attacker.example\\share\\w.bin",
}
for fname, loc in cases.items():
    save(model(relu_graph("ext", [external("w", [("location", loc)])])), fname)

# An external_data key that ONNX does not define (CVE-2026-34445 class).
save(model(relu_graph("ext", [external("w", [("location", "weights.bin"), ("__class__", "x")])])),
     "external_unknown_key.onnx")

# The traversal hidden in a Constant node inside the then-branch of an If.
hidden = helper.make_node("Constant", [], ["t"], value=external("c", [("location", "../outside.bin")]))
then_bad = helper.make_graph([hidden], "then", [], [helper.make_tensor_value_info("t", FLOAT, [4])])
if_bad = helper.make_node("If", ["cond"], ["z"], then_branch=then_bad, else_branch=else_g)
save(model(relu_graph("nested", [cond], [if_bad])), "external_in_subgraph.onnx")

# A custom operator domain.
custom = helper.make_node("MyOp", ["x"], ["c"], domain="com.example.custom")
save(model(relu_graph("custom", [], [custom]), opsets=[helper.make_opsetid("", 13),
                                                       helper.make_opsetid("com.example.custom", 1)]),
     "custom_domain.onnx")

# onnxruntime-extensions PyOp: runs a Python function named in the model.
pyop = helper.make_node("PyOp", ["x"], ["p"], domain="ai.onnx.contrib")
save(model(relu_graph("py", [], [pyop]), opsets=[helper.make_opsetid("", 13),
                                                 helper.make_opsetid("ai.onnx.contrib", 1)]), "python_op.onnx")

# Metadata with script markup.
m = model(relu_graph("meta"))
helper.set_model_props(m, {"description": "<script>alert('pwned')</script>"})
save(m, "metadata_script.onnx")
