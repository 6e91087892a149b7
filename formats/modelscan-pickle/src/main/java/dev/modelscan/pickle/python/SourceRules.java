package dev.modelscan.pickle.python;

import dev.modelscan.api.Rule;
import dev.modelscan.api.Severity;
import dev.modelscan.api.StandardRules;
import dev.modelscan.api.ThreatType;
import java.util.List;

/**
 * The rules of the Python source and TorchScript code scanner. A finding names the resolved callable (module and
 * name), the line of its first use and how often it is used; its severity depends on where the code is (TorchScript
 * code runs at {@code torch.jit.load}, so every capability there is HIGH).
 */
final class SourceRules {

  static final Rule EXEC =
      Rule.of(
          "PYTHON-EXEC",
          "Code evaluates Python source",
          "The code calls or refers to eval, exec, compile or another evaluator of Python source: what runs is decided"
              + " by data, not by the code that was reviewed.",
          Severity.HIGH,
          ThreatType.CODE_INJECTION);

  static final Rule PROCESS =
      Rule.of(
          "PYTHON-PROCESS",
          "Code runs operating-system commands",
          "The code uses os.system, subprocess, pty or another way to run commands or processes.",
          Severity.HIGH,
          ThreatType.CODE_INJECTION);

  static final Rule NATIVE =
      Rule.of(
          "PYTHON-NATIVE-CODE",
          "Code loads or calls native code",
          "The code uses ctypes, cffi, C++ extension builders or custom operator libraries: native code runs with the"
              + " full rights of the process.",
          Severity.HIGH,
          ThreatType.CODE_INJECTION);

  static final Rule DYNAMIC_IMPORT =
      Rule.of(
          "PYTHON-DYNAMIC-IMPORT",
          "Code imports modules chosen at run time",
          "The code uses __import__, importlib or similar to import a module named by a string, which reaches any"
              + " function of any installed package.",
          Severity.MEDIUM,
          ThreatType.CODE_INJECTION);

  static final Rule NETWORK =
      Rule.of(
          "PYTHON-NETWORK",
          "Code reaches the network",
          "The code uses sockets, HTTP clients or remote procedure calls: it can download further code or send data"
              + " away.",
          Severity.MEDIUM,
          ThreatType.NETWORK_ACCESS);

  static final Rule FILE =
      Rule.of(
          "PYTHON-FILE-ACCESS",
          "Code reads, writes or deletes files",
          "The code opens, writes, maps, moves or deletes files. In TorchScript code, torch.from_file(..., shared=True)"
              + " and torch.save write files when the archive is loaded.",
          Severity.MEDIUM,
          ThreatType.FILE_ACCESS);

  static final Rule DESERIALIZE =
      Rule.of(
          "PYTHON-DESERIALIZATION",
          "Code runs an unsafe deserializer",
          "The code calls pickle, dill, marshal, torch.load or another loader that runs code from the data it reads.",
          Severity.MEDIUM,
          ThreatType.DESERIALIZATION);

  static final Rule CUSTOM_OP =
      Rule.of(
          "TORCHSCRIPT-CUSTOM-OP",
          "TorchScript code calls a custom operator",
          "The TorchScript code calls an operator or class from a namespace that PyTorch does not ship"
              + " (torch.ops.<namespace>, torch.classes.<namespace>). It runs native code from a library that the"
              + " loading process registered; what it does cannot be seen in the file.",
          Severity.MEDIUM,
          ThreatType.UNKNOWN_REFERENCE);

  static final Rule SOURCE_ENCODING =
      Rule.of(
          "PYTHON-SOURCE-ENCODING",
          "Source declares an unusual encoding",
          "The source declares an encoding (PEP 263 coding line) other than UTF-8 or Latin-1. Python decodes the file"
              + " with it before compiling, so the code that runs is not the text a reviewer or scanner reads"
              + " (UTF-7 hides calls in '+...-' sequences).",
          Severity.HIGH,
          ThreatType.OBFUSCATION);

  private static final List<Rule> ALL =
      List.of(
          EXEC,
          PROCESS,
          NATIVE,
          DYNAMIC_IMPORT,
          NETWORK,
          FILE,
          DESERIALIZE,
          CUSTOM_OP,
          SOURCE_ENCODING,
          StandardRules.LIMIT_REACHED);

  private SourceRules() {}

  static List<Rule> all() {
    return ALL;
  }

  static Rule of(Capabilities.Category c) {
    switch (c) {
      case EXEC:
        return EXEC;
      case PROCESS:
        return PROCESS;
      case NATIVE:
        return NATIVE;
      case IMPORT:
        return DYNAMIC_IMPORT;
      case NETWORK:
        return NETWORK;
      case FILE:
        return FILE;
      default:
        return DESERIALIZE;
    }
  }
}
