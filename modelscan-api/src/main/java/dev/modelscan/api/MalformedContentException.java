package dev.modelscan.api;

/**
 * Thrown by a scanner when content breaks its format's rules so that analysis cannot go on.
 *
 * <p>When it escapes a scanner, the scan context keeps every finding reported before it, sets the status to {@link
 * ScanStatus#PARTIAL} if anything was analysed and {@link ScanStatus#FAILED} otherwise, and reports a malformed-content
 * finding at the offset.
 *
 * @since 0.1
 */
public class MalformedContentException extends ModelScanException {
  private static final long serialVersionUID = 1L;

  /** Byte offset of the problem, or -1 when unknown. */
  private final long offset;

  /**
   * Creates the exception.
   *
   * @param offset the byte offset of the problem in the scanned content, or -1 when unknown (any negative value is
   *     taken as unknown)
   * @param message what is wrong, for a person
   */
  public MalformedContentException(long offset, String message) {
    super(message);
    this.offset = normalize(offset);
  }

  /**
   * Creates the exception with a cause.
   *
   * @param offset the byte offset of the problem in the scanned content, or -1 when unknown
   * @param message what is wrong, for a person
   * @param cause the underlying problem
   */
  public MalformedContentException(long offset, String message, Throwable cause) {
    super(message, cause);
    this.offset = normalize(offset);
  }

  /**
   * Hostile content makes offsets computed from its own fields negative (a table that points before the buffer); such
   * an offset is unknown, not an error of its own.
   */
  private static long normalize(long offset) {
    return offset < 0 ? -1 : offset;
  }

  /**
   * Where the problem is.
   *
   * @return byte offset in the scanned content, or -1 when unknown
   */
  public long offset() {
    return offset;
  }
}
