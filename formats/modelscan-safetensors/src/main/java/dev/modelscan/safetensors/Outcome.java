package dev.modelscan.safetensors;

import dev.modelscan.api.Rule;
import dev.modelscan.api.ScanLimitExceededException;
import dev.modelscan.api.Severity;
import dev.modelscan.api.spi.ScanContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What reading one SafeTensors header found: problems, whether the reference reader would refuse the file, what was
 * not analysed, the tensors, and the byte regions that belong to no tensor.
 *
 * <p>Problems are capped per rule so that a header with a million bad entries yields a bounded report; the number
 * left out is reported as one summary finding.
 */
final class Outcome {

  /** At most this many problems of one rule are kept; the rest are counted. */
  static final int MAX_PROBLEMS_PER_RULE = 20;

  /** One thing to report, at the given severity. */
  record Problem(Rule rule, Severity severity, long offset, String message) {}

  /** A limit that stopped part of the analysis. */
  record Limit(ScanLimitExceededException exception, long offset) {}

  /** A run of bytes in the file that belongs to no tensor. */
  record Region(String name, long offset, long length) {}

  private final List<Problem> problems = new ArrayList<>();
  private final Map<Rule, Integer> perRule = new LinkedHashMap<>();
  private final List<Limit> limits = new ArrayList<>();
  private final List<String> incomplete = new ArrayList<>();
  private final List<Region> regions = new ArrayList<>();
  private final List<Tensor> tensors = new ArrayList<>();
  private String refusal;
  private long headerLength = -1;
  private boolean headerRead;

  void problem(Rule rule, long offset, String message) {
    problem(rule, rule.defaultSeverity(), offset, message);
  }

  void problem(Rule rule, Severity severity, long offset, String message) {
    int count = perRule.merge(rule, 1, Integer::sum);
    if (count <= MAX_PROBLEMS_PER_RULE) {
      problems.add(new Problem(rule, severity, offset, message));
    }
  }

  /**
   * A problem that makes the reference reader refuse the file.
   *
   * @param referenceError the name of the reference reader's error, such as {@code InvalidOffset}
   */
  void refuse(Rule rule, long offset, String referenceError, String message) {
    if (refusal == null) {
      refusal = referenceError + ": " + message;
    }
    problem(rule, offset, message);
  }

  void limit(ScanLimitExceededException exception, long offset) {
    limits.add(new Limit(exception, offset));
  }

  void incomplete(String reason) {
    incomplete.add(reason);
  }

  void region(String name, long offset, long length) {
    regions.add(new Region(name, offset, length));
  }

  List<Problem> problems() {
    return problems;
  }

  List<Limit> limits() {
    return limits;
  }

  List<Region> regions() {
    return regions;
  }

  List<Tensor> tensors() {
    return tensors;
  }

  /** Whether the reference reader would refuse the file. */
  boolean refused() {
    return refusal != null;
  }

  /** The first reason the reference reader would refuse the file, or null. */
  String refusal() {
    return refusal;
  }

  /** Whether the whole header was read (every entry seen, whatever it held). */
  boolean headerRead() {
    return headerRead;
  }

  void headerRead(boolean value) {
    headerRead = value;
  }

  long headerLength() {
    return headerLength;
  }

  void headerLength(long value) {
    headerLength = value;
  }

  /** Whether anything stopped the analysis early (a limit, or a refusal before the layout could be checked). */
  boolean complete() {
    return refusal == null && limits.isEmpty() && incomplete.isEmpty();
  }

  /**
   * Reports everything to a scan context: findings (with one summary per capped rule), limits and the status. Does
   * not dispatch {@link #regions()}.
   */
  void reportTo(ScanContext ctx) {
    for (Problem p : problems) {
      ctx.report(
          ctx.finding(p.rule()).severity(p.severity()).offset(p.offset()).message(p.message()).build());
    }
    for (Map.Entry<Rule, Integer> e : perRule.entrySet()) {
      int more = e.getValue() - MAX_PROBLEMS_PER_RULE;
      if (more > 0) {
        ctx.report(
            ctx.finding(e.getKey())
                .message(more + " more problems of this kind were not listed separately")
                .build());
      }
    }
    for (Limit l : limits) {
      ctx.limitReached(l.exception(), l.offset());
    }
    if (refusal != null) {
      ctx.markPartial(
          "not a valid SafeTensors file, the reference reader refuses it ("
              + refusal
              + "); what a lenient reader would make of it was not validated");
    }
    for (String reason : incomplete) {
      ctx.markPartial(reason);
    }
  }
}
