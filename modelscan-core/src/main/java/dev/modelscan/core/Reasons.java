package dev.modelscan.core;

/** Status reasons and failure descriptions: bounded, because they quote attacker-controlled text. */
final class Reasons {

  private Reasons() {}

  /** The class and message of a throwable, bounded: messages of exceptions can quote attacker-controlled text. */
  static String describe(Throwable e) {
    String what = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    return what.length() <= 300 ? what : what.substring(0, 297) + "...";
  }

  /** Two reasons as one; an empty or repeated one adds nothing. */
  static String join(String a, String b) {
    if (a.isEmpty()) {
      return b;
    }
    if (b.isEmpty() || a.equals(b)) {
      return a;
    }
    return a + "; " + b;
  }
}
