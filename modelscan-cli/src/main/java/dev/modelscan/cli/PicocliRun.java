package dev.modelscan.cli;

import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * Runs a command line through picocli: help, version, {@code --list-scanners}, {@code config init}, and every {@code
 * scan} command line that {@link ScanArgumentParser} leaves to it, with picocli's messages for what is wrong.
 */
final class PicocliRun {

  private PicocliRun() {}

  /**
   * Runs the command.
   *
   * @param args the command line
   * @param out standard output
   * @param err standard error
   * @return the exit code
   */
  static int run(String[] args, PrintWriter out, PrintWriter err) {
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
      Main.announce(err, expanded.file().path());
    }
    cl.setParameterExceptionHandler(
        (ex, a) ->
            UsageErrors.print(
                ex.getCommandLine().getErr(), ex.getCommandLine().getCommandSpec().qualifiedName(), ex.getMessage()));
    cl.setExecutionExceptionHandler(
        (ex, c, parsed) -> {
          c.getErr().println("modelscan: " + ex);
          return ScanRun.EXIT_SCAN_ERROR;
        });
    try {
      return cl.execute(expanded.args());
    } catch (OutOfMemoryError | StackOverflowError | InternalError e) {
      return Main.outOfResources(err, e); // picocli hands errors through
    }
  }
}
