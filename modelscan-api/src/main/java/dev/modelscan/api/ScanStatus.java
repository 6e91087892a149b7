package dev.modelscan.api;

/**
 * How much of an input or nested member was seen. Status is not verdict: a {@link #COMPLETE} file can have critical
 * findings, and a file with no findings that is not {@code COMPLETE} is never clean.
 *
 * <p>Constants are ordered from best to worst, so the roll-up of a file and its members is the worst of them ({@link
 * #worst(ScanStatus)}), except that {@link #SKIPPED} members make their parent {@link #PARTIAL}.
 *
 * @since 0.1
 */
public enum ScanStatus {
  /** Every byte that a loader would interpret was analysed. */
  COMPLETE,
  /** Analysed, but some part was not: a limit was reached, a member was skipped, the content broke off. */
  PARTIAL,
  /** The scanner could not analyse the content (a parse error before anything useful, or a scanner crash). */
  FAILED,
  /** Not analysed at all: no scanner recognised the content, or the settings excluded it. */
  SKIPPED;

  /**
   * The worse of two statuses, in declaration order.
   *
   * @param other another status
   * @return the one declared later
   */
  public ScanStatus worst(ScanStatus other) {
    return other.ordinal() > ordinal() ? other : this;
  }
}
