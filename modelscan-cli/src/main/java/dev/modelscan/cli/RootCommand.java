package dev.modelscan.cli;

import dev.modelscan.core.ModelScan;
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
    subcommands = {ScanCommand.class, ConfigCommand.class},
    footer = {
      "",
      "Exit codes: 0 clean; 1 findings at or above the threshold;",
      "2 some input not fully scanned, or the report not written; 3 no model content found; 4 usage error."
    })
final class RootCommand implements Callable<Integer> {

  @Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--list-scanners",
      description = "List the scanners found, with versions, formats and where each came from, and exit.")
  boolean listScanners;

  @CommandLine.Mixin PluginOptions plugins;

  @Override
  public Integer call() {
    if (listScanners) {
      return listScanners(spec.commandLine(), plugins);
    }
    spec.commandLine().usage(spec.commandLine().getErr());
    return Main.EXIT_USAGE;
  }

  static int listScanners(CommandLine cl, PluginOptions pluginOptions) {
    PluginPath plugins;
    try {
      plugins = pluginOptions.load();
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(cl, e.getMessage(), e);
    }
    try (plugins) {
      ScannerList.print(plugins.registry(), plugins, cl.getOut(), cl.getErr());
    }
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
