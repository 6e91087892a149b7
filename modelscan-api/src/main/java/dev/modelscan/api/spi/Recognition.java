package dev.modelscan.api.spi;

import java.util.Objects;

/**
 * A scanner's claim on some content: which format it thinks the bytes are and how sure it is.
 *
 * <p>The claim with the highest confidence wins; ties go to the scanner whose name sorts first, and are reported. Use
 * the constants so that claims from different scanners compare meaningfully.
 *
 * @param format the format id, lower case (such as {@code "pickle"}), empty when not recognised
 * @param confidence 0 (not recognised) to 100 (certain)
 * @since 0.1
 */
public record Recognition(String format, int confidence) {

  /** Magic bytes and a structural check agree: nothing else could be this. */
  public static final int CERTAIN = 100;

  /** Magic bytes match (or a structural check passes) but another reading is conceivable. */
  public static final int STRONG = 80;

  /** Heuristics match (a plausible opcode sequence, a known layout without magic). */
  public static final int PROBABLE = 50;

  /** Only weak evidence, such as a name hint with content that does not contradict it. */
  public static final int WEAK = 20;

  private static final Recognition NONE = new Recognition("", 0);

  /**
   * Validates the components.
   *
   * @param format format id, not null; empty exactly when confidence is 0
   * @param confidence 0 to 100
   */
  public Recognition {
    Objects.requireNonNull(format, "format");
    if (confidence < 0 || confidence > CERTAIN) {
      throw new IllegalArgumentException("confidence must be within 0..100: " + confidence);
    }
    if (format.isEmpty() != (confidence == 0)) {
      throw new IllegalArgumentException("a format goes with a positive confidence, and only then");
    }
  }

  /**
   * The claim of a scanner that does not recognise the content.
   *
   * @return the shared "not recognised" value
   */
  public static Recognition none() {
    return NONE;
  }

  /**
   * A claim.
   *
   * @param format format id, not empty
   * @param confidence 1 to 100
   * @return the claim
   */
  public static Recognition of(String format, int confidence) {
    return new Recognition(format, confidence);
  }

  /**
   * Whether this is a claim at all.
   *
   * @return true when the confidence is positive
   */
  public boolean recognised() {
    return confidence > 0;
  }
}
