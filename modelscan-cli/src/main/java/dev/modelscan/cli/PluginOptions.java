package dev.modelscan.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --plugin-path}, shared by {@code modelscan} (for {@code --list-scanners}) and {@code modelscan scan}. */
final class PluginOptions {

  @Option(
      names = "--plugin-path",
      paramLabel = "PATH",
      description = "Load third-party scanners from this jar, or from every jar in this folder (repeatable). Also read:"
          + " the " + PluginPath.ENV + " environment variable and the plugins/ folder of the installation.")
  List<Path> pluginPath = new ArrayList<>();

  /**
   * The plugin path of this run.
   *
   * @return the plugins; close after the scan
   * @throws IllegalArgumentException when an entry does not exist
   */
  PluginPath load() {
    return PluginPath.forProcess(pluginPath);
  }
}
