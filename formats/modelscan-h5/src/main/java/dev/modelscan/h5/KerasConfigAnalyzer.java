package dev.modelscan.h5;

import dev.modelscan.api.Finding;
import dev.modelscan.api.Rule;
import dev.modelscan.api.Severity;
import dev.modelscan.api.io.ByteSource;
import dev.modelscan.api.spi.MemberKind;
import dev.modelscan.api.spi.ScanContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Walks a Keras model configuration (Keras 2 {@code model_config}/{@code training_config} or Keras 3 {@code
 * config.json}) and reports everything a loader would turn into code: Lambda layers and {@code __lambda__} objects
 * (with what their bytecode references), {@code module}/{@code class_name}/{@code registered_name} references that
 * resolve outside Keras, non-modelling Keras APIs, callables named by string (activations, losses, metrics), and
 * base64 payloads such as the pickle of a TorchModuleWrapper, which are decoded and handed back for scanning.
 *
 * <p>The walk is generic: every object anywhere in the tree is inspected, so nested models, wrappers
 * (TimeDistributed, Bidirectional), compile configs and any future nesting are covered without a schema. One
 * analyzer per document; not thread-safe.
 */
final class KerasConfigAnalyzer {

  /** Keys whose string values Keras resolves as callables by name (Keras 2 style and compile configs). */
  private static final Set<String> CALLABLE_KEYS =
      Set.of("activation", "loss", "losses", "metrics", "weighted_metrics", "fn", "optimizer");

  private static final Set<String> CALLABLE_SUFFIXES =
      Set.of("_activation", "_initializer", "_regularizer", "_constraint");

  /** TensorFlow API prefixes a TFOpLambda may name that touch files or run Python. */
  private static final List<String> TF_RISKY_OPS =
      List.of("io.", "py_function", "numpy_function", "compat.v1.py_func", "raw_ops.", "debugging.", "saved_model.");

  /** Layers whose {@code vocabulary} may be a file path that Keras reads. */
  private static final Set<String> VOCABULARY_LAYERS = Set.of("StringLookup", "IntegerLookup", "TextVectorization");

  /** Shortest string considered as a base64 payload; shorter ones cannot hold a useful pickle. */
  static final int MIN_BASE64_CHARS = 64;

  /** Most base64 payloads handed back per document; more means a document built to fan out scans. */
  static final int MAX_PAYLOADS = 256;

  /** Most findings of one rule and severity per document; the rest are summarised in one finding. */
  static final int MAX_FINDINGS_PER_RULE = 100;

  private final ScanContext ctx;
  private final String documentName;
  /** String values already analysed as code or payload, by identity (two equal strings are two values). */
  private final Set<String> consumed = Collections.newSetFromMap(new IdentityHashMap<>());
  private final Map<String, Integer> findingsPerRule = new HashMap<>();
  private int payloads;

  /**
   * @param ctx where findings and payloads go
   * @param documentName what the document is, for messages and member names ({@code model_config},
   *     {@code config.json})
   */
  KerasConfigAnalyzer(ScanContext ctx, String documentName) {
    this.ctx = ctx;
    this.documentName = documentName;
  }

  /**
   * A container being walked: an iterator over its entries or elements, its path, the key it was found under and
   * whether its strings name callables. Only one frame per nesting level exists, so memory stays O(depth) however
   * wide the document is.
   */
  private static final class Frame {
    final Iterator<? extends Map.Entry<?, ?>> entries;
    final List<?> list;
    final String path;
    final String key;
    final boolean callableContext;
    final boolean isObject;
    int index;

    Frame(Map<?, ?> map, List<?> list, String path, String key, boolean callableContext, boolean isObject) {
      this.entries = map == null ? null : map.entrySet().iterator();
      this.list = list;
      this.path = path;
      this.key = key;
      this.callableContext = callableContext;
      this.isObject = isObject;
    }
  }

  /** Longest path kept for messages; deeper paths end in "..." so that no path grows with the document. */
  static final int MAX_PATH_CHARS = 300;

  private static String child(String path, String suffix) {
    if (path.length() + suffix.length() <= MAX_PATH_CHARS) {
      return path + suffix;
    }
    return path.endsWith("...") ? path : path + "...";
  }

  /** Analyses a parsed document. */
  void analyze(JsonTree tree) {
    int shown = 0;
    for (String path : tree.duplicateKeys()) {
      if (++shown > 20) {
        break;
      }
      report(
          KerasRules.DUPLICATE_KEY,
          Severity.MEDIUM,
          "",
          "",
          documentName + " repeats the key " + path + "; Keras (Python json) uses the last value");
    }
    if (tree.duplicateCount() > 20) {
      report(
          KerasRules.DUPLICATE_KEY,
          Severity.MEDIUM,
          "",
          "",
          documentName + " has " + tree.duplicateCount() + " duplicate keys");
    }
    Deque<Frame> frames = new ArrayDeque<>();
    visit(frames, tree.root(), "$", "", false);
    while (!frames.isEmpty()) {
      ctx.checkDeadline();
      Frame f = frames.peek();
      if (f.entries != null) {
        if (!f.entries.hasNext()) {
          frames.pop();
          continue;
        }
        Map.Entry<?, ?> e = f.entries.next();
        String key = String.valueOf(e.getKey());
        boolean callable = isCallableKey(key) || f.callableContext && !f.isObject;
        visit(frames, e.getValue(), child(f.path, "." + JsonTree.shortKey(key)), key, callable);
      } else {
        if (f.index >= f.list.size()) {
          frames.pop();
          continue;
        }
        int i = f.index++;
        visit(frames, f.list.get(i), child(f.path, "[" + i + "]"), f.key, f.callableContext);
      }
    }
  }

  private void visit(Deque<Frame> frames, Object v, String path, String key, boolean callableContext) {
    if (v instanceof Map) {
      Map<?, ?> map = (Map<?, ?>) v;
      boolean isObject = map.get("class_name") instanceof String;
      if (isObject) {
        inspectObject(map, path);
      }
      frames.push(new Frame(map, null, path, key, callableContext, isObject));
    } else if (v instanceof List) {
      frames.push(new Frame(null, (List<?>) v, path, key, callableContext, false));
    } else if (v instanceof String) {
      String s = (String) v;
      if (callableContext && !consumed.contains(s)) {
        checkCallableName(s, path);
      }
      if (s.length() >= MIN_BASE64_CHARS && !consumed.contains(s)) {
        maybePayload(s, path, false);
      }
    }
  }

  private static boolean isCallableKey(String key) {
    if (CALLABLE_KEYS.contains(key)) {
      return true;
    }
    for (String s : CALLABLE_SUFFIXES) {
      if (key.endsWith(s)) {
        return true;
      }
    }
    return false;
  }

  private static String str(Object o) {
    return o instanceof String ? (String) o : null;
  }

  private void inspectObject(Map<?, ?> obj, String path) {
    String cls = (String) obj.get("class_name");
    String module = str(obj.get("module"));
    Object config = obj.get("config");
    Map<?, ?> cfg = config instanceof Map ? (Map<?, ?>) config : Map.of();
    String name = str(cfg.get("name"));
    String label = name == null ? path : "'" + name + "' (" + path + ")";

    if ("Lambda".equals(cls)) {
      lambdaLayer(cfg, path + ".config", label);
    } else if ("__lambda__".equals(cls)) {
      lambdaObject(cfg, path + ".config", label);
      return;
    } else if ("TFOpLambda".equals(cls) || "SlicingOpLambda".equals(cls)) {
      String fn = str(cfg.get("function"));
      if (fn != null && TF_RISKY_OPS.stream().anyMatch(fn::startsWith)) {
        report(KerasRules.TF_OP, Severity.HIGH, "tensorflow", fn, "TFOpLambda " + label + " calls tf." + fn);
      }
    } else if ("TorchModuleWrapper".equals(cls)) {
      String blob = str(cfg.get("module"));
      report(
          KerasRules.EMBEDDED_PICKLE,
          Severity.HIGH,
          "torch",
          "load",
          "TorchModuleWrapper " + label + " embeds a torch.save pickle that Keras loads with torch.load");
      if (blob != null) {
        consumed.add(blob);
        maybePayload(blob, path + ".config.module", true);
      }
    }

    if ("TFSMLayer".equals(cls) && cfg.get("filepath") instanceof String) {
      report(
          KerasRules.EXTERNAL_RESOURCE,
          Severity.HIGH,
          "",
          cls,
          "TFSMLayer " + label + " loads the SavedModel at " + cfg.get("filepath"));
    } else if (VOCABULARY_LAYERS.contains(cls) && cfg.get("vocabulary") instanceof String) {
      report(
          KerasRules.EXTERNAL_RESOURCE,
          Severity.HIGH,
          "",
          cls,
          cls + " " + label + " reads its vocabulary from the file " + cfg.get("vocabulary"));
    }

    boolean reported = false;
    if (module != null && !module.isEmpty()) {
      reported = checkModuleReference(module, cls, config, label);
    } else if (cls.indexOf('.') > 0) {
      reported = checkModuleReference(KerasFacts.parent(cls), cls.substring(cls.lastIndexOf('.') + 1), config, label);
    } else if ("function".equals(cls)) {
      String fn = str(config);
      if (fn != null) {
        checkCallableName(fn, path + ".config");
        consumed.add(fn);
      }
      reported = true;
    } else if (!KerasFacts.BUILTIN_CLASSES.contains(cls) && !cls.startsWith("__")) {
      report(
          KerasRules.CUSTOM_OBJECT,
          Severity.MEDIUM,
          "",
          cls,
          "custom object class " + cls + " at " + label + " is not built into Keras; the loader resolves it from"
              + " custom_objects or a registry");
      reported = true;
    }
    String registered = str(obj.get("registered_name"));
    if (!reported && registered != null && registered.indexOf('>') > 0) {
      String pkg = registered.substring(0, registered.indexOf('>'));
      String rname = registered.substring(registered.indexOf('>') + 1);
      if (KerasFacts.isDangerous(pkg) || KerasFacts.isDangerous(pkg + "." + rname)) {
        report(
            KerasRules.DANGEROUS_REFERENCE,
            Severity.CRITICAL,
            pkg,
            rname,
            "registered_name " + registered + " at " + label + " names a dangerous callable");
      } else if (!KerasFacts.isKerasModule(pkg)) {
        report(
            KerasRules.CUSTOM_OBJECT,
            Severity.MEDIUM,
            pkg,
            rname,
            "registered custom object " + registered + " at " + label + " is resolved outside Keras");
      }
    }
  }

  /** Checks {@code module} + {@code class_name}; returns whether something was reported. */
  private boolean checkModuleReference(String module, String cls, Object config, String label) {
    String target = cls;
    if ("function".equals(cls) && config instanceof String) {
      target = (String) config;
      if ("builtins".equals(module)) {
        // Keras 3 looks builtins/function names up in keras.activations, losses, metrics ... only.
        return checkCallableName(target, label);
      }
    }
    String fq = module + "." + target;
    if (KerasFacts.isDangerous(module) || !KerasFacts.isKerasModule(module) && KerasFacts.isDangerous(fq)) {
      report(
          KerasRules.DANGEROUS_REFERENCE,
          Severity.CRITICAL,
          module,
          target,
          "configuration at " + label + " references " + fq + ", which the loader imports and calls");
      return true;
    }
    if (KerasFacts.isKerasModule(module)) {
      if (KerasFacts.isNonModeling(module, target)) {
        boolean unsafe = target.equals("enable_unsafe_deserialization");
        report(
            KerasRules.NON_MODELING_API,
            unsafe ? Severity.CRITICAL : Severity.HIGH,
            module,
            target,
            "configuration at " + label + " calls the non-modelling Keras API " + fq
                + (unsafe ? ", which switches safe_mode off for the rest of the load" : ""));
        return true;
      }
      return false;
    }
    report(
        KerasRules.CUSTOM_OBJECT,
        Severity.MEDIUM,
        module,
        target,
        "configuration at " + label + " references " + fq + ", which resolves outside Keras");
    return true;
  }

  /** A callable named by a plain string (activation "relu", loss "my_loss", "os.system"). */
  private boolean checkCallableName(String name, String where) {
    if (name.isEmpty()
        || KerasFacts.BUILTIN_FUNCTIONS.contains(name)
        || KerasFacts.BUILTIN_CLASSES.contains(name)) {
      return false;
    }
    String module = name.indexOf('.') > 0 ? KerasFacts.parent(name) : "";
    String fn = name.substring(name.lastIndexOf('.') + 1);
    if (KerasFacts.isDangerous(name)) {
      report(
          KerasRules.DANGEROUS_REFERENCE,
          Severity.CRITICAL,
          module,
          fn,
          "configuration at " + where + " names the callable " + name);
    } else {
      report(
          KerasRules.CUSTOM_OBJECT,
          Severity.MEDIUM,
          module,
          fn,
          "configuration at " + where + " names " + name + ", which is not a built-in Keras function");
    }
    return true;
  }

  /** A Keras Lambda layer's config: {@code function} is marshal (Keras 2 list/string), a name, or an object. */
  private void lambdaLayer(Map<?, ?> cfg, String path, String label) {
    checkLambdaCallable(cfg, "function", "function_type", "module", path, label);
    checkLambdaCallable(cfg, "output_shape", "output_shape_type", "output_shape_module", path, label);
  }

  private void checkLambdaCallable(
      Map<?, ?> cfg, String key, String typeKey, String moduleKey, String path, String label) {
    Object fn = cfg.get(key);
    String type = str(cfg.get(typeKey));
    if ("function".equals(type) && fn instanceof String) {
      String module = str(cfg.get(moduleKey));
      String fq = (module == null || module.isEmpty() ? "" : module + ".") + fn;
      boolean dangerous = KerasFacts.isDangerous(fq);
      report(
          KerasRules.LAMBDA,
          dangerous ? Severity.CRITICAL : Severity.HIGH,
          module == null ? "" : module,
          (String) fn,
          "Lambda layer " + label + " calls the Python function " + fq + " (" + key + ", function_type"
              + " 'function')");
      consumed.add((String) fn);
    } else if (fn instanceof List && !((List<?>) fn).isEmpty() && ((List<?>) fn).get(0) instanceof String) {
      if ("raw".equals(type) && !"function".equals(key)) {
        return; // output_shape given as a plain shape list
      }
      consumed.add((String) ((List<?>) fn).get(0));
      code((String) ((List<?>) fn).get(0), "Lambda layer " + label + " (" + key + ")");
    } else if (fn instanceof String && "function".equals(key)) {
      consumed.add((String) fn);
      code((String) fn, "Lambda layer " + label);
    }
  }

  /** A Keras 3 {@code __lambda__} object: {@code config.code} (Lambda layer) or {@code config.value} (func_dump). */
  private void lambdaObject(Map<?, ?> cfg, String path, String label) {
    Object code = cfg.get("code");
    Object value = cfg.get("value");
    if (code instanceof String) {
      consumed.add((String) code);
      code((String) code, "__lambda__ " + label);
    } else if (value instanceof List && !((List<?>) value).isEmpty() && ((List<?>) value).get(0) instanceof String) {
      consumed.add((String) ((List<?>) value).get(0));
      code((String) ((List<?>) value).get(0), "__lambda__ " + label);
    } else {
      report(KerasRules.LAMBDA, Severity.HIGH, "", "", "__lambda__ " + label + " without readable code");
      ctx.markPartial("__lambda__ at " + label + " has no code string to analyse");
    }
  }

  /** Reports a Lambda's marshalled code, naming what it references. */
  private void code(String text, String what) {
    byte[] bytes = decodeFuncDump(text);
    try {
      describeCode(MarshalCode.parse(bytes), what);
    } catch (MarshalCode.MarshalException e) {
      report(
          KerasRules.LAMBDA,
          Severity.HIGH,
          "",
          "",
          what + " carries code that could not be parsed as Python marshal data (" + e.getMessage() + ")");
      ctx.markPartial(what + ": Lambda bytecode not analysed: " + e.getMessage());
    }
  }

  /** Reports parsed marshal code, naming the dangerous names and constants it references. */
  private void describeCode(MarshalCode.Info info, String what) {
    Set<String> risky = new TreeSet<>();
    for (String n : info.names) {
      if (KerasFacts.DANGEROUS_MODULES.contains(n) || KerasFacts.DANGEROUS_NAMES.contains(n)) {
        risky.add(n);
      }
    }
    for (String c : info.stringConstants) {
      if (KerasFacts.DANGEROUS_MODULES.contains(c) || KerasFacts.DANGEROUS_NAMES.contains(c)) {
        risky.add(c);
      }
    }
    StringBuilder m = new StringBuilder(what).append(" carries Python bytecode (").append(info.layout.label);
    m.append(" marshal) that runs when the layer is built or called");
    m.append(risky.isEmpty() ? "" : "; references " + String.join(", ", risky));
    m.append("; names: ").append(bounded(info.names));
    if (!info.stringConstants.isEmpty()) {
      m.append("; string constants: ").append(bounded(info.stringConstants));
    }
    report(
        KerasRules.LAMBDA,
        risky.isEmpty() ? Severity.HIGH : Severity.CRITICAL,
        "",
        String.join(",", risky),
        m.toString());
  }

  static String clip(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "...(" + s.length() + " chars)";
  }

  private static String bounded(Set<String> values) {
    StringBuilder sb = new StringBuilder("[");
    int n = 0;
    for (String v : values) {
      if (n == 20) {
        sb.append(", ... ").append(values.size() - n).append(" more");
        break;
      }
      if (n++ > 0) {
        sb.append(", ");
      }
      sb.append(v.length() > 60 ? v.substring(0, 60) + "..." : v);
    }
    return sb.append(']').toString();
  }

  /**
   * Decodes a func_dump string as Keras does: {@code codecs.decode(s, "base64")} (binascii, which skips characters
   * outside the alphabet such as the MIME line breaks), falling back to {@code raw_unicode_escape} bytes.
   */
  static byte[] decodeFuncDump(String text) {
    byte[] b64 = lenientBase64(text);
    if (b64 != null) {
      return b64;
    }
    byte[] out = new byte[text.length()];
    int n = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c > 0xFF) {
        return text.getBytes(StandardCharsets.UTF_8); // unparseable as marshal either way
      }
      out[n++] = (byte) c;
    }
    return out;
  }

  private static byte[] lenientBase64(String text) {
    StringBuilder sb = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '=') {
        break;
      }
      if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/') {
        sb.append(c);
      }
    }
    if (sb.length() % 4 == 1) {
      return null;
    }
    while (sb.length() % 4 != 0) {
      sb.append('=');
    }
    try {
      return Base64.getDecoder().decode(sb.toString());
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** Strict base64 (alphabet, optional line breaks, padding only at the end), or null. */
  static byte[] strictBase64(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    boolean padding = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\n' || c == '\r') {
        continue;
      }
      if (c == '=') {
        padding = true;
      } else if (padding) {
        return null;
      } else if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/')) {
        return null;
      }
      sb.append(c);
    }
    if (sb.length() % 4 != 0) {
      return null;
    }
    try {
      return Base64.getDecoder().decode(sb.toString());
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * Hands a base64 string's decoded bytes back for scanning by content, so that a pickle, zip or HDF5 file hidden in
   * the configuration is judged by its own scanner.
   */
  private void maybePayload(String s, String path, boolean loadedByKeras) {
    byte[] bytes = strictBase64(s);
    if (bytes == null) {
      if (loadedByKeras) {
        ctx.markPartial(documentName + " " + path + ": embedded payload is not valid base64 and was not scanned");
      }
      return;
    }
    if (++payloads > MAX_PAYLOADS) {
      if (payloads == MAX_PAYLOADS + 1) {
        ctx.markPartial(documentName + ": more than " + MAX_PAYLOADS + " base64 payloads; the rest were not scanned");
      }
      return;
    }
    if (!loadedByKeras && bytes.length > 0 && (bytes[0] & 0x7F) == 'c') {
      // A marshalled code object under any key: custom layers that func_load their own config carry code this way.
      try {
        describeCode(MarshalCode.parse(bytes), "string at " + path);
        return;
      } catch (MarshalCode.MarshalException e) {
        // not code: dispatch it like any other payload
      }
    }
    boolean code = loadedByKeras || looksLoadable(bytes);
    MemberKind kind = code ? MemberKind.CONTENT : MemberKind.OPAQUE_DATA;
    ctx.scanMember(documentName + "#" + path, ByteSource.wrap(bytes), kind);
  }

  /** Pickle protocol 2+ header, zip or HDF5 signature: content a loader would interpret. */
  private static boolean looksLoadable(byte[] b) {
    if (b.length >= 2 && (b[0] & 0xFF) == 0x80 && b[1] >= 2 && b[1] <= 5) {
      return true;
    }
    if (b.length >= 4 && b[0] == 'P' && b[1] == 'K' && b[2] == 3 && b[3] == 4) {
      return true;
    }
    return b.length >= 8 && (b[0] & 0xFF) == 0x89 && b[1] == 'H' && b[2] == 'D' && b[3] == 'F';
  }

  private void report(Rule rule, Severity severity, String module, String operator, String message) {
    // Capped per rule and severity, so a hundred benign Lambdas cannot hide a critical one behind the cap.
    int n = findingsPerRule.merge(rule.id() + "/" + severity, 1, Integer::sum);
    if (n > MAX_FINDINGS_PER_RULE) {
      if (n == MAX_FINDINGS_PER_RULE + 1) {
        ctx.report(
            ctx.finding(rule)
                .severity(severity)
                .message(documentName + ": more findings of this rule were not reported individually")
                .build());
      }
      return;
    }
    // Names and paths come from the file: clipped, so a megabyte class name cannot become a megabyte report.
    Finding f =
        ctx.finding(rule)
            .severity(severity)
            .module(clip(module, 200))
            .operator(clip(operator, 200))
            .message(clip(documentName + ": " + message, 2000))
            .build();
    ctx.report(f);
  }
}
