package dev.modelscan.api;

/**
 * The root of the exceptions modelscan throws. Unchecked, so that scanners can use it from lambdas and streams.
 *
 * @since 0.1
 */
public class ModelScanException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what went wrong
   */
  public ModelScanException(String message) {
    super(message);
  }

  /**
   * Creates the exception with a cause.
   *
   * @param message what went wrong
   * @param cause the underlying problem
   */
  public ModelScanException(String message, Throwable cause) {
    super(message, cause);
  }
}
