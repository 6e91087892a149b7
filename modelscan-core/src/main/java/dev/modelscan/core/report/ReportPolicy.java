package dev.modelscan.core.report;

import dev.modelscan.api.FileResult;
import dev.modelscan.api.Finding;
import dev.modelscan.api.ScanReport;
import dev.modelscan.api.Suppression;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a finished report makes of known and accepted findings: a step between the scan and the report writers that
 * marks findings {@linkplain Finding#isSuppressed() suppressed}, so that they stay visible in every report (with why)
 * and no longer decide the verdict or the exit code. Nothing else changes: statuses, files and the order of findings
 * are kept, and a file that was not completely scanned still makes the scan incomplete.
 *
 * <pre>{@code
 * ReportPolicy policy = ReportPolicy.builder()
 *     .baseline(Baseline.read(Path.of("modelscan-baseline.json")))
 *     .suppress(new SuppressionEntry(sha256, "PICKLE-DANGEROUS-GLOBAL", "vendor model, reviewed in TICKET-12"))
 *     .build();
 * ScanReport judged = policy.apply(modelScan.scan(paths));
 * }</pre>
 *
 * <p>An accepted risk ({@link SuppressionEntry}) is checked first and marks every finding of its rule in the file with
 * its hash ({@link Suppression.Kind#ACCEPTED}, with the entry's reason). The baseline then marks findings it holds
 * ({@link Suppression.Kind#BASELINE}), one current finding per earlier one. A finding already suppressed stays as it
 * is. Immutable and thread-safe.
 *
 * @since 0.1
 */
public final class ReportPolicy {

  private final Optional<Baseline> baseline;
  private final Map<String, SuppressionEntry> suppressions;

  private ReportPolicy(Builder b) {
    this.baseline = Optional.ofNullable(b.baseline);
    this.suppressions = Map.copyOf(b.suppressions);
  }

  /**
   * A builder with no baseline and no suppression.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The policy that changes nothing.
   *
   * @return a policy with no baseline and no suppression
   */
  public static ReportPolicy none() {
    return builder().build();
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
   * Marks the findings of a report that the baseline holds or a suppression accepts.
   *
   * @param report the report, not null
   * @return a report with the same results, some findings marked suppressed; {@code report} itself when nothing is
   *     to be marked
   */
  public ScanReport apply(ScanReport report) {
    Objects.requireNonNull(report, "report");
    if (baseline.isEmpty() && suppressions.isEmpty()) {
      return report;
    }
    Map<String, Integer> known = baseline.map(Baseline::counts).orElseGet(Map::of);
    String baselineReason = baseline.map(b -> "present in the baseline " + b.source()).orElse("");
    List<FileResult> results = new ArrayList<>(report.results().size());
    boolean changed = false;
    for (FileResult r : report.results()) {
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
      return report;
    }
    return new ScanReport(
        report.toolVersion(), report.severityThreshold(), results, report.elapsed(), report.excluded());
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
   * Builds a {@link ReportPolicy}. Not thread-safe.
   *
   * @since 0.1
   */
  public static final class Builder {
    private Baseline baseline;
    private final Map<String, SuppressionEntry> suppressions = new LinkedHashMap<>();

    private Builder() {}

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
