#!/usr/bin/python3
"""Generates modelscan-pickle's exact allowlist of pickle globals: allowlist-generated.tsv.

Run with the system Python that has the ML libraries:  /usr/bin/python3 formats/modelscan-pickle/tools/gen_allowlist.py

Every entry is an exact "module.qualname" whose object is a data-reconstruction callable (a class, or a rebuild /
unpickle function) and whose definition LIVES in that module: the script imports the module, looks the name up in
the module's own namespace, and keeps it only when obj.__module__ == module and obj.__qualname__ == name. A name that
a module merely imports or re-exports (operator.attrgetter as an attribute of a scikit-learn submodule, the platform
module as sklearn.base.platform) is never listed under the importing module's name. Four sources feed the list:

  weights_only  torch's own torch.load(weights_only=True) allowlist, transcribed item for item from the current main
                branch (see WEIGHTS_ONLY_SOURCE); its dtype / layout objects are instances, listed by their str().
  introspect    classes and rebuild functions found by walking the modules of the installed libraries with the
                rules of INTROSPECT below (and never the excluded modules: backends, torch._C, torch.ops, fx, jit,
                distributed, testing, dataset downloaders, ...).
  observed      every global that real pickles written by the installed libraries reference (the objects built in
                observed_pickles(); the script only *writes* pickles and reads their opcodes with pickletools, it
                never loads one). Each must pass the same "lives in its module" check, or be a listed ALIAS.
  curated       stdlib data types and a few names from newer library releases that are not installed here, each
                with its reason (CURATED).

Names that the always-dangerous list (dangerous_globals.txt) matches are dropped: that list wins anyway.
The output is sorted and deterministic for a given set of library versions, which the header records.
"""
import builtins
import importlib
import inspect
import io
import os
import pickle
import pickletools
import pkgutil
import sys
import types
import warnings

warnings.filterwarnings("ignore")
HERE = os.path.dirname(os.path.abspath(__file__))
RES = os.path.join(HERE, "..", "src", "main", "resources", "dev", "modelscan", "pickle")
OUT = os.path.join(RES, "allowlist-generated.tsv")

WEIGHTS_ONLY_SOURCE = ("pytorch/pytorch main @ 00f730b66e58769f9698d9236f58cd46c3794115: "
                       "torch/_weights_only_unpickler.py _get_allowed_globals() + _tensor_rebuild_functions(), "
                       "torch/storage.py _dtype_to_storage_type_map() + _new_dtypes()")

# torch.load(weights_only=True): the static entries, then the names the function builds in loops.
WEIGHTS_ONLY = (
    ["collections.OrderedDict", "collections.Counter", "torch.nn.parameter.Parameter",
     "torch.serialization._get_layout", "torch.Size", "torch.Tensor", "torch.device", "_codecs.encode",
     "builtins.bytearray", "builtins.set", "builtins.complex"]
    # str(t) for t in _dtype_to_storage_type_map() and _new_dtypes(), torch.uint1..7, torch.int1..7
    + ["torch." + d for d in (
        "float64 float32 float16 int64 int32 int16 int8 uint8 bool bfloat16 complex128 complex64 qint8 qint32 "
        "quint8 quint4x2 quint2x4 float8_e5m2 float8_e4m3fn float8_e5m2fnuz float8_e4m3fnuz float8_e8m0fnu "
        "float4_e2m1fn_x2 bits8 bits16 bits1x8 bits2x4 bits4x2 complex32 uint16 uint32 uint64").split()]
    + ["torch.uint%d" % i for i in range(1, 8)] + ["torch.int%d" % i for i in range(1, 8)]
    # f"{tt.__module__}.{tt.__name__}" for torch._tensor_classes / torch._storage_classes (filled from torch below)
    + ["torch.per_tensor_affine", "torch.per_tensor_symmetric", "torch.per_channel_affine",
       "torch.per_channel_symmetric", "torch.per_channel_affine_float_qparams"]
    + ["torch._utils." + f for f in (
        "_rebuild_parameter _rebuild_parameter_with_state _rebuild_qtensor _rebuild_tensor _rebuild_tensor_v2 "
        "_rebuild_tensor_v3 _rebuild_sparse_tensor _rebuild_meta_tensor_no_storage _rebuild_wrapper_subclass "
        "_rebuild_device_tensor_from_numpy _rebuild_device_tensor_from_cpu_tensor").split()]
    + ["torch._tensor._rebuild_from_type_v2"]
)

# Names written by libraries that are public aliases of an allowlisted object (the alias is what pickles or users
# write; the object it resolves to must itself be on the list, which the script checks).
ALIASES = {
    "numpy.ma.MaskedArray": "numpy.ma.core.MaskedArray",      # numpy.ma's public name of the class
    "torch.UntypedStorage": "torch.storage.UntypedStorage",   # torch.save persistent ids of untyped storages
    "sklearn.utils.Bunch": "sklearn.utils._bunch.Bunch",      # older scikit-learn wrote the public name
}

# Data types of the standard library: exact names, checked against the running interpreter like the rest.
STDLIB = [
    "builtins.object", "builtins.set", "builtins.frozenset", "builtins.dict", "builtins.list", "builtins.tuple",
    "builtins.int", "builtins.float", "builtins.complex", "builtins.bool", "builtins.str", "builtins.bytes",
    "builtins.bytearray", "builtins.range", "builtins.slice", "builtins.len", "builtins.NotImplemented",
    "builtins.Ellipsis", "_io.BytesIO", "copyreg._reconstructor", "copyreg.__newobj__", "copyreg.__newobj_ex__",
    "_codecs.encode", "collections.OrderedDict", "collections.Counter", "collections.defaultdict",
    "collections.deque", "datetime.datetime", "datetime.date", "datetime.time", "datetime.timedelta",
    "datetime.timezone", "decimal.Decimal", "fractions.Fraction", "uuid.UUID", "uuid.SafeUUID", "enum.Enum",
    "enum.IntEnum", "enum.Flag", "enum.IntFlag", "types.SimpleNamespace", "argparse.Namespace",
    "pathlib.PurePath", "pathlib.PurePosixPath", "pathlib.PureWindowsPath", "ipaddress.IPv4Address",
    "ipaddress.IPv6Address", "__future__._Feature",
]

# Curated names that the installed libraries cannot show (newer releases, or libraries not installed), each with
# the source it was read from. Hugging Face Trainer enums: training_args.bin pickles their members as
# getattr(EnumClass, 'NAME') on Python >= 3.11; they are plain (str, Enum) classes without pickling hooks, so
# loading one only looks a member up by name.
CURATED = {
    "torch._utils._rebuild_nested_tensor":
        "torch main torch/_utils.py: rebuilds a nested tensor view from a buffer (torch >= 2.1)",
    "torch._utils._rebuild_sparse_csr_tensor": "torch 1.13 torch/_utils.py (removed later)",
}
CURATED_OLD = {
    "torch.nn.parameter.Buffer": "torch >= 2.5 torch/nn/parameter.py: a tensor marked as a module buffer",
    **{f"scipy.sparse.{m}.{m}_matrix": f"SciPy < 1.8 defined the class in scipy/sparse/{m}.py"
       for m in ("csr", "csc", "coo", "lil", "dok", "bsr", "dia")},
    "sklearn.externals.joblib.numpy_pickle.NumpyArrayWrapper":
        "scikit-learn < 0.23 vendored joblib: the array wrapper defined in sklearn/externals/joblib/numpy_pickle.py",
}
HF_ENUMS = ("transformers@007360d6 src/transformers/trainer_utils.py (ExplicitEnum subclasses)", [
    "transformers.trainer_utils.IntervalStrategy", "transformers.trainer_utils.SaveStrategy",
    "transformers.trainer_utils.EvaluationStrategy", "transformers.trainer_utils.HubStrategy",
    "transformers.trainer_utils.HPSearchBackend", "transformers.trainer_utils.SchedulerType",
    "transformers.trainer_utils.FSDPOption"])
# Enums of a training_args.bin that transformers' source search did not show here but fickling's reviewed
# ML_ALLOWLIST lists (trailofbits/fickling @ 854c99ac fickling/ml.py): TrainingArguments.optim, the older sharded-DDP
# option, and accelerate's distributed type kept in the PartialState that TrainingArguments caches.
FICKLING_ENUMS = ("fickling@854c99ac fickling/ml.py ML_ALLOWLIST (Enum classes only)", [
    "transformers.training_args.OptimizerNames", "transformers.trainer_utils.ShardedDDPOption",
    "accelerate.utils.dataclasses.DistributedType"])

# Modules never walked and never listed: loaders, backends, compilers, code generation, process groups, tests,
# downloaders. (torch._C, torch.ops and the backend-registration helpers can rename backends or load libraries.)
EXCLUDED = (
    "torch._C", "torch.ops", "torch._ops", "torch.backends", "torch.utils.backend_registration", "torch.fx",
    "torch.jit._script", "torch.jit._trace", "torch.jit._serialization", "torch.jit.frontend", "torch.package",
    "torch.distributed", "torch.nn.parallel", "torch.testing", "torch._dynamo", "torch._inductor", "torch.hub",
    "torch.utils.cpp_extension", "torch.multiprocessing", "torch.cuda", "torch.onnx", "torch.ao", "torch._refs",
    "torch._prims", "torch._decomp", "torch._subclasses", "torch.compiler",
    "sklearn.datasets", "sklearn.externals", "sklearn.utils._testing", "sklearn.utils.parallel",
    "sklearn.utils._joblib", "sklearn.utils._show_versions", "sklearn.utils._mocking", "sklearn.experimental",
    "sklearn._build_utils", "sklearn.tests", "sklearn.utils.estimator_checks", "sklearn.utils.fixes",
    "sklearn.conftest", "sklearn._min_dependencies",
)


def excluded(mod):
    return any(mod == e or mod.startswith(e + ".") for e in EXCLUDED) or ".tests" in mod or ".test_" in mod


def lives_in(obj, module, qualname):
    return getattr(obj, "__module__", None) == module and getattr(obj, "__qualname__", None) == qualname


def optional(name):
    """An optional library's module, or None when it is not installed here."""
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def resolve(full):
    """The object a find_class-style import of full would reach, or None (imports only our own names)."""
    parts = full.split(".")
    for i in range(len(parts) - 1, 0, -1):
        mod = ".".join(parts[:i])
        try:
            m = importlib.import_module(mod)
        except Exception:
            continue
        obj = m
        try:
            for p in parts[i:]:
                obj = getattr(obj, p)
        except AttributeError:
            return None
        return mod, ".".join(parts[i:]), obj
    return None


def walk(root):
    pkg = importlib.import_module(root)
    yield pkg
    if not hasattr(pkg, "__path__"):
        return
    for info in pkgutil.walk_packages(pkg.__path__, root + ".", onerror=lambda n: None):
        if excluded(info.name):
            continue
        try:
            yield importlib.import_module(info.name)
        except Exception:
            continue


def defined(mod):
    for name, obj in sorted(vars(mod).items()):
        if lives_in(obj, mod.__name__, name):
            yield name, obj


# ------------------------------------------------------------------------------------------------- introspection
def introspect(out):
    import numpy as np
    import sklearn.base
    import scipy.sparse
    import scipy.stats
    import torch
    import torch.optim
    import torch.optim.lr_scheduler

    def add(full, why):
        out.setdefault(full, why)

    # torch: tensor and storage classes (as weights_only builds them), the torch-level data objects, nn modules,
    # optimizers and schedulers defined where they live, the rebuild helpers and TorchScript list builders.
    for tt in torch._tensor_classes:
        add(f"{tt.__module__}.{tt.__name__}", "weights_only")
    for ts in torch._storage_classes:
        add(f"{ts.__module__}.{ts.__name__}", "weights_only")
    for name, obj in sorted(vars(torch).items()):
        if isinstance(obj, (torch.dtype, torch.layout, torch.memory_format, torch.qscheme)):
            add("torch." + name, "introspect: torch data object (%s)" % type(obj).__name__)
    for mod in walk("torch.nn.modules"):
        for name, obj in defined(mod):
            if inspect.isclass(obj) and issubclass(obj, torch.nn.Module):
                add(f"{mod.__name__}.{name}", "introspect: torch.nn.Module subclass")
    for modname in ("torch.nn.parameter", "torch.nn.utils.parametrize", "torch.nn.utils.rnn",
                    "torch.nn.utils.spectral_norm", "torch.nn.utils.weight_norm"):
        mod = importlib.import_module(modname)
        for name, obj in defined(mod):
            if inspect.isclass(obj) and (issubclass(obj, (torch.Tensor, torch.nn.Module)) or name == "PackedSequence"
                                         or name.endswith("Norm")):
                add(f"{modname}.{name}", "introspect: torch.nn data class")
    for mod in walk("torch.optim"):
        for name, obj in defined(mod):
            if inspect.isclass(obj) and (issubclass(obj, torch.optim.Optimizer)
                                         or issubclass(obj, torch.optim.lr_scheduler._LRScheduler)
                                         or name == "ReduceLROnPlateau"):
                add(f"{mod.__name__}.{name}", "introspect: optimizer or scheduler")
    for modname, prefix in (("torch._utils", "_rebuild_"), ("torch._tensor", "_rebuild_"),
                            ("torch.jit._pickle", "build_"), ("torch.jit._pickle", "restore_type_tag")):
        mod = importlib.import_module(modname)
        for name, obj in defined(mod):
            if inspect.isfunction(obj) and name.startswith(prefix):
                add(f"{modname}.{name}", "introspect: rebuild function")
    add("torch.utils.hooks.RemovableHandle", "introspect: hook handle kept in module state")

    # numpy: array, dtype and scalar types, the reconstruct helpers, masked arrays, random generator state.
    for name, obj in defined(np):
        if inspect.isclass(obj) and (issubclass(obj, (np.generic, np.ndarray)) or obj is np.dtype):
            add("numpy." + name, "introspect: numpy array/scalar type")
    for modname, names in (("numpy.core.multiarray", ("_reconstruct", "scalar")),
                           ("numpy.core.numeric", ("_frombuffer",)),
                           ("numpy.ma.core", ("_mareconstruct",))):
        mod = importlib.import_module(modname)
        for name in names:
            if lives_in(getattr(mod, name), modname, name):
                add(f"{modname}.{name}", "introspect: numpy reconstruct helper")
    # ufuncs (pure element-wise math) pickle by name from the extension module that defines them; estimators keep
    # them as parameters (FunctionTransformer(func=np.log1p))
    umath = importlib.import_module("numpy.core._multiarray_umath")
    for name, obj in sorted(vars(umath).items()):
        if isinstance(obj, np.ufunc) and obj.__name__ == name:
            add("numpy.core._multiarray_umath." + name, "introspect: numpy ufunc")
    for name, obj in defined(importlib.import_module("numpy.ma.core")):
        if inspect.isclass(obj) and issubclass(obj, np.ndarray):
            add("numpy.ma.core." + name, "introspect: masked array class")
    for mod in walk("numpy.random"):
        for name, obj in defined(mod):
            if (inspect.isclass(obj) and name in ("RandomState", "Generator", "SeedSequence", "BitGenerator",
                                                  "MT19937", "PCG64", "PCG64DXSM", "Philox", "SFC64")) or (
                    callable(obj) and mod.__name__ == "numpy.random._pickle" and name.endswith("_ctor")):
                add(f"{mod.__name__}.{name}", "introspect: numpy random state")

    # scikit-learn: estimators and the classes they hold (Cython trees, losses, metrics, scorers, kernels), the
    # Cython __pyx_unpickle_ helpers, and the metric functions scorers keep a reference to.
    metric_modules = ("sklearn.metrics._classification", "sklearn.metrics._regression",
                      "sklearn.metrics._ranking", "sklearn.metrics.cluster._supervised",
                      "sklearn.metrics.cluster._unsupervised")
    for mod in walk("sklearn"):
        for name, obj in defined(mod):
            full = f"{mod.__name__}.{name}"
            if inspect.isclass(obj):
                if issubclass(obj, BaseException):
                    continue
                add(full, "introspect: scikit-learn class")
            elif name.startswith("__pyx_unpickle_"):
                add(full, "introspect: Cython unpickle helper")
            elif mod.__name__ in metric_modules and inspect.isfunction(obj) and not name.startswith("_"):
                add(full, "introspect: metric function (kept by scorers)")

    # xgboost (when installed): the scikit-learn wrappers and the Booster. Their __setstate__ hands the pickled model
    # bytes to xgboost's own model reader (XGBoosterUnserializeFromBuffer); nothing in them names code to run.
    # Callbacks and custom objectives a user set are separate globals and are judged on their own.
    xgb = optional("xgboost")
    if xgb is not None:
        for modname in ("xgboost.sklearn", "xgboost.core"):
            mod = importlib.import_module(modname)
            for name, obj in defined(mod):
                if inspect.isclass(obj) and (issubclass(obj, xgb.sklearn.XGBModel) or obj is xgb.core.Booster):
                    add(f"{modname}.{name}", "introspect: xgboost estimator or booster")

    # joblib: only the array wrapper that joblib.dump writes (the older wrappers run a nested loader).
    add("joblib.numpy_pickle.NumpyArrayWrapper", "introspect: joblib array wrapper")

    # scipy: sparse matrices and statistical distributions (kept by randomized searches).
    for mod in walk("scipy.sparse"):
        if mod.__name__.startswith(("scipy.sparse.linalg", "scipy.sparse.csgraph")):
            continue
        for name, obj in defined(mod):
            if inspect.isclass(obj) and issubclass(obj, (scipy.sparse.spmatrix,)) or (
                    inspect.isclass(obj) and "_array" in name and name.endswith("_array")):
                add(f"{mod.__name__}.{name}", "introspect: scipy sparse matrix")
    for modname in ("scipy.stats._distn_infrastructure", "scipy.stats._continuous_distns",
                    "scipy.stats._discrete_distns"):
        mod = importlib.import_module(modname)
        for name, obj in defined(mod):
            if inspect.isclass(obj) and issubclass(obj, (scipy.stats.rv_continuous, scipy.stats.rv_discrete,
                                                          scipy.stats._distn_infrastructure.rv_frozen)):
                add(f"{modname}.{name}", "introspect: scipy distribution")


# --------------------------------------------------------------------------------------------- observed pickles
def globals_of(data):
    """The module.name of every global a pickle imports, read with pickletools (a symbolic stack, never a load)."""
    found, stack, memo = set(), [], {}
    markers = []
    try:
        _symbolic(data, found, stack, memo, markers)
    except (ValueError, IndexError):
        pass  # joblib's raw array bytes follow the wrapper; what came before is what pickle.dumps also writes
    return found


def _symbolic(data, found, stack, memo, markers):
    for op, arg, pos in pickletools.genops(data):
        name = op.name
        if name in ("GLOBAL", "INST"):
            found.add(arg.replace(" ", "."))
        if name == "STACK_GLOBAL":
            n, m = stack.pop(), stack.pop()
            found.add(f"{m}.{n}")
            stack.append(None)
            continue
        if name in ("MEMOIZE",):
            memo[len(memo)] = stack[-1]
            continue
        if name in ("PUT", "BINPUT", "LONG_BINPUT"):
            memo[arg] = stack[-1]
            continue
        if name in ("GET", "BINGET", "LONG_BINGET"):
            stack.append(memo.get(arg))
            continue
        if name == "MARK":
            markers.append(len(stack))
            continue
        if name == "DUP":
            stack.append(stack[-1])
            continue
        before = op.stack_before
        if pickletools.markobject in before:
            del stack[markers.pop():]
            before = [b for b in before if b is not pickletools.markobject and b is not pickletools.stackslice]
        for _ in before:
            if stack:
                stack.pop()
        for _ in op.stack_after:
            stack.append(arg if isinstance(arg, str) and name.endswith(("UNICODE", "STRING")) else None)


def observed_pickles():
    """Real objects written with the real libraries; yields (label, bytes)."""
    import collections
    import datetime
    import decimal
    import enum
    import fractions
    import uuid
    import numpy as np
    import joblib
    import scipy.sparse
    import scipy.stats
    import torch
    import torch.nn as nn
    from sklearn.pipeline import Pipeline, make_pipeline
    from sklearn.preprocessing import StandardScaler, MinMaxScaler, OneHotEncoder, LabelEncoder, PolynomialFeatures
    from sklearn.linear_model import LogisticRegression, LinearRegression, Ridge, Lasso, SGDClassifier
    from sklearn.ensemble import (RandomForestClassifier, GradientBoostingClassifier, IsolationForest,
                                  HistGradientBoostingClassifier, ExtraTreesRegressor, AdaBoostClassifier)
    from sklearn.tree import DecisionTreeRegressor
    from sklearn.neighbors import KNeighborsClassifier, NearestNeighbors
    from sklearn.svm import SVC
    from sklearn.cluster import KMeans
    from sklearn.decomposition import PCA, TruncatedSVD
    from sklearn.naive_bayes import GaussianNB
    from sklearn.impute import SimpleImputer
    from sklearn.compose import ColumnTransformer
    from sklearn.feature_extraction.text import TfidfVectorizer, CountVectorizer
    from sklearn.model_selection import GridSearchCV, RandomizedSearchCV
    from sklearn.neural_network import MLPClassifier
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import RBF, WhiteKernel, ConstantKernel

    rs = np.random.RandomState(0)
    X = rs.rand(40, 3)
    y = (X[:, 0] > .5).astype(int)
    from sklearn.preprocessing import FunctionTransformer
    models = [
        make_pipeline(StandardScaler(), LogisticRegression()).fit(X, y),
        make_pipeline(FunctionTransformer(np.log1p), LogisticRegression()).fit(X, y),
        RandomForestClassifier(n_estimators=2, random_state=0).fit(X, y),
        GradientBoostingClassifier(n_estimators=2).fit(X, y),
        HistGradientBoostingClassifier(max_iter=2).fit(X, y),
        ExtraTreesRegressor(n_estimators=2).fit(X, X[:, 1]),
        AdaBoostClassifier(n_estimators=2).fit(X, y),
        IsolationForest(n_estimators=2, random_state=0).fit(X),
        DecisionTreeRegressor().fit(X, X[:, 1]),
        KNeighborsClassifier(3).fit(X, y), NearestNeighbors(algorithm="ball_tree").fit(X),
        NearestNeighbors(algorithm="kd_tree").fit(X),
        SVC(probability=True).fit(X, y), KMeans(2, n_init=1).fit(X), PCA(2).fit(X), TruncatedSVD(2).fit(X),
        GaussianNB().fit(X, y), SimpleImputer().fit(X), MinMaxScaler().fit(X), PolynomialFeatures().fit(X),
        OneHotEncoder().fit([["a"], ["b"]]), LabelEncoder().fit(["a", "b"]),
        LinearRegression().fit(X, y), Ridge().fit(X, y), Lasso().fit(X, y), SGDClassifier().fit(X, y),
        ColumnTransformer([("s", StandardScaler(), [0, 1])]).fit(X),
        TfidfVectorizer().fit(["apple banana", "banana cherry"]), CountVectorizer().fit(["aa bb", "bb cc"]),
        GridSearchCV(SVC(), {"C": [1, 2]}, cv=2, scoring="f1").fit(X, y),
        GridSearchCV(LogisticRegression(), {"C": [1, 2]}, cv=2, scoring="roc_auc").fit(X, y),
        RandomizedSearchCV(LogisticRegression(), {"C": scipy.stats.uniform(0.1, 2)}, n_iter=2, cv=2,
                           random_state=0).fit(X, y),
        MLPClassifier(hidden_layer_sizes=(2,), max_iter=5).fit(X, y),
        GaussianProcessRegressor(ConstantKernel() * RBF() + WhiteKernel()).fit(X[:8], X[:8, 0]),
    ]
    xgb = optional("xgboost")
    if xgb is not None:
        models += [xgb.XGBClassifier(n_estimators=2, max_depth=2).fit(X, y),
                   xgb.XGBRegressor(n_estimators=2, max_depth=2).fit(X, X[:, 1]),
                   make_pipeline(StandardScaler(), xgb.XGBClassifier(n_estimators=2, max_depth=2)).fit(X, y),
                   xgb.train({"max_depth": 2}, xgb.DMatrix(X, label=y), num_boost_round=2)]
    for m in models:
        for proto in (2, 4, 5):
            yield type(m).__name__, pickle.dumps(m, protocol=proto)
        b = io.BytesIO()
        joblib.dump(m, b)
        yield type(m).__name__ + ".joblib", b.getvalue()

    # torch: state dicts, whole modules, optimizers and schedulers, tensors of every dtype, sparse and quantized
    class_names = [nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                                 nn.Dropout(), nn.Linear(2, 2), nn.LayerNorm(2), nn.GELU(), nn.Softmax(-1)),
                   nn.LSTM(2, 2), nn.GRU(2, 2), nn.Embedding(4, 2), nn.TransformerEncoderLayer(4, 2),
                   nn.MultiheadAttention(4, 2), nn.ModuleDict({"a": nn.Tanh()}),
                   nn.ParameterList([nn.Parameter(torch.zeros(1))])]
    for m in class_names:
        for proto in (2, 4):
            b = io.BytesIO()
            torch.save(m, b, pickle_protocol=proto)
            yield "torch-module", zip_pickles(b.getvalue())
            b = io.BytesIO()
            torch.save(m.state_dict(), b, pickle_protocol=proto)
            yield "torch-state", zip_pickles(b.getvalue())
        b = io.BytesIO()
        torch.save(m.state_dict(), b, _use_new_zipfile_serialization=False)
        yield "torch-legacy", b.getvalue()
    lin = nn.Linear(2, 2)
    opt = torch.optim.Adam(lin.parameters())
    lin(torch.ones(1, 2)).sum().backward()
    opt.step()
    sched = torch.optim.lr_scheduler.StepLR(opt, 1)
    for obj in (opt.state_dict(), sched.state_dict(), opt, sched, torch.optim.SGD(lin.parameters(), lr=.1),
                torch.optim.lr_scheduler.ReduceLROnPlateau(torch.optim.SGD(lin.parameters(), lr=.1)),
                torch.Size([2, 3]), torch.device("cpu"), [torch.float32, torch.int8, torch.bool],
                torch.strided, torch.sparse_coo, torch.contiguous_format,
                [torch.zeros(2, dtype=d) for d in (torch.float16, torch.bfloat16, torch.float64, torch.int16,
                                                   torch.int32, torch.int64, torch.uint8, torch.complex64,
                                                   torch.complex128, torch.bool)],
                torch.zeros(3).to_sparse(), torch.quantize_per_tensor(torch.zeros(2), 0.1, 0, torch.quint8),
                nn.Parameter(torch.zeros(2)), torch.Generator().get_state(),
                nn.utils.rnn.pack_padded_sequence(torch.zeros(2, 1, 1), [2])):
        b = io.BytesIO()
        try:
            torch.save(obj, b)
        except (TypeError, AttributeError, RuntimeError, pickle.PicklingError) as e:
            print(f"not picklable with this torch: {type(obj).__name__}: {e}", file=sys.stderr)
            continue
        yield "torch-object", zip_pickles(b.getvalue())
    scripted = torch.jit.script(nn.Linear(2, 2))
    b = io.BytesIO()
    torch.jit.save(scripted, b)
    yield "torchscript", zip_pickles(b.getvalue(), every=True)

    # numpy: arrays of every dtype family, scalars, masked arrays, random generators
    arrays = [np.zeros(2, dtype=d) for d in ("?", "i1", "u1", "i2", "u2", "i4", "u4", "i8", "u8", "f2", "f4",
                                             "f8", "c8", "c16", "U3", "S3", "M8[s]", "m8[s]", ">f4")]
    arrays += [np.zeros(2, dtype=[("a", "<f4"), ("b", "<i8", (2,))]), np.array([1, "x"], dtype=object),
               np.float64(1.5), np.int32(3), np.bool_(True), np.str_("s"), np.ma.masked_array([1, 2], [0, 1]),
               np.ma.masked, np.matrix([[1, 2]]), np.rec.array([(1, 2.0)], dtype=[("a", "i4"), ("b", "f8")]),
               np.random.RandomState(0), np.random.default_rng(0), np.random.Generator(np.random.MT19937(0)),
               np.random.Generator(np.random.Philox(0)), np.random.Generator(np.random.SFC64(0)),
               np.random.SeedSequence(0), np.dtype("f4")]
    for a in arrays:
        for proto in (2, 4, 5):
            yield "numpy", pickle.dumps(a, protocol=proto)
        b = io.BytesIO()
        joblib.dump(a, b)
        yield "numpy.joblib", b.getvalue()

    # scipy sparse matrices
    m = scipy.sparse.random(4, 4, density=.5, random_state=0)
    for fmt in ("csr", "csc", "coo", "lil", "dok", "bsr", "dia"):
        yield "scipy", pickle.dumps(m.asformat(fmt), protocol=4)
    if hasattr(scipy.sparse, "csr_array"):
        yield "scipy", pickle.dumps(scipy.sparse.csr_array(m), protocol=4)

    # standard library data types
    std = [collections.OrderedDict(a=1), collections.Counter("ab"), collections.defaultdict(list, a=[1]),
           collections.deque([1]), datetime.datetime(2020, 1, 2, 3, 4, 5), datetime.date(2020, 1, 2),
           datetime.timedelta(1), datetime.time(1), datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc),
           decimal.Decimal("1.5"), fractions.Fraction(1, 3), uuid.UUID(int=1), {1, 2}, frozenset([1]),
           bytearray(b"x"), b"bytes", complex(1, 2), range(3), slice(1, 2), types.SimpleNamespace(a=1)]
    for o in std:
        for proto in (0, 2, 4):
            yield "stdlib", pickle.dumps(o, protocol=proto)


def zip_pickles(data, every=False):
    import zipfile
    out = b""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for n in z.namelist():
            if n.endswith(".pkl") and (every or n.endswith("/data.pkl")):
                out += z.read(n)
    return out


def py3_name(full):
    """Python 2 names as find_class remaps them below protocol 3 (Lib/_compat_pickle.py)."""
    import _compat_pickle
    module, _, name = full.rpartition(".")
    if (module, name) in _compat_pickle.NAME_MAPPING:
        return ".".join(_compat_pickle.NAME_MAPPING[(module, name)])
    return _compat_pickle.IMPORT_MAPPING.get(module, module) + "." + name


def all_globals(data):
    """Globals of every pickle in data (stacked pickles, as zip_pickles concatenates them)."""
    found = set()
    pos = 0
    while pos < len(data):
        chunk = data[pos:]
        found |= globals_of(chunk)
        end = None
        try:
            for op, arg, p in pickletools.genops(chunk):
                end = p
        except ValueError:
            break
        pos += end + 1
        if data[pos:pos + 1] == b"":
            break
        # torch legacy files: raw storage bytes follow the pickles; stop at the first byte that is not a pickle
        try:
            next(pickletools.genops(data[pos:]))
        except Exception:
            break
    return found


# -------------------------------------------------------------------------------------------------------- main
def dangerous_entries():
    plain, any_attr = set(), set()
    with open(os.path.join(RES, "dangerous_globals.txt")) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                name = line.split()[1]
                (any_attr.add(name[2:]) if name.startswith("*.") else plain.add(name))
    return plain, any_attr


def is_dangerous(full, plain, any_attr):
    parts = full.split(".")
    if parts[-1] in any_attr:
        return True
    # prefixes of the path, as GlobalsPolicy matches a module path (the Java test checks every entry exactly)
    return any(".".join(parts[:j]) in plain for j in range(1, len(parts) + 1))


def main():
    import numpy, sklearn, joblib, scipy, torch
    entries = {}
    for n in WEIGHTS_ONLY:
        entries[n] = "weights_only"
    introspect(entries)
    for n in STDLIB:
        r = resolve(n)
        if r and (lives_in(r[2], r[0], r[1]) or n in ("builtins.NotImplemented", "builtins.Ellipsis")):
            entries.setdefault(n, "curated: standard-library data type")
        else:
            sys.exit(f"stdlib entry {n} does not live where it is named")
    import __future__
    for feature in __future__.all_feature_names:
        entries.setdefault("__future__." + feature, "curated: __future__ feature record (data)")
    import collections.abc
    for name, obj in defined(collections.abc):
        if inspect.isclass(obj):
            entries.setdefault("collections.abc." + name, "curated: abstract base class (no state)")
    for n, why in CURATED.items():
        entries.setdefault(n, "curated: " + why)
    for source, names in (HF_ENUMS, FICKLING_ENUMS):
        for n in names:
            entries.setdefault(n, "curated: Enum read from " + source)
    # NumPy 2 renamed the package numpy.core to numpy._core: the same definitions, written under the new path by
    # every pickle NumPy 2 makes (numpy._core.multiarray._reconstruct, ...). NumPy 2 is not installed here.
    for n in sorted(entries):
        if n.startswith("numpy.core."):
            entries.setdefault("numpy._core." + n[len("numpy.core."):],
                               "curated: NumPy 2 path of " + n + " (numpy/_core, same definition)")
    for n, why in CURATED_OLD.items():
        entries.setdefault(n, "curated: " + why)
    for alias, target in ALIASES.items():
        r = resolve(alias)
        if r is None or not lives_in(r[2], *target.rsplit(".", 1)) or target not in entries:
            sys.exit(f"alias {alias} does not resolve to the listed {target}")
        entries.setdefault(alias, "alias of " + target)

    # every global the real libraries write must be listed (or be dangerous, which wins anyway)
    plain, any_attr = dangerous_entries()
    missing = {}
    for label, data in observed_pickles():
        for g in all_globals(data):
            g = py3_name(g)
            if g in entries or is_dangerous(g, plain, any_attr):
                continue
            r = resolve(g)
            if r and lives_in(r[2], r[0], r[1]) and not excluded(r[0]):
                entries[g] = "observed: written by " + label
            elif not g.startswith("__torch__."):  # TorchScript class types: see GlobalsPolicy
                missing.setdefault(g, label)
    for g, label in sorted(missing.items()):
        print(f"observed but not listed (re-export or excluded): {g}  ({label})", file=sys.stderr)

    kept = {n: w for n, w in entries.items() if not is_dangerous(n, plain, any_attr) and "*" not in n}
    versions = (f"python {sys.version.split()[0]}, torch {torch.__version__}, numpy {numpy.__version__}, "
                f"scikit-learn {sklearn.__version__}, joblib {joblib.__version__}, scipy {scipy.__version__}, "
                + (f"xgboost {xgb.__version__}" if (xgb := optional("xgboost")) else "xgboost not installed")
                + ("; lightgbm not installed" if optional("lightgbm") is None else ""))
    with open(OUT, "w") as f:
        f.write("# Exact allowlist of pickle globals, generated by formats/modelscan-pickle/tools/gen_allowlist.py; do not edit.\n")
        f.write("# Generated against: " + versions + ".\n")
        f.write("# torch weights_only list: " + WEIGHTS_ONLY_SOURCE + ".\n")
        f.write("# Columns: module.qualname <TAB> why it is listed. Only the first column is read.\n")
        for n in sorted(kept):
            f.write(f"{n}\t{kept[n]}\n")
    print(f"{len(kept)} names written to {os.path.relpath(OUT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
