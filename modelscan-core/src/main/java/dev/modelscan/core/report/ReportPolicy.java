package dev.modelscan.core.report;

import dev.modelscan.api.FileResult;
import dev.modelscan.api.Finding;
import dev.modelscan.api.ScanReport;
import dev.modelscan.api.Severity;
import dev.modelscan.api.Suppression;
import dev.modelscan.api.Verdict;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How a front end judges a finished {@link ScanReport}: from which severity a finding makes the verdict {@link
 * Verdict#UNSAFE}, which findings are known and accepted (a baseline, accepted risks), and which process exit code
 * each verdict gives. Scanners never see it: they report everything they find, and the policy decides afterwards what
 * fails a build.
 *
 * <pre>{@code
 * ReportPolicy policy = ReportPolicy.builder()
 *     .severityThreshold(Severity.HIGH)
 *     .baseline(Baseline.read(Path.of("modelscan-baseline.json")))
 *     .suppress(new SuppressionEntry(sha256, "PICKLE-DANGEROUS-GLOBAL", "vendor model, reviewed in TICKET-12"))
 *     .build();
 * ScanReport judged = policy.apply(modelScan.scan(paths));
 * System.exit(policy.exitCode(judged));
 * }</pre>
 *
 * <p>Known and accepted findings are marked {@linkplain Finding#isSuppressed() suppressed}, so that they stay visible
 * in every report (with why) and no longer decide the verdict or the exit code. Nothing else changes: statuses, files
 * and the order of findings are kept, and a file that was not completely scanned still makes the scan incomplete. An
 * accepted risk ({@link SuppressionEntry}) is checked first and marks every finding of its rule in the file with its
 * hash ({@link Suppression.Kind#ACCEPTED}, with the entry's reason). The baseline then marks findings it holds
 * ({@link Suppression.Kind#BASELINE}), one current finding per earlier one. A finding already suppressed stays as it
 * is.
 *
 * <p>Immutable and thread-safe; create one with {@link #builder()} or take {@link #defaults()}.
 *
 * @since 0.1
 */
public final class ReportPolicy {

  /** Default of {@link #severityThreshold()}. */
  public static final Severity DEFAULT_SEVERITY_THRESHOLD = Severity.MEDIUM;

  /** The exit code of a usage error (a bad option): nothing was scanned. */
  public static final int EXIT_USAGE = 4;

  private static final ReportPolicy DEFAULTS = new Builder().build();

  private final Severity severityThreshold;
  private final Optional<Baseline> baseline;
  private final Map<String, SuppressionEntry> suppressions;

  private ReportPolicy(Builder b) {
    this.severityThreshold = b.severityThreshold;
    this.baseline = Optional.ofNullable(b.baseline);
    this.suppressions = Map.copyOf(b.suppressions);
  }

  /**
   * A builder with threshold {@link #DEFAULT_SEVERITY_THRESHOLD}, no baseline and no suppression.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Threshold {@link #DEFAULT_SEVERITY_THRESHOLD}, no baseline, no suppression.
   *
   * @return the shared default policy
   */
  public static ReportPolicy defaults() {
    return DEFAULTS;
  }

  /**
   * The policy that changes nothing: the same as {@link #defaults()}.
   *
   * @return a policy with the default threshold, no baseline and no suppression
   */
  public static ReportPolicy none() {
    return DEFAULTS;
  }

  /**
   * A builder starting from this policy.
   *
   * @return a new builder
   */
  public Builder rebuild() {
    Builder b = new Builder().severityThreshold(severityThreshold).baseline(baseline.orElse(null));
    b.suppressions.putAll(suppressions);
    return b;
  }

  /**
   * The severity from which a finding makes the verdict {@link Verdict#UNSAFE} (and the command line exit with 1).
   *
   * @return the threshold
   */
  public Severity severityThreshold() {
    return severityThreshold;
  }

  /**
   * The accepted risks, in the order they were added.
   *
   * @return the suppression entries
   */
  public List<SuppressionEntry> suppressions() {
    return List.copyOf(suppressions.values());
  }

  /**
   * The baseline, if one was set.
   *
   * @return the baseline or empty
   */
  public Optional<Baseline> baseline() {
    return baseline;
  }

  /**
   * The report judged by this policy: with this threshold, and the findings that the baseline holds or a suppression
   * accepts marked suppressed.
   *
   * @param report the report, not null
   * @return a report with the same results, some findings marked suppressed; {@code report} itself when nothing is
   *     to be changed
   */
  public ScanReport apply(ScanReport report) {
    Objects.requireNonNull(report, "report");
    ScanReport judged = report;
    if (report.severityThreshold() != severityThreshold) {
      judged =
          new ScanReport(
              report.toolVersion(), severityThreshold, report.results(), report.elapsed(), report.excluded());
    }
    if (baseline.isEmpty() && suppressions.isEmpty()) {
      return judged;
    }
    Map<String, Integer> known = baseline.map(Baseline::counts).orElseGet(Map::of);
    String baselineReason = baseline.map(b -> "present in the baseline " + b.source()).orElse("");
    List<FileResult> results = new ArrayList<>(judged.results().size());
    boolean changed = false;
    for (FileResult r : judged.results()) {
      if (r.sha256().isEmpty() || r.findings().isEmpty()) {
        results.add(r);
        continue;
      }
      List<Finding> findings = new ArrayList<>(r.findings().size());
      boolean any = false;
      for (Finding f : r.findings()) {
        Finding marked = mark(r.sha256(), f, known, baselineReason);
        any |= marked != f;
        findings.add(marked);
      }
      results.add(any ? r.withFindings(findings) : r);
      changed |= any;
    }
    if (!changed) {
      return judged;
    }
    return new ScanReport(
        judged.toolVersion(), judged.severityThreshold(), results, judged.elapsed(), judged.excluded());
  }

  private Finding mark(String sha, Finding f, Map<String, Integer> known, String baselineReason) {
    if (f.isSuppressed()) {
      return f;
    }
    SuppressionEntry s = suppressions.get(sha + "\u0000" + f.ruleId());
    if (s != null) {
      return f.suppressed(new Suppression(Suppression.Kind.ACCEPTED, s.reason()));
    }
    String key = FindingIdentity.key(sha, f);
    Integer left = known.get(key);
    if (left != null && left > 0) {
      known.put(key, left - 1);
      return f.suppressed(new Suppression(Suppression.Kind.BASELINE, baselineReason));
    }
    return f;
  }

  /**
   * The process exit code of a verdict: {@link Verdict#CLEAN} 0, {@link Verdict#UNSAFE} 1, {@link
   * Verdict#INCOMPLETE} 2, {@link Verdict#NOTHING_SCANNED} 3 ({@value #EXIT_USAGE} is a usage error).
   *
   * @param verdict the verdict
   * @return the exit code
   */
  public int exitCode(Verdict verdict) {
    switch (Objects.requireNonNull(verdict, "verdict")) {
      case CLEAN:
        return 0;
      case UNSAFE:
        return 1;
      case INCOMPLETE:
        return 2;
      default:
        return 3;
    }
  }

  /**
   * The process exit code of a report judged by this policy: {@code exitCode(apply(report).verdict())}.
   *
   * @param report the report
   * @return the exit code
   */
  public int exitCode(ScanReport report) {
    return exitCode(apply(report).verdict());
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ReportPolicy)) {
      return false;
    }
    ReportPolicy p = (ReportPolicy) o;
    return severityThreshold == p.severityThreshold
        && baseline.equals(p.baseline)
        && suppressions.equals(p.suppressions);
  }

  @Override
  public int hashCode() {
    return Objects.hash(severityThreshold, baseline, suppressions);
  }

  @Override
  public String toString() {
    return "ReportPolicy{severityThreshold="
        + severityThreshold
        + ", baseline="
        + baseline.map(Baseline::source).orElse("none")
        + ", suppressions="
        + suppressions.size()
        + '}';
  }

  /**
   * Builds a {@link ReportPolicy}. Not thread-safe.
   *
   * @since 0.1
   */
  public static final class Builder {
    private Severity severityThreshold = DEFAULT_SEVERITY_THRESHOLD;
    private Baseline baseline;
    private final Map<String, SuppressionEntry> suppressions = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Sets {@link ReportPolicy#severityThreshold()}.
     *
     * @param value the threshold, not null
     * @return this builder
     */
    public Builder severityThreshold(Severity value) {
      severityThreshold = Objects.requireNonNull(value, "severityThreshold");
      return this;
    }

    /**
     * Sets the baseline whose findings do not fail the scan.
     *
     * @param value the baseline, or null for none
     * @return this builder
     */
    public Builder baseline(Baseline value) {
      baseline = value;
      return this;
    }

    /**
     * Adds an accepted risk.
     *
     * @param entry the entry, not null
     * @return this builder
     * @throws IllegalArgumentException when an entry for the same hash and rule was already added (two reasons for
     *     one suppression: which one is meant?)
     */
    public Builder suppress(SuppressionEntry entry) {
      Objects.requireNonNull(entry, "entry");
      String key = entry.sha256() + "\u0000" + entry.ruleId();
      if (suppressions.putIfAbsent(key, entry) != null) {
        throw new IllegalArgumentException(
            "suppression of " + entry.ruleId() + " in " + entry.sha256() + " is given twice");
      }
      return this;
    }

    /**
     * Adds accepted risks.
     *
     * @param entries the entries, not null
     * @return this builder
     * @throws IllegalArgumentException as {@link #suppress(SuppressionEntry)}
     */
    public Builder suppress(java.util.Collection<SuppressionEntry> entries) {
      entries.forEach(this::suppress);
      return this;
    }

    /**
     * Builds the policy.
     *
     * @return the policy
     */
    public ReportPolicy build() {
      return new ReportPolicy(this);
    }
  }
}
