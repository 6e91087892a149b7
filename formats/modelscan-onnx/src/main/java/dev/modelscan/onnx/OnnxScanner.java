package dev.modelscan.onnx;

import com.google.auto.service.AutoService;
import dev.modelscan.api.LimitType;
import dev.modelscan.api.ModelScanVersion;
import dev.modelscan.api.Rule;
import dev.modelscan.api.ScanLimitExceededException;
import dev.modelscan.api.Severity;
import dev.modelscan.api.ThreatType;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.api.spi.Recognition;
import dev.modelscan.api.spi.ScanContext;
import dev.modelscan.api.spi.ScannerDescriptor;
import dev.modelscan.api.spi.SiblingFile;
import dev.modelscan.api.spi.SiblingFiles;
import dev.modelscan.protobuf.ProtoReader;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Scans ONNX models ({@code ModelProto}, protobuf).
 *
 * <p>ONNX has no code of its own, but loading a model can still reach outside it: tensors stored as external data
 * name files that {@code onnx.load} and onnxruntime open relative to the model (path traversal, device files, UNC
 * shares), nodes of a non-standard domain need a native custom-operator library, and some contrib operators call
 * Python by name. The scanner walks the main graph, every subgraph in node attributes ({@code If}, {@code Loop},
 * {@code Scan}), training graphs and model-local functions, with a depth bound, and skips tensor payloads by length.
 */
@AutoService(ModelScanner.class)
public final class OnnxScanner implements ModelScanner {

  /** An external-data location that climbs out of the model directory or is absolute. */
  static final Rule EXTERNAL_DATA_TRAVERSAL =
      Rule.of(
          "ONNX-EXTERNAL-DATA-TRAVERSAL",
          "External data outside the model directory",
          "A tensor's external_data location is absolute or climbs out of the model directory. Loading the model"
              + " reads that file into the tensor (CVE-2022-25882, CVE-2024-27318) and saving it writes there"
              + " (CVE-2025-51480).",
          Severity.HIGH,
          ThreatType.PATH_TRAVERSAL);

  /** An external-data location that names a device or kernel file. */
  static final Rule EXTERNAL_DATA_DEVICE =
      Rule.of(
          "ONNX-EXTERNAL-DATA-DEVICE",
          "External data read from a device or system file",
          "A tensor's external_data location names a device or kernel file (/dev, /proc, /sys, Windows device"
              + " paths). Loading the model reads it: secrets such as /proc/self/environ end up in tensors, and"
              + " endless devices hang the loader.",
          Severity.HIGH,
          ThreatType.FILE_ACCESS);

  /** An external-data location on another machine. */
  static final Rule EXTERNAL_DATA_REMOTE =
      Rule.of(
          "ONNX-EXTERNAL-DATA-REMOTE",
          "External data on a network share",
          "A tensor's external_data location is a UNC share or a URL. On Windows the loader connects to the named"
              + " host to read it, leaking credentials (NTLM) and loading attacker-controlled data.",
          Severity.HIGH,
          ThreatType.NETWORK_ACCESS);

  /** External-data entries that loaders do not define. */
  static final Rule EXTERNAL_DATA_MALFORMED =
      Rule.of(
          "ONNX-EXTERNAL-DATA-MALFORMED",
          "Malformed external-data entry",
          "A tensor's external_data has an unknown key, an empty or control-character location, or an offset and"
              + " length that do not fit the referenced file. onnx before 1.21 copied unknown keys onto its loader"
              + " object (CVE-2026-34445).",
          Severity.MEDIUM,
          ThreatType.MALFORMED_CONTENT);

  /** A node of a domain that needs a user-registered custom-operator library. */
  static final Rule CUSTOM_OPERATOR =
      Rule.of(
          "ONNX-CUSTOM-OPERATOR",
          "Custom operator domain",
          "A node uses an operator outside the standard ONNX and onnxruntime domains. Running the model needs a"
              + " custom-operator library, which is native code loaded into the process; models that ship such a"
              + " library ask the user to run it.",
          Severity.MEDIUM,
          ThreatType.UNKNOWN_REFERENCE);

  /** A node that calls Python by name. */
  static final Rule PYTHON_OPERATOR =
      Rule.of(
          "ONNX-PYTHON-OPERATOR",
          "Operator that runs Python",
          "A node uses an operator that calls a Python function named in the model (onnxruntime-extensions PyOp,"
              + " onnxruntime PythonOp). Running the model imports and calls that function.",
          Severity.HIGH,
          ThreatType.CODE_INJECTION);

  /** Metadata that carries scripts or links. */
  static final Rule SUSPICIOUS_METADATA =
      Rule.of(
          "ONNX-SUSPICIOUS-METADATA",
          "Scripts or links in model metadata",
          "metadata_props or doc strings hold script markup, code or URLs. ONNX does not run them, but model hubs"
              + " and tools display or follow them.",
          Severity.LOW,
          ThreatType.CODE_INJECTION);

  static final String FORMAT = "onnx";
  private static final int MAX_FINDINGS_PER_RULE = 50;

  /**
   * Domains whose operators ship with onnx / onnxruntime. Anything else needs a custom-op library. {@code
   * org.pytorch.aten} is deliberately absent: ATen operators need the PyTorch runtime registered as a custom library.
   */
  private static final Set<String> STANDARD_DOMAINS =
      Set.of(
          "", "ai.onnx", "ai.onnx.ml", "ai.onnx.training", "ai.onnx.preview.training", "com.microsoft",
          "com.microsoft.nchwc", "com.microsoft.experimental", "com.ms.internal.nhwc");

  /** Operators that call Python: domain + ":" + op_type. */
  private static final Set<String> PYTHON_OPS =
      Set.of("ai.onnx.contrib:PyOp", "com.microsoft:PythonOp", "com.microsoft:PythonOpGrad");

  private static final Set<String> EXTERNAL_DATA_KEYS = Set.of("location", "offset", "length", "checksum", "basepath");

  private static final Pattern SCRIPT =
      Pattern.compile(
          "<\\s*script|javascript:|on(error|load)\\s*=|__import__|\\bimport\\s+os\\b|subprocess|os\\.system"
              + "|\\beval\\s*\\(|\\bexec\\s*\\(|\\$\\(|\\bcurl\\s|\\bwget\\s|powershell",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern URL = Pattern.compile("\\b(https?|ftp|file|smb)://", Pattern.CASE_INSENSITIVE);

  /** Distinct operators and local functions remembered per model; real models use a few hundred at most. */
  static final int MAX_TRACKED = 100_000;

  private final int maxTracked;

  /** Public no-argument constructor for {@link java.util.ServiceLoader}. */
  public OnnxScanner() {
    this(MAX_TRACKED);
  }

  /** For tests: a smaller bound on remembered operators. */
  OnnxScanner(int maxTracked) {
    this.maxTracked = maxTracked;
  }

  @Override
  public ScannerDescriptor descriptor() {
    return ScannerDescriptor.of(
        "onnx", ModelScanVersion.current(), "ONNX models: external data paths, custom and Python operators, metadata",
        List.of(FORMAT), List.of("onnx"));
  }

  @Override
  public List<Rule> rules() {
    return List.of(
        EXTERNAL_DATA_TRAVERSAL, EXTERNAL_DATA_DEVICE, EXTERNAL_DATA_REMOTE, EXTERNAL_DATA_MALFORMED,
        CUSTOM_OPERATOR, PYTHON_OPERATOR, SUSPICIOUS_METADATA);
  }

  @Override
  public Recognition recognize(ContentHead head) {
    int confidence = OnnxHead.confidence(head);
    if (confidence == 0) {
      return Recognition.none();
    }
    return Recognition.of(FORMAT, confidence);
  }

  @Override
  public void scan(ScanContext ctx) throws IOException {
    Walk walk = new Walk(ctx, maxTracked);
    try {
      walk.model(ProtoReader.of(ctx.source(), ctx.limits().maxHeaderBytes()));
    } finally {
      // Operators are judged once the whole model is read (local functions come after the graph); when the walk
      // stops early on malformed content or a limit, the operators seen so far are still reported.
      walk.judgeOperators();
    }
  }

  /** One scan: the walk over the model and what it collected. */
  private static final class Walk {
    private final ScanContext ctx;
    /** domain:op_type of every node, with the path of the first node that used it. */
    private final Map<String, String> operators = new LinkedHashMap<>();
    /** domain:name of every model-local function: calls to them are not custom operators. */
    private final Set<String> localFunctions = new HashSet<>();
    private final Map<String, Integer> reported = new HashMap<>();
    private final int maxTracked;
    private boolean overflow;

    Walk(ScanContext ctx, int maxTracked) {
      this.ctx = ctx;
      this.maxTracked = maxTracked;
    }

    /** Remembers a key in a bounded collection; past the bound the model is only partly judged. */
    private boolean track(java.util.Collection<String> seen, String key) {
      if (seen.size() < maxTracked || seen.contains(key)) {
        return true;
      }
      if (!overflow) {
        overflow = true;
        ctx.markPartial("more than " + maxTracked + " distinct operators or functions: the rest were not judged");
      }
      return false;
    }

    void model(ProtoReader r) throws IOException {
      while (r.next()) {
        ctx.checkDeadline();
        int f = r.field();
        if (r.wire() != ProtoReader.LEN) {
          r.skip();
          continue;
        }
        switch (f) {
          case 7 -> graph(r.message(), "graph", 0);
          case 14 -> metadata(r.message(), "metadata_props");
          case 6 -> text(r, "doc_string");
          case 20 -> training(r.message(), "training_info");
          case 25 -> function(r.message(), "functions");
          default -> r.skip();
        }
      }
    }

    void judgeOperators() {
      operators.forEach(this::operator);
    }

    private void training(ProtoReader r, String path) throws IOException {
      // TrainingInfoProto: 1 initialization and 2 algorithm are graphs.
      while (r.next()) {
        if (r.wire() == ProtoReader.LEN && (r.field() == 1 || r.field() == 2)) {
          graph(r.message(), path + (r.field() == 1 ? "/initialization" : "/algorithm"), 1);
        } else {
          r.skip();
        }
      }
    }

    private void function(ProtoReader r, String path) throws IOException {
      // FunctionProto: 1 name, 7 node, 10 domain.
      String name = "";
      String domain = "";
      while (r.next()) {
        ctx.checkDeadline();
        if (r.wire() != ProtoReader.LEN) {
          r.skip();
        } else if (r.field() == 1) {
          name = nullToEmpty(string(r));
        } else if (r.field() == 10) {
          domain = nullToEmpty(string(r));
        } else if (r.field() == 7) {
          node(r.message(), path + "/node", 1);
        } else {
          r.skip();
        }
      }
      if (track(localFunctions, domain + ":" + name)) {
        localFunctions.add(domain + ":" + name);
      }
    }

    private void graph(ProtoReader r, String path, int depth) throws IOException {
      int max = ctx.limits().maxNestingDepth();
      if (depth > max) {
        // Deeper If/Loop nesting than any real model: refuse to recurse, and say that this part was not seen.
        ctx.limitReached(
            ctx.limits().exceeded(LimitType.NESTING_DEPTH, depth, "ONNX subgraph " + path), r.offset());
        return;
      }
      int nodes = 0;
      while (r.next()) {
        ctx.checkDeadline();
        if (r.wire() != ProtoReader.LEN) {
          r.skip();
          continue;
        }
        switch (r.field()) {
          case 1 -> node(r.message(), path + "/node[" + nodes++ + "]", depth);
          case 5 -> tensor(r.message(), path + "/initializer");
          case 15 -> sparseTensor(r.message(), path + "/sparse_initializer");
          case 10 -> text(r, path + "/doc_string");
          default -> r.skip();
        }
      }
    }

    private void node(ProtoReader r, String path, int depth) throws IOException {
      String op = "";
      String domain = "";
      String name = "";
      while (r.next()) {
        ctx.checkDeadline();
        if (r.wire() != ProtoReader.LEN) {
          r.skip();
          continue;
        }
        switch (r.field()) {
          case 3 -> name = nullToEmpty(string(r));
          case 4 -> op = nullToEmpty(string(r));
          case 7 -> domain = nullToEmpty(string(r));
          case 5 -> attribute(r.message(), path, depth);
          default -> r.skip();
        }
      }
      String where = path + (name.isEmpty() ? "" : " (" + name + ")");
      if (track(operators.keySet(), domain + ":" + op)) {
        operators.putIfAbsent(domain + ":" + op, where);
      } else {
        // Past the bound, judge at once: a flood of harmless operators must not hide a Python operator after it.
        operator(domain + ":" + op, where);
      }
    }

    private void attribute(ProtoReader r, String path, int depth) throws IOException {
      String name = "";
      while (r.next()) {
        ctx.checkDeadline();
        if (r.wire() != ProtoReader.LEN) {
          r.skip();
          continue;
        }
        String at = path + "/attribute(" + name + ")";
        switch (r.field()) {
          case 1 -> name = nullToEmpty(string(r));
          case 5, 10 -> tensor(r.message(), at);
          case 6, 11 -> graph(r.message(), at, depth + 1);
          case 22, 23 -> sparseTensor(r.message(), at);
          default -> r.skip();
        }
      }
    }

    private void sparseTensor(ProtoReader r, String path) throws IOException {
      // SparseTensorProto: 1 values, 2 indices.
      while (r.next()) {
        if (r.wire() == ProtoReader.LEN && (r.field() == 1 || r.field() == 2)) {
          tensor(r.message(), path);
        } else {
          r.skip();
        }
      }
    }

    private void tensor(ProtoReader r, String path) throws IOException {
      String name = "";
      String location = null;
      String dataOffset = null;
      String dataLength = null;
      long at = -1;
      while (r.next()) {
        ctx.checkDeadline();
        if (r.wire() == ProtoReader.LEN && r.field() == 8) {
          name = nullToEmpty(string(r));
        } else if (r.wire() == ProtoReader.LEN && r.field() == 13) {
          at = r.offset();
          String[] entry = externalData(r.message(), at, path + "/" + name);
          if (entry == null) {
            continue;
          }
          switch (entry[0]) {
            case "location" -> location = entry[1];
            case "offset" -> dataOffset = entry[1];
            case "length" -> dataLength = entry[1];
            default -> {
              // checksum, basepath: nothing more to check
            }
          }
        } else {
          r.skip(); // raw_data and the typed data arrays: never read
        }
      }
      if (at >= 0) {
        String tensor = path + "/" + name;
        long off = number(dataOffset, "offset", at, tensor);
        long len = number(dataLength, "length", at, tensor);
        if (location != null && ExternalDataPath.check(location) == ExternalDataPath.Problem.NONE) {
          onDisk(location, at, tensor, off, len);
        }
      }
    }

    /** An external_data offset or length: absent is 0 / -1 (whole file); anything but a non-negative integer is bad. */
    private long number(String value, String key, long at, String tensor) {
      if (value == null) {
        return key.equals("offset") ? 0 : -1;
      }
      try {
        long n = Long.parseLong(value.trim());
        if (n >= 0) {
          return n;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      report(EXTERNAL_DATA_MALFORMED, at, value, "tensor " + tensor + " has external_data " + key + " " + q(value)
          + ", not a non-negative integer");
      return key.equals("offset") ? 0 : -1;
    }

    /**
     * Checks one external_data entry; returns {key, value} for the defined keys, null otherwise. Every location is
     * judged, so a second "location" entry cannot hide behind a harmless first one.
     */
    private String[] externalData(ProtoReader r, long offset, String tensor) throws IOException {
      String key = null;
      String value = null;
      while (r.next()) {
        if (r.wire() == ProtoReader.LEN && r.field() == 1) {
          key = string(r);
        } else if (r.wire() == ProtoReader.LEN && r.field() == 2) {
          value = string(r);
        } else {
          r.skip();
        }
      }
      if (key == null || value == null) {
        return null;
      }
      if (!EXTERNAL_DATA_KEYS.contains(key)) {
        report(EXTERNAL_DATA_MALFORMED, offset, key, "tensor " + tensor + " has external_data key " + q(key)
            + " that ONNX does not define; onnx before 1.21 set it as an attribute of its loader object");
        return null;
      }
      if (!key.equals("location") && !key.equals("basepath")) {
        return new String[] {key, value};
      }
      ExternalDataPath.Problem problem = ExternalDataPath.check(value);
      String what = "tensor " + tensor + " reads its data from " + q(value);
      switch (problem) {
        case TRAVERSAL -> report(EXTERNAL_DATA_TRAVERSAL, offset, value,
            what + ", which climbs out of the model directory; loading the model reads that file");
        case ABSOLUTE -> report(EXTERNAL_DATA_TRAVERSAL, offset, value,
            what + ", an absolute path outside the model directory; loading the model reads that file");
        case DEVICE -> report(EXTERNAL_DATA_DEVICE, offset, value,
            what + ", a device or kernel file; loading the model reads it into the tensor");
        case REMOTE -> report(EXTERNAL_DATA_REMOTE, offset, value,
            what + " on another host; loading the model connects to it");
        case INVALID -> report(EXTERNAL_DATA_MALFORMED, offset, value,
            tensor + " has an empty external_data location or one with control characters");
        case NONE -> {
          // inside the directory as written; the file itself is checked once the whole tensor is read
        }
        default -> throw new IllegalStateException(problem.name());
      }
      return new String[] {key, value};
    }

    /**
     * For a model scanned from disk: a location that is lexically inside may still escape through a symlink
     * (CVE-2026-27489), and offset and length must lie inside the file they name.
     */
    private void onDisk(String location, long offset, String tensor, long dataOffset, long dataLength) {
      SiblingFiles siblings = ctx.siblings().orElse(null);
      if (siblings == null) {
        return;
      }
      try {
        // Looked up as the loader joins it to the model's folder; the view refuses what leaves the model.
        SiblingFile data = siblings.find(location.replace('\\', '/'));
        switch (data.kind()) {
          case MISSING, OUTSIDE -> {
            // missing: the loader fails; outside: already reported from the name itself
            return;
          }
          case LINKED_OUTSIDE -> {
            report(EXTERNAL_DATA_TRAVERSAL, offset, location, "tensor " + tensor + " reads its data from "
                + q(location) + ", which is a symbolic link out of the model directory (to " + data.location() + ")");
            return;
          }
          case DIRECTORY -> {
            report(EXTERNAL_DATA_MALFORMED, offset, location, "tensor " + tensor + " reads its data from "
                + q(location) + ", which is a directory: loading the model fails");
            return;
          }
          case SPECIAL -> {
            // Never opened here: opening a FIFO blocks until a writer comes. The loader opens it and blocks, or reads
            // whatever a device gives into the tensor.
            report(EXTERNAL_DATA_DEVICE, offset, location, "tensor " + tensor + " reads its data from "
                + q(location) + ", which is a FIFO, socket or device inside the model directory, not a file: loading"
                + " the model blocks on it or reads whatever it gives into the tensor");
            return;
          }
          default -> {
            // a regular file inside the model: its range is checked below
          }
        }
        long size = data.size();
        if (dataOffset > size || (dataLength >= 0 && dataLength > size - dataOffset)) {
          report(EXTERNAL_DATA_MALFORMED, offset, location, "tensor " + tensor + " reads bytes " + dataOffset
              + (dataLength >= 0 ? "+" + dataLength : "") + " of " + q(location) + ", which has " + size
              + " bytes");
        } else {
          // Raw tensor bytes inside the model directory, in range: a directory scan need not call them skipped.
          ctx.declareCompanion(data);
        }
      } catch (IOException | RuntimeException e) {
        // An unreadable neighbour is not a finding about this file, but the check did not happen.
        ctx.markPartial("external data " + location + " could not be resolved: " + e.getMessage());
      }
    }

    private void metadata(ProtoReader r, String path) throws IOException {
      String key = "";
      String value = "";
      while (r.next()) {
        if (r.wire() == ProtoReader.LEN && r.field() == 1) {
          key = nullToEmpty(string(r));
        } else if (r.wire() == ProtoReader.LEN && r.field() == 2) {
          value = nullToEmpty(string(r));
        } else {
          r.skip();
        }
      }
      checkText(path + "[" + key + "]", key + "=" + value, r.offset());
    }

    private void text(ProtoReader r, String path) throws IOException {
      long at = r.offset();
      String s = string(r);
      if (s != null) {
        checkText(path, s, at);
      }
    }

    private void checkText(String path, String text, long offset) {
      if (SCRIPT.matcher(text).find()) {
        report(SUSPICIOUS_METADATA, offset, Severity.MEDIUM, path, path + " holds script markup or code: "
            + q(text) + ". ONNX does not run it; tools that display or execute model metadata would");
      } else if (URL.matcher(text).find()) {
        report(SUSPICIOUS_METADATA, offset, Severity.LOW, path, path + " holds a link: " + q(text));
      }
    }

    private void operator(String key, String path) {
      int colon = key.indexOf(':');
      String domain = key.substring(0, colon);
      String op = key.substring(colon + 1);
      if (PYTHON_OPS.contains(key)) {
        report(PYTHON_OPERATOR, -1, Severity.HIGH, domain, op, "node " + path + " uses " + q(op) + " of domain "
            + q(domain) + ", which imports and calls a Python function named in its attributes when the model runs");
      } else if (!STANDARD_DOMAINS.contains(domain) && !localFunctions.contains(key)) {
        report(CUSTOM_OPERATOR, -1, Severity.MEDIUM, domain, op, "node " + path + " uses operator " + q(op)
            + " of custom domain " + q(domain) + "; running the model needs a native custom-operator library");
      }
    }

    /** Reads a string field; one over the string limit is recorded and skipped, the walk goes on. */
    private String string(ProtoReader r) throws IOException {
      long at = r.offset();
      try {
        return r.string(ctx.limits().maxStringBytes());
      } catch (ScanLimitExceededException e) {
        if (e.limitType() != LimitType.STRING_BYTES) {
          throw e;
        }
        ctx.limitReached(e, at);
        return null;
      }
    }

    private void report(Rule rule, long offset, String operator, String message) {
      report(rule, offset, rule.defaultSeverity(), "", operator, message);
    }

    private void report(Rule rule, long offset, Severity severity, String operator, String message) {
      report(rule, offset, severity, "", operator, message);
    }

    private void report(Rule rule, long offset, Severity severity, String module, String operator, String message) {
      int n = reported.merge(rule.id(), 1, Integer::sum);
      if (n > MAX_FINDINGS_PER_RULE) {
        // A model with thousands of bad tensors needs a handful of examples, not a report per tensor.
        if (n == MAX_FINDINGS_PER_RULE + 1) {
          ctx.report(ctx.finding(rule).offset(offset).severity(severity).message("more than "
              + MAX_FINDINGS_PER_RULE + " findings of this rule; the rest are not reported").build());
        }
        return;
      }
      ctx.report(ctx.finding(rule).offset(offset).severity(severity).module(module).operator(operator)
          .message(message).build());
    }
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }

  private static String q(String s) {
    String t = s.length() > 120 ? s.substring(0, 120) + "..." : s;
    return '"' + t.replaceAll("\\p{Cntrl}", "?") + '"';
  }
}
