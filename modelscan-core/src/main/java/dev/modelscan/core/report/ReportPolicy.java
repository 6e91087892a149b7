package dev.modelscan.core.report;

import dev.modelscan.api.ScanReport;
import dev.modelscan.api.Severity;
import dev.modelscan.api.Verdict;
import java.util.Objects;

/**
 * How a front end judges a {@link ScanReport}: from which severity a finding makes the verdict {@link Verdict#UNSAFE},
 * and which process exit code each verdict gives. Scanners never see it: they report everything they find, and the
 * policy decides afterwards what fails a build.
 *
 * <p>Immutable; create one with {@link #builder()} or take {@link #defaults()}.
 *
 * @since 0.2
 */
public final class ReportPolicy {

  /** Default of {@link #severityThreshold()}. */
  public static final Severity DEFAULT_SEVERITY_THRESHOLD = Severity.MEDIUM;

  /** The exit code of a usage error (a bad option): nothing was scanned. */
  public static final int EXIT_USAGE = 4;

  private static final ReportPolicy DEFAULTS = new Builder().build();

  private final Severity severityThreshold;

  private ReportPolicy(Builder b) {
    this.severityThreshold = b.severityThreshold;
  }

  /**
   * Threshold {@link #DEFAULT_SEVERITY_THRESHOLD}.
   *
   * @return the shared default policy
   */
  public static ReportPolicy defaults() {
    return DEFAULTS;
  }

  /**
   * A builder starting from the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder starting from this policy.
   *
   * @return a new builder
   */
  public Builder rebuild() {
    return new Builder().severityThreshold(severityThreshold);
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
   * The report judged by this policy: the same results, with this threshold.
   *
   * @param report a report
   * @return {@code report} when it already has this threshold, else a copy with it
   */
  public ScanReport apply(ScanReport report) {
    if (report.severityThreshold() == severityThreshold) {
      return report;
    }
    return new ScanReport(
        report.toolVersion(), severityThreshold, report.results(), report.elapsed(), report.excluded());
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
    return o instanceof ReportPolicy && ((ReportPolicy) o).severityThreshold == severityThreshold;
  }

  @Override
  public int hashCode() {
    return severityThreshold.hashCode();
  }

  @Override
  public String toString() {
    return "ReportPolicy{severityThreshold=" + severityThreshold + '}';
  }

  /**
   * Builds {@link ReportPolicy}. Not thread-safe.
   *
   * @since 0.2
   */
  public static final class Builder {
    private Severity severityThreshold = DEFAULT_SEVERITY_THRESHOLD;

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
     * Builds the immutable policy.
     *
     * @return the policy
     */
    public ReportPolicy build() {
      return new ReportPolicy(this);
    }
  }
}
