package dev.modelscan.h5;

import dev.modelscan.api.Rule;
import dev.modelscan.api.Severity;
import dev.modelscan.api.ThreatType;
import java.util.List;

/** The rules the Keras and HDF5 scanners report. */
final class KerasRules {

  static final Rule LAMBDA =
      Rule.of(
          "KERAS-LAMBDA",
          "Keras Lambda layer with Python code",
          "A Lambda layer (or __lambda__ object) carries marshalled Python bytecode, or names a Python function, that"
              + " Keras runs when the model is loaded without safe_mode or when the layer is called (CVE-2024-3660,"
              + " CVE-2025-9905). The finding lists what the bytecode references.",
          Severity.HIGH,
          ThreatType.CODE_INJECTION);

  static final Rule DANGEROUS_REFERENCE =
      Rule.of(
          "KERAS-DANGEROUS-REFERENCE",
          "Keras configuration names a dangerous callable",
          "A module/class_name/registered_name/function reference in the model configuration resolves to a callable"
              + " that runs commands, code, file or network operations (such as os.system); Keras versions before"
              + " 3.9 import and call it while loading (CVE-2025-1550).",
          Severity.CRITICAL,
          ThreatType.DESERIALIZATION);

  static final Rule NON_MODELING_API =
      Rule.of(
          "KERAS-NON-MODELING-API",
          "Keras configuration calls a non-modelling Keras API",
          "The configuration resolves to a Keras API that loads, saves or downloads files or turns safe_mode off"
              + " (keras.config.enable_unsafe_deserialization, keras.utils.get_file, keras.models.load_model ...);"
              + " chained with a Lambda this bypasses safe_mode (CVE-2025-9906, CVE-2025-8747).",
          Severity.HIGH,
          ThreatType.DESERIALIZATION);

  static final Rule CUSTOM_OBJECT =
      Rule.of(
          "KERAS-CUSTOM-OBJECT",
          "Keras configuration references a custom or unknown object",
          "A layer, activation, initializer, loss, metric or other object in the configuration is not built into"
              + " Keras: the loader resolves it from custom_objects, a registry or an importable module, so its code"
              + " comes from outside the model file and was not analysed.",
          Severity.MEDIUM,
          ThreatType.UNKNOWN_REFERENCE);

  static final Rule EMBEDDED_PICKLE =
      Rule.of(
          "KERAS-EMBEDDED-PICKLE",
          "Keras configuration embeds a pickled object",
          "A TorchModuleWrapper layer stores a torch.save pickle (base64) in its configuration, which Keras loads with"
              + " torch.load while loading the model (CVE-2025-49655). The decoded bytes are scanned as nested"
              + " content.",
          Severity.HIGH,
          ThreatType.DESERIALIZATION);

  static final Rule DUPLICATE_KEY =
      Rule.of(
          "KERAS-DUPLICATE-KEY",
          "Duplicate key in a Keras JSON configuration",
          "A JSON object repeats a key. Python's json module (and so Keras) keeps the last value while other readers"
              + " keep the first, a known way to show scanners a benign value and the loader a payload; the last"
              + " value was analysed.",
          Severity.MEDIUM,
          ThreatType.OBFUSCATION);

  static final Rule TF_OP =
      Rule.of(
          "KERAS-TF-OP-FILE-ACCESS",
          "Keras TFOpLambda calls a file or Python-function TensorFlow op",
          "A TFOpLambda layer resolves a TensorFlow API by name; io.*, py_function, numpy_function and raw file ops"
              + " read or write files or run Python when the model runs.",
          Severity.HIGH,
          ThreatType.FILE_ACCESS);

  static final Rule EXTERNAL_RESOURCE =
      Rule.of(
          "KERAS-EXTERNAL-RESOURCE",
          "Keras configuration reads a file outside the model",
          "A layer configuration names a path that Keras opens while loading: a TFSMLayer loads (and runs the graph"
              + " of) a SavedModel from its filepath, lookup and vectorization layers read their vocabulary from a"
              + " file path. Either reaches files on the loading machine that were not scanned.",
          Severity.HIGH,
          ThreatType.FILE_ACCESS);

  static final Rule EXTERNAL_LINK =
      Rule.of(
          "H5-EXTERNAL-LINK",
          "HDF5 external link",
          "An HDF5 external link points into another file. A loader that follows it (h5py, Keras before 3.16) opens"
              + " that path, which can read arbitrary files on the loading machine. The link was not followed.",
          Severity.HIGH,
          ThreatType.FILE_ACCESS);

  static final Rule EXTERNAL_STORAGE =
      Rule.of(
          "H5-EXTERNAL-STORAGE",
          "HDF5 dataset stored outside the file",
          "A dataset keeps its data in external raw files (External Data Files message) or maps other files (Virtual"
              + " Dataset). Reading it makes libhdf5 open the named paths. The storage was not followed.",
          Severity.HIGH,
          ThreatType.FILE_ACCESS);

  static final Rule SHAPE_BOMB =
      Rule.of(
          "H5-SHAPE-BOMB",
          "HDF5 dataset declares far more data than it stores",
          "A dataset's declared shape needs vastly more memory than the bytes stored for it (unwritten chunks read"
              + " back as fill values). A loader that reads it allocates the declared size and exhausts memory.",
          Severity.MEDIUM,
          ThreatType.DENIAL_OF_SERVICE);

  static final Rule UNKNOWN_FILTER =
      Rule.of(
          "H5-UNKNOWN-FILTER",
          "HDF5 dataset uses an unregistered filter",
          "A dataset's filter pipeline names a filter id that is not built into libhdf5 or a well-known plugin;"
              + " libhdf5 loads filter plugins from HDF5_PLUGIN_PATH as native code when the data is read.",
          Severity.MEDIUM,
          ThreatType.UNKNOWN_REFERENCE);

  static final List<Rule> KERAS =
      List.of(
          LAMBDA,
          DANGEROUS_REFERENCE,
          NON_MODELING_API,
          CUSTOM_OBJECT,
          EMBEDDED_PICKLE,
          DUPLICATE_KEY,
          TF_OP,
          EXTERNAL_RESOURCE);

  static final List<Rule> HDF5 = List.of(EXTERNAL_LINK, EXTERNAL_STORAGE, SHAPE_BOMB, UNKNOWN_FILTER);

  private KerasRules() {}
}
