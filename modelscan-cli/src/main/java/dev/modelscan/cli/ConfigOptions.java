package dev.modelscan.cli;

import dev.modelscan.core.options.ConfigFile;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --config FILE} and {@code --no-config} of {@code modelscan scan}. The file itself is applied before the
 * command line is parsed ({@link ConfigArguments}); the one read is kept here for the scan.
 */
final class ConfigOptions {

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Read options from this TOML file (default: " + ConfigFile.FILE_NAME + " in the current folder,"
          + " when there is one). Flags given on the command line override it.")
  Path config;

  @Option(names = "--no-config", description = "Read no configuration file, not even ./" + ConfigFile.FILE_NAME + ".")
  boolean noConfig;

  /** The configuration file this run read, or null. Set before the command runs. */
  ConfigFile loaded;

  /**
   * The configuration file this run read, with its suppressions.
   *
   * @return the file, or null when none was read
   */
  ConfigFile loaded() {
    return loaded;
  }
}
