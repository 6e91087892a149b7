package dev.modelscan.cli;

/**
 * A usage error found before anything was scanned: a bad option value, an output folder that does not exist, an
 * unreadable baseline. The command prints the message and the help hint and exits with {@link Main#EXIT_USAGE}.
 */
final class UsageException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message);
  }

  UsageException(String message, Throwable cause) {
    super(message, cause);
  }
}
