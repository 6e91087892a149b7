package dev.modelscan.robustness;

import dev.modelscan.api.Finding;
import dev.modelscan.api.StandardRules;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Scanner crashes found by this module in other modules and not yet fixed there. Each has a disabled regression test
 * in {@code fuzz/KnownBugRegressionTest} with its input; while it is open, the properties tolerate exactly that
 * crash (scanner name and message pattern), so that they keep searching for new ones instead of failing on the known
 * one every few runs. The engine already contains each (the result is FAILED, never clean). Remove an entry when its
 * module is fixed.
 */
public final class KnownBugs {

  /** A known crash: which scanner, what its scanner-error message looks like, and where it is described. */
  record Bug(String scanner, Pattern message, String regressionTest) {}

  /** Every bug this module found has been fixed; add an entry here when a new one is found and not yet fixed. */
  static final List<Bug> OPEN = List.of();

  private KnownBugs() {}

  /**
   * Whether a finding is the scanner-error finding of a known, open bug.
   *
   * @param f the finding
   * @return true when it matches an open bug
   */
  public static boolean isKnown(Finding f) {
    if (!f.ruleId().equals(StandardRules.SCANNER_ERROR.id())) {
      return false;
    }
    return OPEN.stream().anyMatch(b -> b.scanner().equals(f.scanner()) && b.message().matcher(f.message()).matches());
  }
}
