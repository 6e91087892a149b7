package dev.modelscan.tensorflow;

import dev.modelscan.api.Rule;
import dev.modelscan.api.Severity;
import dev.modelscan.api.spi.ScanContext;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Collects risky operations during one scan and reports each operation name once, with how often and where it was
 * first seen: a graph with ten thousand ReadFile nodes needs one finding, not ten thousand.
 */
final class OpReporter {
  private record Seen(Rule rule, Severity severity, String op, String effect, String where, long offset, int[] count) {}

  private final ScanContext ctx;
  private final String prefix;
  private final Map<String, Seen> seen = new LinkedHashMap<>();

  /**
   * @param prefix how the format names the op in messages ({@code ""} for SavedModel, {@code "Flex"} for TFLite)
   */
  OpReporter(ScanContext ctx, String prefix) {
    this.ctx = ctx;
    this.prefix = prefix;
  }

  /** Records a risky op by its TensorFlow name; returns whether it was on the list. */
  boolean op(String tfOp, String where, long offset) {
    RiskyOps.Op op = RiskyOps.lookup(tfOp).orElse(null);
    if (op == null) {
      return false;
    }
    add(TfRules.forKind(op.kind()), op.severity(), tfOp, op.effect(), where, offset);
    return true;
  }

  /** Records a finding whose severity and effect depend on attributes (PrintV2 to a file, debug URLs). */
  void add(Rule rule, Severity severity, String tfOp, String effect, String where, long offset) {
    Seen s = seen.get(rule.id() + "\0" + tfOp);
    if (s == null) {
      seen.put(rule.id() + "\0" + tfOp, new Seen(rule, severity, tfOp, effect, where, offset, new int[] {1}));
    } else {
      s.count()[0]++;
    }
  }

  void flush() {
    for (Seen s : seen.values()) {
      String name = prefix + s.op();
      ctx.report(
          ctx.finding(s.rule())
              .severity(s.severity())
              .operator(name)
              .offset(s.offset())
              .message(
                  name + " " + s.effect() + "; " + (s.count()[0] == 1 ? "at " : s.count()[0] + " times, first at ")
                      + s.where())
              .build());
    }
  }
}
