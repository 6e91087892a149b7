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
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /**
   * Runs the command without exiting, for tests and embedding.
   *
   * @param args command-line arguments
   * @param out standard output
   * @param err standard error
   * @return the exit code: 0 clean, 1 findings at or above the threshold, 2 incomplete scan, 3 nothing scanned, 4
   *     usage error
   */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new RootCommand());
    cl.setOut(out);
    cl.setErr(err);
    cl.setParameterExceptionHandler(
        (ex, a) -> {
          ex.getCommandLine().getErr().println("modelscan: " + ex.getMessage());
          ex.getCommandLine().usage(ex.getCommandLine().getErr());
          return EXIT_USAGE;
        });
    cl.setExecutionExceptionHandler(
        (ex, c, parsed) -> {
          c.getErr().println("modelscan: " + ex);
          return ScanCommand.EXIT_SCAN_ERROR;
        });
    return cl.execute(args);
  }
}
