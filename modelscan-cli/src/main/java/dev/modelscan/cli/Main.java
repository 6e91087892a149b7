package dev.modelscan.cli;

import java.io.PrintWriter;
import picocli.CommandLine;

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
    CommandLine cl = new CommandLine(new RootCommand());
    ConfigArguments.Expanded expanded;
    try {
      expanded = ConfigArguments.expand(cl, args);
    } catch (IllegalArgumentException e) {
      return UsageErrors.print(err, "modelscan scan", e.getMessage());
    }
    cl.setOut(out);
    cl.setErr(err);
    ScanCommand scan = cl.getSubcommands().get("scan").getCommand();
    scan.configOptions.loaded = expanded.file();
    if (expanded.discovered()) {
      // A folder being scanned can carry its own modelscan.toml (a raised threshold, suppressions, exclusions) when
      // the scan runs from inside it: say that one was read, so that settings nobody passed never act unseen.
      err.println(
          "modelscan: options read from " + expanded.file().path().toAbsolutePath().normalize()
              + " (found in the current folder; --no-config ignores it)");
    }
    cl.setParameterExceptionHandler(
        (ex, a) ->
            UsageErrors.print(
                ex.getCommandLine().getErr(), ex.getCommandLine().getCommandSpec().qualifiedName(), ex.getMessage()));
    cl.setExecutionExceptionHandler(
        (ex, c, parsed) -> {
          c.getErr().println("modelscan: " + ex);
          return ScanCommand.EXIT_SCAN_ERROR;
        });
    try {
      return cl.execute(expanded.args());
    } catch (OutOfMemoryError | StackOverflowError | InternalError e) {
      // picocli hands errors through. Left alone, the JVM would exit 1, which reads as "findings": an out-of-memory of
      // the whole process is "not fully scanned" (2), with a message that says how to give it room.
      try {
        err.println("modelscan: the scan ran out of resources (" + e + "); nothing is known to be clean."
            + (e instanceof OutOfMemoryError ? " Give the JVM more heap (MODELSCAN_JAVA_OPTS=-Xmx...)." : ""));
        err.flush();
      } catch (Throwable ignored) {
        // even the message may not fit; the exit code still says it
      }
      return ScanCommand.EXIT_SCAN_ERROR;
    }
  }
}
