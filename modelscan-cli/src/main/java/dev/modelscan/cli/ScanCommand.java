package dev.modelscan.cli;

import dev.modelscan.core.ScannerRegistry;
import dev.modelscan.core.options.ScanOptions;
import dev.modelscan.core.report.ReportFormat;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code modelscan scan [options] PATH...} as picocli reads it: the source of help, and of every usage message for a
 * command line that {@link ScanArgumentParser} leaves to picocli. The run itself is {@link ScanRun}.
 */
@Command(
    name = "scan",
    mixinStandardHelpOptions = true,
    versionProvider = RootCommand.VersionProvider.class,
    description = "Scan files and directories (recursively) for hostile content.",
    sortOptions = false,
    footer = {
      "",
      "Sizes: digits with an optional K, M, G or T (powers of 1024; 512K, 2GiB).",
      "Durations: digits with ms, s, m or h (250ms, 30s, 5m, 1h), or ISO-8601 (PT30S).",
      "Exit codes: 0 clean; 1 findings at or above the threshold;",
      "2 some input not fully scanned (partial, failed, unreadable), or the report could not be written;",
      "3 no model content found; 4 usage error (nothing was scanned)."
    })
final class ScanCommand implements Callable<Integer> {

  @Spec CommandLine.Model.CommandSpec spec;

  @Parameters(arity = "0..*", paramLabel = "PATH",
      description = "Files or directories to scan; - reads a model from standard input.")
  List<Path> paths = new ArrayList<>();

  @Option(
      names = {"-f", "--format"},
      paramLabel = "FORMAT",
      description = "Report format: text, json or sarif (default: from the --output file's extension, .sarif, .json"
          + " or .txt; else text).",
      converter = FormatConverter.class)
  ReportFormat format;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      description = "Write the report to FILE instead of standard output.")
  Path output;

  @Option(
      names = {"-t", "--severity-threshold"},
      paramLabel = "SEVERITY",
      description = "Findings at or above this severity fail the scan (exit 1): LOW, MEDIUM, HIGH, CRITICAL"
          + " (default: ${DEFAULT-VALUE}).",
      defaultValue = "MEDIUM")
  String threshold;

  @Option(
      names = {"-m", "--mode"},
      paramLabel = "MODE",
      description = "quick: only known-dangerous content; thorough: also unknown references (default: ${DEFAULT-VALUE}).",
      defaultValue = "thorough")
  String mode;

  @Option(names = "--max-file-size", paramLabel = "SIZE", description = "Skip files larger than SIZE.")
  String maxFileSize;

  @Option(names = "--max-nesting-depth", paramLabel = "N", description = "Levels of nested content followed.")
  String maxNestingDepth;

  @Option(names = "--max-archive-members", paramLabel = "N", description = "Members scanned per archive.")
  String maxArchiveMembers;

  @Option(names = "--max-member-bytes", paramLabel = "SIZE", description = "Decompressed bytes per member.")
  String maxMemberBytes;

  @Option(names = "--max-total-decompressed-bytes", paramLabel = "SIZE",
      description = "Decompressed bytes per input file.")
  String maxTotalDecompressedBytes;

  @Option(names = "--max-compression-ratio", paramLabel = "N", description = "Largest decompression ratio.")
  String maxCompressionRatio;

  @Option(names = "--max-header-bytes", paramLabel = "SIZE", description = "Largest format header read.")
  String maxHeaderBytes;

  @Option(names = "--max-string-bytes", paramLabel = "SIZE", description = "Largest string read into memory.")
  String maxStringBytes;

  @Option(names = "--max-json-depth", paramLabel = "N", description = "Deepest JSON nesting.")
  String maxJsonDepth;

  @Option(names = "--max-pickle-stack-size", paramLabel = "N",
      description = "Largest simulated pickle stack (default: from the heap, at most 1000000).")
  String maxPickleStackSize;

  @Option(names = "--max-pickle-memo-size", paramLabel = "SIZE",
      description = "Largest simulated pickle memo, in bytes of its compact form (default: 256M, at most 5/8 of the"
          + " heap).")
  String maxPickleMemoSize;

  @Option(names = "--max-pickle-opcodes", paramLabel = "N", description = "Opcodes interpreted per pickle.")
  String maxPickleOpcodes;

  @Option(names = "--max-hdf5-objects", paramLabel = "N", description = "Groups and datasets walked per HDF5 file.")
  String maxHdf5Objects;

  @Option(names = "--scan-timeout", paramLabel = "DURATION", description = "Deadline per input file.")
  String scanTimeout;

  @Option(names = "--allow-global", paramLabel = "MODULE.NAME",
      description = "Treat this Python global as safe (repeatable; never overrides the always-dangerous list).")
  List<String> allowGlobals = new ArrayList<>();

  @Option(names = "--deny-global", paramLabel = "MODULE.NAME",
      description = "Treat this Python global as dangerous (repeatable).")
  List<String> denyGlobals = new ArrayList<>();

  @Option(names = "--unknown-global-severity", paramLabel = "SEVERITY",
      description = "Severity of globals that are neither known safe nor known dangerous (default: MEDIUM).")
  String unknownGlobalSeverity;

  @Option(names = "--include", paramLabel = "GLOB",
      description = "In directories, scan only files matching GLOB (gitignore-style, ** spans directories;"
          + " repeatable). Files left out are listed as excluded.")
  List<String> includes = new ArrayList<>();

  @Option(names = "--exclude", paramLabel = "GLOB",
      description = "In directories, do not scan files or directories matching GLOB (gitignore-style; repeatable)."
          + " They are listed as excluded in the verbose and JSON reports.")
  List<String> excludes = new ArrayList<>();

  @Option(names = "--follow-dir-links",
      description = "Walk symbolic links to directories (loops are detected). Links to files are always followed.")
  boolean followDirLinks;

  @Option(names = {"-j", "--threads"}, paramLabel = "N", description = "Files scanned at once (default: cores).")
  Integer threads;

  @Option(names = {"-v", "--verbose"}, description = "Text report: also list clean files and nested members.")
  boolean verbose;

  @Option(names = {"-q", "--quiet"},
      description = "Print only the counts and the verdict (with --output, the file still gets the full report).")
  boolean quiet;

  @Option(names = "--color", negatable = true, description = "Colour the text report (default: on a terminal).")
  Boolean color;

  @Option(names = "--progress", negatable = true,
      description = "Show progress on standard error (default: on a terminal).")
  Boolean progress;

  @Option(names = "--baseline", paramLabel = "REPORT.json",
      description = "A JSON report of an earlier scan: findings it already has (same file content, rule and entry)"
          + " are shown as baselined and do not fail the scan; new findings still do.")
  Path baseline;

  @Option(names = "--sarif-root", paramLabel = "DIR",
      description = "SARIF artifact URIs are relative to DIR, the %%SRCROOT%% base (default: the current folder).")
  Path sarifRoot;

  @Option(names = "--list-scanners",
      description = "List the scanners found, with versions, formats and where each came from, and exit.")
  boolean listScanners;

  @CommandLine.Mixin PluginOptions pluginOptions;

  @CommandLine.Mixin ConfigOptions configOptions;

  @Override
  public Integer call() {
    CommandLine cl = spec.commandLine();
    if (listScanners) {
      return RootCommand.listScanners(cl, pluginOptions);
    }
    ScanRun run;
    try {
      run = ScanRun.prepare(arguments());
    } catch (UsageException e) {
      throw new CommandLine.ParameterException(cl, e.getMessage(), e);
    }
    try (run) {
      return run.execute(cl.getOut(), cl.getErr());
    }
  }

  /**
   * What picocli parsed, as the run reads it. The single-valued options the engine checks are taken from picocli's
   * model in declaration order, so a new {@code String} option reaches the option layer without a line here.
   *
   * @return the arguments
   */
  ScanArguments arguments() {
    Map<String, String> values = new LinkedHashMap<>();
    for (OptionSpec o : spec.options()) {
      if (o.type() == String.class && !o.isMultiValue() && o.getValue() != null) {
        values.put(o.longestName().substring(2), o.getValue());
      }
    }
    return new ScanArguments(paths, format, output, values, allowGlobals, denyGlobals, includes, excludes,
        followDirLinks, threads, verbose, quiet, color, progress, baseline, sarifRoot, pluginOptions.pluginPath,
        configOptions.loaded());
  }

  /**
   * The options as the shared layer reads them (see {@link ScanRun#options}).
   *
   * @param cl this command's command line
   * @param registry the scanners
   * @return the options
   * @throws CommandLine.ParameterException naming the option when a value is refused
   */
  ScanOptions options(CommandLine cl, ScannerRegistry registry) {
    try {
      return ScanRun.options(arguments(), registry);
    } catch (UsageException e) {
      throw new CommandLine.ParameterException(cl, e.getMessage(), e);
    }
  }

  /** Parses {@code text}, {@code json}, {@code sarif}. */
  static final class FormatConverter implements CommandLine.ITypeConverter<ReportFormat> {
    @Override
    public ReportFormat convert(String value) {
      try {
        return ReportFormat.parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }
}
