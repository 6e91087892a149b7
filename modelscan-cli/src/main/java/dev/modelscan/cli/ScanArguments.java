package dev.modelscan.cli;

import dev.modelscan.core.options.ConfigFile;
import dev.modelscan.core.report.ReportFormat;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What {@code modelscan scan} was asked to do, parsed but not yet checked: the same values whether picocli read them
 * ({@link ScanCommand}) or the table-driven parser did ({@link ScanArgumentParser}), so that both runs go through one
 * {@link ScanRun}, and a test can compare the two parsers value by value.
 *
 * @param paths the files and folders, {@code -} for standard input
 * @param format {@code --format}, or null
 * @param output {@code --output}, or null
 * @param values the single-valued options the engine's option layer checks ({@code severity-threshold}, {@code mode},
 *     the limits, {@code scan-timeout}, {@code unknown-global-severity}), keyed by long name without dashes, in the
 *     order of the help; defaults included
 * @param allowGlobals {@code --allow-global}, in the order given
 * @param denyGlobals {@code --deny-global}
 * @param includes {@code --include}
 * @param excludes {@code --exclude}
 * @param followDirLinks {@code --follow-dir-links}
 * @param threads {@code -j}, or null
 * @param verbose {@code -v}
 * @param quiet {@code -q}
 * @param color {@code --color}/{@code --no-color}, or null
 * @param progress {@code --progress}/{@code --no-progress}, or null
 * @param baseline {@code --baseline}, or null
 * @param sarifRoot {@code --sarif-root}, or null
 * @param pluginPath {@code --plugin-path}
 * @param config the configuration file read for this run, or null
 */
record ScanArguments(
    List<Path> paths,
    ReportFormat format,
    Path output,
    Map<String, String> values,
    List<String> allowGlobals,
    List<String> denyGlobals,
    List<String> includes,
    List<String> excludes,
    boolean followDirLinks,
    Integer threads,
    boolean verbose,
    boolean quiet,
    Boolean color,
    Boolean progress,
    Path baseline,
    Path sarifRoot,
    List<Path> pluginPath,
    ConfigFile config) {

  ScanArguments {
    paths = List.copyOf(paths);
    values = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(values));
    allowGlobals = List.copyOf(allowGlobals);
    denyGlobals = List.copyOf(denyGlobals);
    includes = List.copyOf(includes);
    excludes = List.copyOf(excludes);
    pluginPath = List.copyOf(pluginPath);
  }
}
