package dev.modelscan.api;

/**
 * The overall judgement of a scan, combining findings with how much was seen. The CLI's exit code follows it.
 *
 * @since 0.1
 */
public enum Verdict {
  /** Everything was scanned completely and no finding reached the threshold. Exit code 0. */
  CLEAN(0),
  /** At least one finding reached the severity threshold. Exit code 1. */
  UNSAFE(1),
  /**
   * Nothing reached the threshold, but some input was not fully scanned: a file failed (unreadable, missing, out of
   * memory) or is partial, or a file was skipped beside model content. Exit code 2.
   */
  INCOMPLETE(2),
  /**
   * No model content was found at all: nothing given, or every file was skipped, empty or plain text, and none failed.
   * Exit code 3.
   */
  NOTHING_SCANNED(3);

  private final int exitCode;

  Verdict(int exitCode) {
    this.exitCode = exitCode;
  }

  /**
   * The process exit code the CLI uses for this verdict (4 is reserved for usage errors).
   *
   * @return the exit code
   */
  public int exitCode() {
    return exitCode;
  }
}
