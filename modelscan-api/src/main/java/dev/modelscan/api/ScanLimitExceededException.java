package dev.modelscan.api;

import java.util.Objects;

/**
 * Thrown when content would make a scan exceed one of its {@link ScanLimits}.
 *
 * <p>Never swallow this exception inside a scanner without recording it: the scan that hit a limit did not see the
 * whole file, so the result must not be {@link ScanStatus#COMPLETE}. The scan context turns it into a {@link
 * ScanStatus#PARTIAL} status and a finding when it reaches the context.
 *
 * @since 0.1
 */
public class ScanLimitExceededException extends ModelScanException {
  private static final long serialVersionUID = 1L;

  /** Which limit. */
  private final LimitSetting limitType;

  /** The configured value of the limit. */
  private final long limit;

  /** What the content asked for, or -1 when unknown. */
  private final long requested;

  /**
   * Creates the exception with a message that quotes the limit's setting name and command-line option, for example
   * {@code "zip member a.pkl needs 70000; maxMemberBytes (--max-member-bytes) is 65536"}.
   *
   * @param limitType the limit that was hit: a {@link LimitType} or a scanner's own {@link LimitSetting}
   * @param limit its configured value
   * @param requested what the content asked for, or -1 when unknown
   * @param what a few words on what hit it, such as {@code "zip member archive/data.pkl"}
   */
  public ScanLimitExceededException(LimitSetting limitType, long limit, long requested, String what) {
    super(
        what
            + (requested >= 0 ? " needs " + requested : " exceeds the limit")
            + "; "
            + Objects.requireNonNull(limitType, "limitType").settingName()
            + " ("
            + limitType.optionName()
            + ") is "
            + limit);
    this.limitType = limitType;
    this.limit = limit;
    this.requested = requested;
  }

  /**
   * Which limit was hit.
   *
   * @return the limit: a {@link LimitType} for the format-neutral limits, a scanner's own {@link LimitSetting} else
   */
  public LimitSetting limitType() {
    return limitType;
  }

  /**
   * The configured value of the limit.
   *
   * @return the limit
   */
  public long limit() {
    return limit;
  }

  /**
   * What the content asked for.
   *
   * @return the requested amount, or -1 when unknown
   */
  public long requested() {
    return requested;
  }
}
