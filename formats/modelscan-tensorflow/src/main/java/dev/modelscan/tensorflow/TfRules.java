package dev.modelscan.tensorflow;

import dev.modelscan.api.Rule;
import dev.modelscan.api.Severity;
import dev.modelscan.api.ThreatType;
import java.util.List;

/** The rules of the TensorFlow scanners. */
final class TfRules {

  static final Rule PYTHON_OP =
      Rule.of(
          "TF-PYTHON-OP",
          "Operation that calls Python",
          "The graph contains PyFunc, PyFuncStateless or EagerPyFunc, which call a Python function when the graph"
              + " runs. The function itself is not saved, so the model only works where matching Python code is"
              + " registered: a sign that the model expects code to be run alongside it.",
          Severity.HIGH,
          ThreatType.CODE_INJECTION);

  static final Rule FILE_READ_OP =
      Rule.of(
          "TF-FILE-READ-OP",
          "Operation that reads files",
          "The graph contains an operation that reads files named by tensors (ReadFile, MatchingFiles, file"
              + " readers and datasets). Running the model can read any file the process can, and return it as"
              + " output.",
          Severity.HIGH,
          ThreatType.FILE_ACCESS);

  static final Rule FILE_WRITE_OP =
      Rule.of(
          "TF-FILE-WRITE-OP",
          "Operation that writes files",
          "The graph contains an operation that writes files (WriteFile, dataset savers, summary writers, PrintV2 or"
              + " debug ops with file targets). Running the model can overwrite files the process can write.",
          Severity.HIGH,
          ThreatType.FILE_ACCESS);

  static final Rule NETWORK_OP =
      Rule.of(
          "TF-NETWORK-OP",
          "Operation that reaches the network",
          "The graph contains RPC, send/receive or debug operations with remote targets. Running the model"
              + " connects to, or listens for, other hosts.",
          Severity.HIGH,
          ThreatType.NETWORK_ACCESS);

  static final Rule CHECKPOINT_OP =
      Rule.of(
          "TF-CHECKPOINT-OP",
          "Checkpoint I/O outside the saver",
          "Save and restore operations belong to a SavedModel's saver functions. Elsewhere in the graph they read or"
              + " write checkpoint files at paths the graph chooses.",
          Severity.LOW,
          ThreatType.FILE_ACCESS);

  static final Rule CUSTOM_OP =
      Rule.of(
          "TF-CUSTOM-OP",
          "Operation from a custom op library",
          "The graph uses a namespaced operation (such as Addons>GatherTree) that only exists once a custom op"
              + " library, native code, is loaded into the process with tf.load_op_library.",
          Severity.MEDIUM,
          ThreatType.UNKNOWN_REFERENCE);

  static final Rule ASSET_PATH_TRAVERSAL =
      Rule.of(
          "TF-ASSET-PATH-TRAVERSAL",
          "Asset file outside the SavedModel",
          "An asset_file_def filename is absolute or climbs out of the SavedModel's assets directory. The loader"
              + " passes the joined path to the graph, so loading the model reads that file (for example into a"
              + " vocabulary table).",
          Severity.HIGH,
          ThreatType.PATH_TRAVERSAL);

  static final Rule KERAS_LAMBDA =
      Rule.of(
          "TF-KERAS-METADATA-LAMBDA",
          "Keras Lambda layer in keras_metadata.pb",
          "The TF-Keras metadata describes a Lambda layer. tf.keras.models.load_model rebuilds it from the saved"
              + " Python bytecode or function reference, which runs that code.",
          Severity.HIGH,
          ThreatType.CODE_INJECTION);

  static final Rule KERAS_MODULE =
      Rule.of(
          "TF-KERAS-METADATA-MODULE",
          "Keras object from a non-Keras module",
          "The TF-Keras metadata names a class or function from a module outside Keras and TensorFlow. Loading the"
              + " model imports that module.",
          Severity.MEDIUM,
          ThreatType.UNKNOWN_REFERENCE);

  static final Rule TFLITE_CUSTOM_OP =
      Rule.of(
          "TFLITE-CUSTOM-OP",
          "TFLite custom operator",
          "The model uses a custom operator. The interpreter runs it only with a native kernel registered by the"
              + " application, code that is not part of TFLite.",
          Severity.MEDIUM,
          ThreatType.UNKNOWN_REFERENCE);

  static final Rule TFLITE_FLEX_OP =
      Rule.of(
          "TFLITE-FLEX-OP",
          "TFLite Flex (Select TensorFlow) operator",
          "The model uses a Flex operator, which runs a full TensorFlow kernel through the Select TF ops delegate,"
              + " outside the TFLite builtin set. Flex operators that read or write files, call Python or reach the"
              + " network are reported under the TF-* operation rules instead.",
          Severity.LOW,
          ThreatType.UNKNOWN_REFERENCE);

  static final Rule TFLITE_MALFORMED =
      Rule.of(
          "TFLITE-MALFORMED",
          "Malformed TFLite flatbuffer",
          "An offset, length or buffer of the flatbuffer points outside the file. The TFLite interpreter has had"
              + " memory-safety bugs on exactly such input.",
          Severity.MEDIUM,
          ThreatType.MALFORMED_CONTENT);

  static final List<Rule> OPS = List.of(PYTHON_OP, FILE_READ_OP, FILE_WRITE_OP, NETWORK_OP, CHECKPOINT_OP);

  private TfRules() {}

  static Rule forKind(RiskyOps.Kind kind) {
    return switch (kind) {
      case PYTHON -> PYTHON_OP;
      case FILE_READ -> FILE_READ_OP;
      case FILE_WRITE -> FILE_WRITE_OP;
      case NETWORK -> NETWORK_OP;
      case CHECKPOINT -> CHECKPOINT_OP;
    };
  }
}
