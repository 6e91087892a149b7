package dev.modelscan.api;

import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a scan looks for and how it judges what it sees. Immutable; create one with {@link #builder()}.
 *
 * <p>Policy overrides name Python globals as {@code module.qualname} (for example {@code "mypkg.layers.Custom"}).
 * Denied names are reported as CRITICAL wherever they appear; allowed names are not reported unless they are also on
 * the built-in always-dangerous list, which embedders cannot switch off (an allow entry for {@code os.system} would be
 * a hole, not a setting).
 *
 * @since 0.1
 */
public final class ScanSettings {

  /** Default of {@link #severityThreshold()}. */
  public static final Severity DEFAULT_SEVERITY_THRESHOLD = Severity.MEDIUM;

  /** Default of {@link #unknownGlobalSeverity()}. */
  public static final Severity DEFAULT_UNKNOWN_GLOBAL_SEVERITY = Severity.MEDIUM;

  /** The value of {@link #maxFileSize()} that means "no limit". */
  public static final long UNLIMITED_FILE_SIZE = Long.MAX_VALUE;

  private static final ScanSettings DEFAULTS = new Builder().build();

  private final ScanMode mode;
  private final Severity severityThreshold;
  private final long maxFileSize;
  private final ScanLimits limits;
  private final Set<String> allowedGlobals;
  private final Set<String> deniedGlobals;
  private final Severity unknownGlobalSeverity;

  private ScanSettings(Builder b) {
    this.mode = b.mode;
    this.severityThreshold = b.severityThreshold;
    this.maxFileSize = b.maxFileSize;
    this.limits = b.limits;
    this.allowedGlobals = Set.copyOf(b.allowedGlobals);
    this.deniedGlobals = Set.copyOf(b.deniedGlobals);
    this.unknownGlobalSeverity = b.unknownGlobalSeverity;
  }

  /**
   * Thorough mode, threshold MEDIUM, no file size limit, default limits, no policy overrides.
   *
   * @return the shared default settings
   */
  public static ScanSettings defaults() {
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
   * A builder starting from these settings.
   *
   * @return a new builder
   */
  public Builder rebuild() {
    return new Builder(this);
  }

  /**
   * Quick or thorough.
   *
   * @return the mode
   */
  public ScanMode mode() {
    return mode;
  }

  /**
   * The severity from which a finding makes the verdict unsafe (and the CLI exit with code 1).
   *
   * @return the threshold
   */
  public Severity severityThreshold() {
    return severityThreshold;
  }

  /**
   * Input files larger than this are skipped (status {@link ScanStatus#SKIPPED}, never clean).
   *
   * @return the largest size scanned, in bytes; {@link #UNLIMITED_FILE_SIZE} for no limit
   */
  public long maxFileSize() {
    return maxFileSize;
  }

  /**
   * The resource limits.
   *
   * @return the limits
   */
  public ScanLimits limits() {
    return limits;
  }

  /**
   * Globals the embedder declares safe in addition to the built-in allowlist.
   *
   * @return an unmodifiable set of {@code module.qualname} names
   */
  public Set<String> allowedGlobals() {
    return allowedGlobals;
  }

  /**
   * Globals the embedder declares dangerous in addition to the built-in denylist.
   *
   * @return an unmodifiable set of {@code module.qualname} names
   */
  public Set<String> deniedGlobals() {
    return deniedGlobals;
  }

  /**
   * The severity of references that are neither known safe nor known dangerous (thorough mode only).
   *
   * @return the severity
   */
  public Severity unknownGlobalSeverity() {
    return unknownGlobalSeverity;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof ScanSettings)) {
      return false;
    }
    ScanSettings s = (ScanSettings) o;
    return mode == s.mode
        && severityThreshold == s.severityThreshold
        && maxFileSize == s.maxFileSize
        && limits.equals(s.limits)
        && allowedGlobals.equals(s.allowedGlobals)
        && deniedGlobals.equals(s.deniedGlobals)
        && unknownGlobalSeverity == s.unknownGlobalSeverity;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        mode, severityThreshold, maxFileSize, limits, allowedGlobals, deniedGlobals, unknownGlobalSeverity);
  }

  @Override
  public String toString() {
    return "ScanSettings{mode="
        + mode
        + ", severityThreshold="
        + severityThreshold
        + ", maxFileSize="
        + maxFileSize
        + ", limits="
        + limits
        + ", allowedGlobals="
        + new TreeSet<>(allowedGlobals)
        + ", deniedGlobals="
        + new TreeSet<>(deniedGlobals)
        + ", unknownGlobalSeverity="
        + unknownGlobalSeverity
        + '}';
  }

  /**
   * Builds {@link ScanSettings}. Not thread-safe.
   *
   * @since 0.1
   */
  public static final class Builder {
    private ScanMode mode = ScanMode.THOROUGH;
    private Severity severityThreshold = DEFAULT_SEVERITY_THRESHOLD;
    private long maxFileSize = UNLIMITED_FILE_SIZE;
    private ScanLimits limits = ScanLimits.defaults();
    private final Set<String> allowedGlobals = new TreeSet<>();
    private final Set<String> deniedGlobals = new TreeSet<>();
    private Severity unknownGlobalSeverity = DEFAULT_UNKNOWN_GLOBAL_SEVERITY;

    private Builder() {}

    private Builder(ScanSettings s) {
      mode = s.mode;
      severityThreshold = s.severityThreshold;
      maxFileSize = s.maxFileSize;
      limits = s.limits;
      allowedGlobals.addAll(s.allowedGlobals);
      deniedGlobals.addAll(s.deniedGlobals);
      unknownGlobalSeverity = s.unknownGlobalSeverity;
    }

    /**
     * Sets {@link ScanSettings#mode()}.
     *
     * @param value the mode, not null
     * @return this builder
     */
    public Builder mode(ScanMode value) {
      mode = Objects.requireNonNull(value, "mode");
      return this;
    }

    /**
     * Sets {@link ScanSettings#severityThreshold()}.
     *
     * @param value the threshold, not null
     * @return this builder
     */
    public Builder severityThreshold(Severity value) {
      severityThreshold = Objects.requireNonNull(value, "severityThreshold");
      return this;
    }

    /**
     * Sets {@link ScanSettings#maxFileSize()}.
     *
     * @param value at least 1
     * @return this builder
     */
    public Builder maxFileSize(long value) {
      if (value < 1) {
        throw new IllegalArgumentException(LimitType.FILE_SIZE.settingName() + " must be at least 1, was " + value);
      }
      maxFileSize = value;
      return this;
    }

    /**
     * Sets {@link ScanSettings#limits()}.
     *
     * @param value the limits, not null
     * @return this builder
     */
    public Builder limits(ScanLimits value) {
      limits = Objects.requireNonNull(value, "limits");
      return this;
    }

    /**
     * Adds names to {@link ScanSettings#allowedGlobals()}.
     *
     * @param names {@code module.qualname} names
     * @return this builder
     */
    public Builder allowGlobals(String... names) {
      for (String n : names) {
        allowedGlobals.add(Objects.requireNonNull(n, "name"));
      }
      return this;
    }

    /**
     * Adds names to {@link ScanSettings#deniedGlobals()}.
     *
     * @param names {@code module.qualname} names
     * @return this builder
     */
    public Builder denyGlobals(String... names) {
      for (String n : names) {
        deniedGlobals.add(Objects.requireNonNull(n, "name"));
      }
      return this;
    }

    /**
     * Sets {@link ScanSettings#unknownGlobalSeverity()}.
     *
     * @param value the severity, not null
     * @return this builder
     */
    public Builder unknownGlobalSeverity(Severity value) {
      unknownGlobalSeverity = Objects.requireNonNull(value, "unknownGlobalSeverity");
      return this;
    }

    /**
     * Builds the immutable settings.
     *
     * @return the settings
     */
    public ScanSettings build() {
      return new ScanSettings(this);
    }
  }
}
