package dev.modelscan.tensorflow;

import com.google.auto.service.AutoService;
import dev.modelscan.api.LimitType;
import dev.modelscan.api.ModelScanVersion;
import dev.modelscan.api.Rule;
import dev.modelscan.api.ScanLimitExceededException;
import dev.modelscan.api.Severity;
import dev.modelscan.api.io.Varints;
import dev.modelscan.api.io.Varints.Varint;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.api.spi.Recognition;
import dev.modelscan.api.spi.ScanContext;
import dev.modelscan.api.spi.ScannerDescriptor;
import dev.modelscan.api.spi.SiblingFile;
import dev.modelscan.api.spi.SiblingFiles;
import dev.modelscan.protobuf.ProtoReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Scans TensorFlow SavedModel protobufs ({@code saved_model.pb}).
 *
 * <p>A SavedModel is a graph that TensorFlow runs when the model is served or called. The scanner reads every {@code
 * NodeDef.op} in each meta graph's {@code graph_def} and in every function of its function library (TF2 models keep
 * nearly everything there), and reports operations that read or write files, call Python or reach the network (the
 * list is {@code risky-ops.tsv}). Checkpoint save/restore operations are expected inside the saver ({@code save/}
 * scope in TF1 graphs, {@code __inference__traced_save/restore} functions in TF2) and reported elsewhere. Constant
 * tensors and everything else are skipped by length.
 *
 * <p>Read from disk, the model's variable files and fingerprint are declared as its data, so that a directory scan
 * reports them as {@value ScanContext#COMPANION_FORMAT} instead of skipped; their bytes are not parsed.
 *
 * <p>Not covered: unknown (custom-kernel) op names, because that needs the full TensorFlow op registry; chunked
 * {@code saved_model.cpb} files.
 */
@AutoService(ModelScanner.class)
public final class SavedModelScanner implements ModelScanner {

  static final String FORMAT = "tf-savedmodel";
  private static final Pattern TF1_SAVER_SCOPE = Pattern.compile("^save(_\\d+)?/.*");
  private static final String TF2_SAVER_PREFIX = "__inference__traced_";

  /** Public no-argument constructor for {@link java.util.ServiceLoader}. */
  public SavedModelScanner() {}

  @Override
  public ScannerDescriptor descriptor() {
    return ScannerDescriptor.of(
        "tf-savedmodel", ModelScanVersion.current(),
        "TensorFlow SavedModel graphs and function libraries: file, Python and network ops",
        List.of(FORMAT), List.of("pb"));
  }

  @Override
  public List<Rule> rules() {
    List<Rule> rules = new ArrayList<>(TfRules.OPS);
    rules.add(TfRules.CUSTOM_OP);
    rules.add(TfRules.ASSET_PATH_TRAVERSAL);
    return List.copyOf(rules);
  }

  @Override
  public Recognition recognize(ContentHead head) {
    byte[] h = new byte[head.headLength()];
    head.head().get(h);
    int p = 0;
    boolean version = false;
    if (h.length >= 2 && h[0] == 0x08) {
      // saved_model_schema_version: always 1 so far
      if (h[1] != 0x01) {
        return Recognition.none();
      }
      version = true;
      p = 2;
    }
    // meta_graphs (field 2) whose first field is a MetaGraphDef field 1..7, all length-delimited.
    if (p >= h.length || h[p] != 0x12) {
      return Recognition.none();
    }
    Varint len = Varints.read(h, p + 1);
    if (len == null || len.value() < 0 || len.value() > head.size() - len.next() || len.next() >= h.length) {
      return Recognition.none();
    }
    int inner = h[len.next()] & 0xFF;
    if ((inner & 7) != 2 || (inner >>> 3) < 1 || (inner >>> 3) > 7) {
      return Recognition.none();
    }
    boolean named = head.name().replace('\\', '/').toLowerCase(Locale.ROOT).endsWith("saved_model.pb");
    if (version) {
      return Recognition.of(FORMAT, Recognition.STRONG + (named ? 5 : 0));
    }
    // Without the schema version the structure is thin evidence: only the name makes it probable.
    return Recognition.of(FORMAT, named ? Recognition.PROBABLE : Recognition.WEAK);
  }

  @Override
  public void scan(ScanContext ctx) throws IOException {
    OpReporter ops = new OpReporter(ctx, "");
    ProtoReader r = ProtoReader.of(ctx.source(), ctx.limits().maxHeaderBytes());
    int graphs = 0;
    try {
      while (r.next()) {
        if (r.field() == 2 && r.wire() == ProtoReader.LEN) {
          metaGraph(ctx, ops, r.message(), "meta_graphs[" + graphs++ + "]");
        } else {
          r.skip();
        }
      }
    } finally {
      ops.flush(); // ops seen before a malformed or limited part are still reported
    }
    declareVariables(ctx);
  }

  /**
   * Declares the weights next to a {@code saved_model.pb} read from disk as data of the model (see {@link
   * ScanContext#declareCompanion}): {@code variables/variables.index} and {@code variables/variables.data-*-of-*}
   * (a TensorBundle: a table of tensor names and offsets, and raw tensor bytes, restored as values, not run) and
   * {@code fingerprint.pb} (hashes of the other files). Regular files only, no links; at most as many as an archive
   * may have members, so a directory of a million names costs nothing (the rest stay skipped).
   */
  private static void declareVariables(ScanContext ctx) {
    SiblingFiles siblings = ctx.siblings().orElse(null);
    if (siblings == null || !siblings.inputName().equals("saved_model.pb")) {
      return;
    }
    try {
      int left = ctx.limits().maxArchiveMembers();
      SiblingFile fingerprint = siblings.find("fingerprint.pb");
      if (fingerprint.isFile() && !fingerprint.link()) {
        ctx.declareCompanion(fingerprint);
        left--;
      }
      for (SiblingFile f : siblings.list("variables", "variables.{index,data-*-of-*}", Math.max(0, left))) {
        if (f.isFile() && !f.link()) {
          ctx.declareCompanion(f);
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not a finding about the graph: the variable files are then reported as skipped, as without this.
    }
  }

  private static void metaGraph(ScanContext ctx, OpReporter ops, ProtoReader r, String path) throws IOException {
    while (r.next()) {
      if (r.field() == 2 && r.wire() == ProtoReader.LEN) {
        graphDef(ctx, ops, r.message(), path + "/graph_def");
      } else if (r.field() == 6 && r.wire() == ProtoReader.LEN) {
        asset(ctx, r.offset(), r.message(), path);
      } else {
        r.skip();
      }
    }
  }

  /**
   * AssetFileDef{1 tensor_info, 2 filename}: the loader joins the filename to {@code <export_dir>/assets/} and feeds
   * the path to the graph (vocabulary tables read it), so a filename that climbs out reads any file.
   */
  private static void asset(ScanContext ctx, long offset, ProtoReader r, String path) throws IOException {
    while (r.next()) {
      if (r.field() == 2 && r.wire() == ProtoReader.LEN) {
        String filename = string(ctx, r);
        String problem = AssetPath.problem(filename);
        if (problem != null) {
          ctx.report(
              ctx.finding(TfRules.ASSET_PATH_TRAVERSAL)
                  .offset(offset)
                  .operator(filename)
                  .message("asset file " + filename + " of " + path + " " + problem
                      + "; loading the model hands that path to the graph, which reads the file")
                  .build());
        }
      } else {
        r.skip();
      }
    }
  }

  private static void graphDef(ScanContext ctx, OpReporter ops, ProtoReader r, String path) throws IOException {
    while (r.next()) {
      ctx.checkDeadline();
      if (r.field() == 1 && r.wire() == ProtoReader.LEN) {
        node(ctx, ops, r.offset(), r.message(), path, false);
      } else if (r.field() == 2 && r.wire() == ProtoReader.LEN) {
        library(ctx, ops, r.message(), path + "/library");
      } else {
        r.skip();
      }
    }
  }

  private static void library(ScanContext ctx, OpReporter ops, ProtoReader r, String path) throws IOException {
    while (r.next()) {
      if (r.field() == 1 && r.wire() == ProtoReader.LEN) {
        function(ctx, ops, r.message(), path);
      } else {
        r.skip();
      }
    }
  }

  private static void function(ScanContext ctx, OpReporter ops, ProtoReader r, String path) throws IOException {
    String name = "";
    while (r.next()) {
      ctx.checkDeadline();
      if (r.field() == 1 && r.wire() == ProtoReader.LEN) {
        name = opDefName(ctx, r.message());
      } else if (r.field() == 3 && r.wire() == ProtoReader.LEN) {
        // The signature (field 1) is written before node_def (3), so the name is known here.
        node(ctx, ops, r.offset(), r.message(), path + "/function " + name, name.startsWith(TF2_SAVER_PREFIX));
      } else {
        r.skip();
      }
    }
  }

  private static String opDefName(ScanContext ctx, ProtoReader r) throws IOException {
    String name = "";
    while (r.next()) {
      if (r.field() == 1 && r.wire() == ProtoReader.LEN) {
        name = string(ctx, r);
      } else {
        r.skip();
      }
    }
    return name;
  }

  private static void node(
      ScanContext ctx, OpReporter ops, long offset, ProtoReader r, String path, boolean inSaver) throws IOException {
    String name = "";
    String op = "";
    List<String> targets = new ArrayList<>();
    while (r.next()) {
      if (r.wire() != ProtoReader.LEN) {
        r.skip();
        continue;
      }
      switch (r.field()) {
        case 1 -> name = string(ctx, r);
        case 2 -> op = string(ctx, r);
        case 5 -> attr(ctx, r.message(), targets);
        default -> r.skip();
      }
    }
    String where = path + " node " + name;
    if (op.indexOf('>') > 0) {
      // Ops from load_op_library are namespaced ("Addons>GatherTree"): the model needs that native library.
      ops.add(TfRules.CUSTOM_OP, Severity.MEDIUM, op, "comes from a custom op library (native code that the user must"
          + " load with tf.load_op_library)", where, offset);
    }
    RiskyOps.Op risky = RiskyOps.lookup(op).orElse(null);
    if (risky != null) {
      boolean saver = inSaver || TF1_SAVER_SCOPE.matcher(name).matches();
      if (risky.kind() != RiskyOps.Kind.CHECKPOINT || !saver) {
        ops.op(op, where, offset);
      }
      return;
    }
    outputTargets(ops, op, targets, where, offset);
  }

  /** PrintV2 and the debug ops are harmless unless an attribute sends their output to a file or a host. */
  static void outputTargets(OpReporter ops, String op, List<String> targets, String where, long offset) {
    boolean print = op.equals("PrintV2");
    boolean debug = op.startsWith("Debug");
    if (!print && !debug) {
      return;
    }
    for (String t : targets) {
      String lower = t.toLowerCase(Locale.ROOT);
      if (lower.startsWith("file://") || (debug && lower.startsWith("/"))) {
        ops.add(TfRules.FILE_WRITE_OP, Severity.HIGH, op, "writes its output to " + t, where, offset);
      } else if (debug && lower.matches("^[a-z][a-z0-9+.-]*://.*")) {
        ops.add(TfRules.NETWORK_OP, Severity.HIGH, op, "sends tensors to " + t, where, offset);
      }
    }
  }

  /** One NodeDef attr map entry: remembers output_stream and debug_urls string values. */
  private static void attr(ScanContext ctx, ProtoReader r, List<String> targets) throws IOException {
    String key = "";
    while (r.next()) {
      if (r.field() == 1 && r.wire() == ProtoReader.LEN) {
        key = string(ctx, r);
      } else if (r.field() == 2 && r.wire() == ProtoReader.LEN
          && (key.equals("output_stream") || key.equals("debug_urls"))) {
        attrValue(ctx, r.message(), targets, 0);
      } else {
        r.skip();
      }
    }
  }

  /** AttrValue: 2 s (bytes) or 1 list (ListValue, whose 2 is repeated bytes). */
  private static void attrValue(ScanContext ctx, ProtoReader r, List<String> out, int depth) throws IOException {
    while (r.next()) {
      if (r.field() == 2 && r.wire() == ProtoReader.LEN) {
        out.add(string(ctx, r));
      } else if (r.field() == 1 && r.wire() == ProtoReader.LEN && depth == 0) {
        attrValue(ctx, r.message(), out, 1);
      } else {
        r.skip();
      }
    }
  }

  /** A string field; one over the string limit is recorded and skipped so the walk can go on. */
  static String string(ScanContext ctx, ProtoReader r) throws IOException {
    long at = r.offset();
    try {
      return r.string(ctx.limits().maxStringBytes());
    } catch (ScanLimitExceededException e) {
      if (e.limitType() != LimitType.STRING_BYTES) {
        throw e;
      }
      ctx.limitReached(e, at);
      return "";
    }
  }
}
