package dev.modelscan.api;

import java.util.Locale;

/**
 * How bad a finding is, from the point of view of someone about to load the model.
 *
 * <p>Constants are declared from most to least severe, so {@link #compareTo} orders CRITICAL first; use {@link
 * #isAtLeast(Severity)} instead of comparing ordinals by hand.
 *
 * @since 0.1
 */
public enum Severity {
  /** Loading the file runs attacker-chosen code or commands (for example {@code os.system} in a pickle). */
  CRITICAL,
  /** Loading the file very likely runs code or reaches outside the process (file, network, nested loader). */
  HIGH,
  /** Something a loader would act on that is not known to be safe, or a format violation that hides content. */
  MEDIUM,
  /** Worth knowing, not a reason on its own to reject the file (a limit reached, an oddity in the layout). */
  LOW;

  /**
   * Whether this severity is the same as or worse than {@code threshold}.
   *
   * @param threshold the severity to compare with; not null
   * @return true when this is at least as severe as {@code threshold}
   */
  public boolean isAtLeast(Severity threshold) {
    return ordinal() <= threshold.ordinal();
  }

  /**
   * Parses a severity name case-insensitively ({@code "high"}, {@code "HIGH"}).
   *
   * @param text the name
   * @return the severity
   * @throws IllegalArgumentException if the text names no severity
   */
  public static Severity parse(String text) {
    return valueOf(text.trim().toUpperCase(Locale.ROOT));
  }
}
