package dev.modelscan.cli;

import java.io.PrintWriter;

/**
 * Entry point of the {@code modelscan} command.
 *
 * @since 0.1
 */
public final class Main {

  /** Exit code for a usage error (unknown option, bad value, no path). */
  public static final int EXIT_USAGE = 4;

  private Main() {}

  /**
   * Runs the command and exits with its exit code.
   *
   * @param args command-line arguments
   */
  public static void main(String[] args) {
    StartupWarmup.start();
    // Standard output straight to the file descriptor, not through System.out: a PrintStream swallows write errors
    // (a closed pipe, a full disk behind a redirect), so the PrintWriter over it could never report them.
    PrintWriter out =
        new PrintWriter(
            new java.io.OutputStreamWriter(
                new java.io.FileOutputStream(java.io.FileDescriptor.out), java.nio.charset.Charset.defaultCharset()),
            true);
    System.exit(run(args, out, new PrintWriter(System.err, true)));
  }

  /**
   * Runs the command without exiting, for tests and embedding.
   *
   * @param args command-line arguments
   * @param out standard output
   * @param err standard error
   * @return the exit code: 0 clean, 1 findings at or above the threshold, 2 incomplete scan (a file partial or
   *     failed, the process out of memory, or the report not written), 3 no model content found, 4 usage error
   */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    // The common scan is read and run without picocli (see ScanArgumentParser: a third of a small scan's start-up).
    // Anything it does not read exactly as picocli would, and any usage error, goes to picocli's path, which prints
    // the same messages as ever; nothing has been printed or scanned by then.
    ScanArgumentParser.Prepared quick = ScanArgumentParser.prepare(args);
    if (quick != null) {
      ScanRun prepared = null;
      try {
        prepared = ScanRun.prepare(quick.arguments());
      } catch (RuntimeException e) {
        // A usage error, or anything else that broke before the first byte was scanned: picocli's path below runs the
        // command again and reports it as it always has (exit 4, or 2 with the exception), never as an uncaught
        // exception whose exit code 1 would read as "findings".
      } catch (OutOfMemoryError | StackOverflowError | InternalError e) {
        return outOfResources(err, e);
      }
      if (prepared != null) {
        try (ScanRun run = prepared) {
          if (quick.discovered()) {
            announce(err, quick.arguments().config().path());
          }
          return run.execute(out, err);
        } catch (OutOfMemoryError | StackOverflowError | InternalError e) {
          return outOfResources(err, e);
        } catch (RuntimeException e) {
          err.println("modelscan: " + e);
          return ScanRun.EXIT_SCAN_ERROR;
        }
      }
    }
    return PicocliRun.run(args, out, err);
  }

  /**
   * Says that a configuration file found in the current folder was read. A folder being scanned can carry its own
   * modelscan.toml (a raised threshold, suppressions, exclusions) when the scan runs from inside it: settings nobody
   * passed must never act unseen.
   *
   * @param err standard error
   * @param file the file read
   */
  static void announce(PrintWriter err, java.nio.file.Path file) {
    err.println(
        "modelscan: options read from " + file.toAbsolutePath().normalize()
            + " (found in the current folder; --no-config ignores it)");
  }

  /**
   * Reports an error of the whole process. Left alone, the JVM would exit 1, which reads as "findings": an
   * out-of-memory of the whole process is "not fully scanned" (2), with a message that says how to give it room.
   *
   * @param err standard error
   * @param e the error
   * @return {@link ScanRun#EXIT_SCAN_ERROR}
   */
  static int outOfResources(PrintWriter err, Throwable e) {
    try {
      err.println("modelscan: the scan ran out of resources (" + e + "); nothing is known to be clean."
          + (e instanceof OutOfMemoryError ? " Give the JVM more heap (MODELSCAN_JAVA_OPTS=-Xmx...)." : ""));
      err.flush();
    } catch (Throwable ignored) {
      // even the message may not fit; the exit code still says it
    }
    return ScanRun.EXIT_SCAN_ERROR;
  }
}
