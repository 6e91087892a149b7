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
    int code;
    try {
      code = run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
    } catch (Throwable e) {
      // Nothing may leave main as an exception: the JVM would exit 1, which reads as "findings".
      System.err.println("modelscan: " + e);
      code = ScanCommand.EXIT_SCAN_ERROR;
    }
    System.exit(code);
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
    try {
      return cl.execute(args);
    } catch (OutOfMemoryError e) {
      // Files whose scans run out of memory are failed one by one; this is the whole process running out (while
      // collecting inputs or writing the report). Uncaught it would end the JVM with exit 1, which reads as "findings
      // found", and with no word on what happened.
      err.println(
          "modelscan: out of memory ("
              + e.getMessage()
              + "); the scan did not finish and no verdict was reached. Give Java more heap, for example"
              + " MODELSCAN_JAVA_OPTS=-Xmx4g, or scan fewer files at once (-j).");
      err.flush();
      return ScanCommand.EXIT_SCAN_ERROR;
    } catch (Error e) {
      // Picocli hands only exceptions to the execution exception handler; an Error gets here, and is a broken scan.
      err.println("modelscan: the scan broke down (" + e + "); no verdict was reached.");
      err.flush();
      return ScanCommand.EXIT_SCAN_ERROR;
    }
  }
}
