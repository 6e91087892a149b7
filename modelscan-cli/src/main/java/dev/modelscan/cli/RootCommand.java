package dev.modelscan.cli;

import dev.modelscan.core.ModelScan;
import dev.modelscan.core.ScannerRegistry;
import dev.modelscan.api.spi.ScannerDescriptor;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code modelscan}: the root command; does nothing but list scanners, print its version or help. */
@Command(
    name = "modelscan",
    mixinStandardHelpOptions = true,
    versionProvider = RootCommand.VersionProvider.class,
    description = "Statically scans machine-learning model files for hidden code and hostile content.",
    subcommands = {ScanCommand.class},
    footer = {
      "",
      "Exit codes: 0 clean; 1 findings at or above the threshold;",
      "2 some input not fully scanned, or the report not written; 3 no model content found; 4 usage error."
    })
final class RootCommand implements Callable<Integer> {

  @Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--list-scanners", description = "List the scanners found, with versions and formats, and exit.")
  boolean listScanners;

  @Override
  public Integer call() {
    if (listScanners) {
      return listScanners(spec.commandLine());
    }
    spec.commandLine().usage(spec.commandLine().getErr());
    return Main.EXIT_USAGE;
  }

  static int listScanners(CommandLine cl) {
    ScannerRegistry registry = ScannerRegistry.loadDefault();
    var out = cl.getOut();
    out.printf("%-16s %-8s %-40s %s%n", "SCANNER", "VERSION", "FORMATS", "EXTENSIONS");
    for (ScannerDescriptor d : registry.descriptors()) {
      out.printf(
          "%-16s %-8s %-40s %s%n",
          d.name(), d.version(), String.join(",", d.formats()), String.join(",", d.extensions()));
    }
    for (String p : registry.problems()) {
      cl.getErr().println("warning: " + p);
    }
    out.flush();
    return 0;
  }

  /** Prints the modelscan version. */
  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"modelscan " + ModelScan.version()};
    }
  }
}
