package dev.modelscan.pickle;

import dev.modelscan.api.Cwe;
import dev.modelscan.api.OwaspMl;
import dev.modelscan.api.Rule;
import dev.modelscan.api.Severity;
import dev.modelscan.api.StandardRules;
import dev.modelscan.api.ThreatType;
import java.util.List;

/**
 * The rules the pickle scanners report. Each finding names the imported module and callable, the byte offset of the
 * opcode, and what loading the pickle would do.
 *
 * @since 0.1
 */
public final class PickleRules {

  /** An import of a name that runs code, commands or imports when loaded. */
  public static final Rule DANGEROUS_GLOBAL =
      Rule.of(
          "PICKLE-DANGEROUS-GLOBAL",
          "Pickle imports a code-execution callable",
          "The pickle imports a callable that executes code, runs commands, imports modules or reaches arbitrary"
              + " attributes. Unpickling calls it with arguments chosen by the file's author.",
          Severity.CRITICAL,
          ThreatType.DESERIALIZATION);

  /** Building code objects or functions from raw bytecode (dill, cloudpickle, types.CodeType, marshal). */
  public static final Rule CODE_CONSTRUCTION =
      Rule.of(
          "PICKLE-CODE-CONSTRUCTION",
          "Pickle builds functions from bytecode",
          "The pickle rebuilds code objects or functions from raw bytecode (dill, cloudpickle, types.CodeType,"
              + " marshal). Loading it creates arbitrary Python functions, which is arbitrary code by definition.",
          Severity.CRITICAL,
          ThreatType.CODE_INJECTION);

  /** A nested deserializer (pickle.loads, torch.load, numpy.load, joblib.load...). */
  public static final Rule NESTED_LOAD =
      Rule.of(
          "PICKLE-NESTED-LOAD",
          "Pickle calls another deserializer",
          "The pickle imports a deserializer (pickle.loads, torch.load, numpy.load, joblib.load, ...) that loads a"
              + " second payload while the first is being loaded. Where the payload is a literal in the stream it is"
              + " scanned as well.",
          Severity.HIGH,
          ThreatType.DESERIALIZATION);

  /** Reading or writing files outside the model. */
  public static final Rule FILE_ACCESS =
      Rule.of(
          "PICKLE-FILE-ACCESS",
          "Pickle reads or writes files",
          "The pickle imports a callable that opens, reads, writes or deletes files when it is loaded.",
          Severity.HIGH,
          ThreatType.FILE_ACCESS);

  /** Reaching the network. */
  public static final Rule NETWORK_ACCESS =
      Rule.of(
          "PICKLE-NETWORK-ACCESS",
          "Pickle reaches the network",
          "The pickle imports a callable that opens network connections or downloads content when it is loaded.",
          Severity.HIGH,
          ThreatType.NETWORK_ACCESS);

  /**
   * Switching off a model scanner or an unpickling safety hook (fickling's hooks, picklescan, modelscan, modelaudit
   * internals, torch's weights_only allowlist functions).
   *
   * @since 0.1
   */
  public static final Rule SCANNER_TAMPERING =
      new Rule(
          "PICKLE-SCANNER-TAMPERING",
          "Pickle switches off a scanner or safety hook",
          "The pickle imports a function of a model scanner or of an unpickling safety hook (fickling, picklescan,"
              + " modelscan, modelaudit, torch's weights_only allowlist). A model file has no reason to; calling it"
              + " removes or weakens the check that guards what is loaded next.",
          Severity.HIGH,
          ThreatType.OBFUSCATION,
          new Cwe(693, "Protection Mechanism Failure"),
          OwaspMl.ML06_AI_SUPPLY_CHAIN);

  /** A name the embedder denied. */
  public static final Rule DENIED_GLOBAL =
      Rule.of(
          "PICKLE-DENIED-GLOBAL",
          "Pickle imports a denied global",
          "The pickle imports a name that this scan's settings deny.",
          Severity.CRITICAL,
          ThreatType.DESERIALIZATION);

  /** A name that is neither known dangerous nor known safe. */
  public static final Rule UNKNOWN_GLOBAL =
      Rule.of(
          "PICKLE-UNKNOWN-GLOBAL",
          "Pickle imports an unknown global",
          "The pickle imports a name that is not known to be safe for model files. Importing runs the module's"
              + " top-level code and the name may be called; review it or allow it explicitly.",
          Severity.MEDIUM,
          ThreatType.UNKNOWN_REFERENCE);

  /**
   * A class that is not known safe, reconstructed the way pickle rebuilds instances (NEWOBJ, NEWOBJ_EX, the class
   * argument of copyreg's reconstructors) rather than called with arguments: {@code cls.__new__(cls)}, then BUILD
   * hands the state to its {@code __setstate__} if the class defines one.
   *
   * @since 0.1
   */
  public static final Rule UNKNOWN_CLASS =
      Rule.of(
          "PICKLE-UNKNOWN-CLASS",
          "Pickle reconstructs an unknown class",
          "The pickle rebuilds an instance of a class that is not known to be safe (for example a model class saved"
              + " whole with torch.save). Importing runs the module's code, and the class's __new__ and __setstate__"
              + " run on load if it defines them; nothing is called with arguments from the file.",
          Severity.LOW,
          ThreatType.UNKNOWN_REFERENCE);

  /** STACK_GLOBAL whose operands are not string literals. */
  public static final Rule DYNAMIC_IMPORT =
      Rule.of(
          "PICKLE-DYNAMIC-IMPORT",
          "Pickle computes the name it imports",
          "A STACK_GLOBAL takes its module or name from something other than a string literal (the result of a call,"
              + " a persistent id). What is imported is decided while loading; genuine pickles never do this.",
          Severity.CRITICAL,
          ThreatType.DESERIALIZATION);

  /** EXT1/EXT2/EXT4: imports through the copyreg extension registry. */
  public static final Rule EXT_CODE =
      Rule.of(
          "PICKLE-EXT-CODE",
          "Pickle imports through an extension code",
          "An EXT1/EXT2/EXT4 opcode imports whatever the loading process registered under that code in"
              + " copyreg; no code is registered by default, so what it imports cannot be known from the file.",
          Severity.HIGH,
          ThreatType.DESERIALIZATION);

  /** BUILD used as a gadget: attribute injection into imported objects, or a __setstate__ planted through state. */
  public static final Rule BUILD_GADGET =
      Rule.of(
          "PICKLE-BUILD-GADGET",
          "Pickle overwrites attributes of imported objects",
          "A BUILD sets attributes on an imported module or class, or plants dunder attributes such as __setstate__"
              + " through its state, so that later opcodes call a different function than the one imported.",
          Severity.HIGH,
          ThreatType.CODE_INJECTION);

  /** Bytes after the end of a pickle that are not a pickle. */
  public static final Rule TRAILING_DATA =
      Rule.of(
          "PICKLE-TRAILING-DATA",
          "Data after the end of the pickle",
          "Bytes follow the STOP opcode that are not part of a pickle. pickle.load ignores them, but loaders that read"
              + " several pickles from one stream, or tools that look past junk, may run what is hidden there.",
          Severity.MEDIUM,
          ThreatType.OBFUSCATION);

  /** More than one pickle stream in one content. */
  public static final Rule STACKED_PICKLES =
      Rule.of(
          "PICKLE-STACKED",
          "Several pickles in one file",
          "The content holds more than one pickle back to back. Loaders that call load() repeatedly run all of them;"
              + " every stream was scanned.",
          Severity.LOW,
          ThreatType.OBFUSCATION);

  /**
   * Bytes that real loaders read in different ways: a FRAME whose end falls inside an opcode (CPython's C unpickler
   * reading a file drops the rest of the frame, pickle.loads reads on), or a joblib array wrapper that joblib would
   * read differently from how it is written. A payload can be visible to one reading only; every reading modelled was
   * analysed.
   *
   * @since 0.2
   */
  public static final Rule LOADER_DIFFERENTIAL =
      Rule.of(
          "PICKLE-LOADER-DIFFERENTIAL",
          "Loaders read the pickle differently",
          "The stream is built so that different loaders (pickle.loads, pickle.load of a file, torch.load, joblib.load)"
              + " read different opcodes from it, which hides a payload from tools that follow one reading. No"
              + " pickler writes this; each modelled reading was analysed.",
          Severity.HIGH,
          ThreatType.OBFUSCATION);

  /** Frame and stream structure that loaders read differently. */
  public static final Rule MALFORMED = StandardRules.MALFORMED_CONTENT;

  private static final List<Rule> ALL =
      List.of(
          DANGEROUS_GLOBAL,
          CODE_CONSTRUCTION,
          NESTED_LOAD,
          FILE_ACCESS,
          NETWORK_ACCESS,
          SCANNER_TAMPERING,
          DENIED_GLOBAL,
          UNKNOWN_GLOBAL,
          UNKNOWN_CLASS,
          DYNAMIC_IMPORT,
          EXT_CODE,
          BUILD_GADGET,
          TRAILING_DATA,
          STACKED_PICKLES,
          LOADER_DIFFERENTIAL,
          StandardRules.MALFORMED_CONTENT,
          StandardRules.LIMIT_REACHED);

  private PickleRules() {}

  /**
   * Every rule the pickle scanners may report.
   *
   * @return the rules, immutable
   */
  public static List<Rule> all() {
    return ALL;
  }
}
