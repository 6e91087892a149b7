package dev.modelscan.cli;

import dev.modelscan.api.FileResult;
import dev.modelscan.api.ScanReport;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.core.ModelScan;
import dev.modelscan.core.ScannerRegistry;
import dev.modelscan.core.options.ConfigFile;
import dev.modelscan.core.options.OptionException;
import dev.modelscan.core.options.ScanOptions;
import dev.modelscan.core.report.Baseline;
import dev.modelscan.core.report.ReportFormat;
import dev.modelscan.core.report.ReportPolicy;
import dev.modelscan.core.report.ReportWriter;
import dev.modelscan.core.report.TextReportWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code modelscan scan [options] PATH...}. */
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

  /**
   * Exit code when the scan itself broke down, or when its report could not be written and no finding reached the
   * threshold.
   */
  static final int EXIT_SCAN_ERROR = 2;

  /** The argument that means standard input. */
  static final String STDIN_ARGUMENT = "-";

  /** The name standard input is reported under. */
  static final String STDIN_NAME = "<stdin>";

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
    if (paths.isEmpty()) {
      throw new CommandLine.ParameterException(cl, "Missing required parameter: PATH");
    }
    // Every option is checked before the first byte is scanned: a usage error is exit 4 and never a half-done scan.
    ScannerRegistry registry = ScannerRegistry.loadDefault();
    ScanOptions options = options(cl, registry);
    ScanSettings settings = options.settings();
    ReportPolicy policy = options.reportPolicy();
    ModelScan.Builder builder = ModelScan.builder().settings(settings).reportPolicy(policy);
    try {
      AllowGlobals.checkNames(allowGlobals);
      if (threads != null) {
        if (threads < 1) {
          throw new IllegalArgumentException("-j/--threads must be at least 1, was " + threads);
        }
        builder.parallelism(threads);
      }
      builder.walkOptions(options.walkOptions());
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(cl, e.getMessage(), e);
    }
    if (output != null) {
      checkOutput(cl, output);
    }
    if (quiet && output == null && ReportChoice.format(format, null) != ReportFormat.TEXT) {
      throw new CommandLine.ParameterException(
          cl, "--quiet prints a text summary; with --format " + format + " give --output FILE for the report");
    }
    // Known findings (--baseline) and accepted risks ([[suppress]] in the configuration file) stay in the report,
    // marked with their reason, and no longer decide the verdict.
    ReportPolicy.Builder policyBuilder = policy.rebuild();
    ConfigFile config = configOptions.loaded();
    if (config != null) {
      policyBuilder.suppress(config.suppressions());
    }
    if (baseline != null) {
      try {
        policyBuilder.baseline(Baseline.read(baseline));
      } catch (IOException | RuntimeException e) {
        throw new CommandLine.ParameterException(cl, "--baseline " + baseline + ": " + e.getMessage(), e);
      }
    }
    policy = policyBuilder.build();
    PluginPath plugins;
    try {
      plugins = pluginOptions.load();
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(cl, e.getMessage(), e);
    }
    try (plugins) {
      return scan(cl, builder, settings, policy, plugins.registry());
    }
  }

  private int scan(
      CommandLine cl, ModelScan.Builder builder, ScanSettings settings, ReportPolicy policy, ScannerRegistry registry) {
    for (String p : registry.problems()) {
      cl.getErr().println("warning: " + p);
    }
    for (String w : AllowGlobals.warnings(settings, allowGlobals, registry)) {
      cl.getErr().println("warning: " + w);
    }
    boolean terminal = System.console() != null;
    builder.registry(registry);
    ProgressLine progressLine = null;
    if (progress != null ? progress : terminal) {
      progressLine = new ProgressLine(cl.getErr());
      builder.listener(progressLine);
    }
    ScanReport report = policy.apply(scanPaths(cl, builder.build(), policy));
    if (progressLine != null) {
      progressLine.clear();
    }
    boolean useColour = ReportChoice.colour(color, terminal, output != null, System.getenv());
    ReportWriter writer = writer(registry, useColour);
    int verdictCode = policy.exitCode(report);
    String problem = output != null ? writeFile(writer, report, output) : writeStdout(writer, report, cl.getOut());
    if (problem == null && quiet && output != null) {
      problem = writeStdout(TextReportWriter.summaryOnly(), report, cl.getOut());
    }
    if (problem != null) {
      // The verdict must not change silently because its report is missing: findings still fail (1); anything else
      // becomes "not fully done" (2), never the 0 that a CI gate would read as clean without a report to show.
      cl.getErr().println("modelscan: the report could not be written: " + problem);
      return verdictCode == 1 ? 1 : EXIT_SCAN_ERROR;
    }
    return verdictCode;
  }

  /** Rejects an output path that cannot be written before anything is scanned (a typo costs no scan). */
  private static void checkOutput(CommandLine cl, Path output) {
    if (Files.isDirectory(output)) {
      throw new CommandLine.ParameterException(cl, "--output " + output + " is a directory; give a file name");
    }
    Path parent = output.toAbsolutePath().getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      throw new CommandLine.ParameterException(
          cl, "--output " + output + ": the folder " + parent + " does not exist");
    }
    if (!Files.isWritable(parent)) {
      throw new CommandLine.ParameterException(
          cl, "--output " + output + ": the folder " + parent + " is not writable");
    }
  }

  /**
   * Writes the report next to {@code output} and moves it into place in one step, so that a reader (a CI step, a
   * previous report being replaced) never sees half a report, and a failed write leaves no truncated file behind.
   *
   * @return null when written, else what went wrong
   */
  static String writeFile(ReportWriter writer, ScanReport report, Path output) {
    Path target = output.toAbsolutePath();
    Path tmp = null;
    try {
      tmp = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".tmp");
      try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        writer.write(report, w);
      }
      readable(tmp);
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      tmp = null;
      return null;
    } catch (IOException | RuntimeException e) {
      return output + ": " + e;
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // best effort: the message above already says the report is missing
        }
      }
    }
  }

  /** Temporary files are private (0600); a report gets the permissions an ordinary new file would usually have. */
  private static void readable(Path file) {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    } catch (UnsupportedOperationException | IOException ignored) {
      // not a POSIX file system: the default permissions stay
    }
  }

  /**
   * Writes the report to standard output. {@link PrintWriter} swallows I/O errors (a closed pipe, a full disk behind a
   * redirect); {@link PrintWriter#checkError()} is the only way to learn of them.
   *
   * @return null when written, else what went wrong
   */
  static String writeStdout(ReportWriter writer, ScanReport report, PrintWriter out) {
    try {
      writer.write(report, out);
    } catch (IOException | RuntimeException e) {
      return "standard output: " + e;
    }
    return out.checkError() ? "standard output: write error (closed pipe or full disk?)" : null;
  }

  /** Scans the paths, and standard input where one of them is {@value #STDIN_ARGUMENT}. */
  private ScanReport scanPaths(CommandLine cl, ModelScan scan, ReportPolicy policy) {
    List<Path> files = new ArrayList<>();
    boolean stdin = false;
    for (Path p : paths) {
      if (p.toString().equals(STDIN_ARGUMENT)) {
        if (stdin) {
          throw new CommandLine.ParameterException(cl, "standard input (-) can be given only once");
        }
        stdin = true;
      } else {
        files.add(p);
      }
    }
    return stdin ? scanWithStdin(scan, policy, files) : scan.scan(files);
  }

  /**
   * Scans standard input (reported first, as {@value #STDIN_NAME}) and then the paths. Standard input is spooled
   * under the same bounds as any stream, so a piped model is read to its end before it is judged: an empty pipe is
   * empty because it ended, not because a pipe's size is 0.
   */
  private static ScanReport scanWithStdin(ModelScan scan, ReportPolicy policy, List<Path> files) {
    long start = System.nanoTime();
    List<FileResult> results = new ArrayList<>();
    try {
      FileResult in = scan.scanStream(System.in, STDIN_NAME);
      if (in.size() == 0 && in.status() == ScanStatus.COMPLETE) {
        // `cat missing.pkl | modelscan scan -`: the producer failed and nothing came. Clean would pass the gate.
        in = new FileResult(STDIN_NAME, 0, in.format(), ScanStatus.SKIPPED,
            "standard input ended without a byte: no model was handed over", List.of(), List.of());
      }
      results.add(in);
    } catch (UncheckedIOException e) {
      results.add(
          new FileResult(STDIN_NAME, -1, "unknown", ScanStatus.FAILED,
              "could not read standard input: " + e.getCause().getMessage(), List.of(), List.of()));
    }
    if (!files.isEmpty()) {
      results.addAll(scan.scan(files).results());
    }
    return new ScanReport(
        ModelScan.version(), policy.severityThreshold(), results, Duration.ofNanos(System.nanoTime() - start));
  }

  private ReportWriter writer(ScannerRegistry registry, boolean useColour) {
    ReportFormat chosen = ReportChoice.format(format, output);
    if (quiet && output == null && chosen == ReportFormat.TEXT) {
      return TextReportWriter.summaryOnly();
    }
    return chosen.writer(registry, useColour, verbose, sarifRoot != null ? sarifRoot : Path.of(""));
  }

  /**
   * The options as the shared layer reads them ({@link ScanOptions}): every value is checked there, in the grammar the
   * Maven plugin and the Spark job use too; a refused value is a usage error.
   */
  ScanOptions options(CommandLine cl, ScannerRegistry registry) {
    ScanOptions o = ScanOptions.forRegistry(registry);
    try {
      setIfGiven(o, "severity-threshold", threshold);
      setIfGiven(o, "mode", mode);
      setIfGiven(o, "max-file-size", maxFileSize);
      setIfGiven(o, "max-nesting-depth", maxNestingDepth);
      setIfGiven(o, "max-archive-members", maxArchiveMembers);
      setIfGiven(o, "max-member-bytes", maxMemberBytes);
      setIfGiven(o, "max-total-decompressed-bytes", maxTotalDecompressedBytes);
      setIfGiven(o, "max-compression-ratio", maxCompressionRatio);
      setIfGiven(o, "max-header-bytes", maxHeaderBytes);
      setIfGiven(o, "max-string-bytes", maxStringBytes);
      setIfGiven(o, "max-json-depth", maxJsonDepth);
      setIfGiven(o, "max-pickle-stack-size", maxPickleStackSize);
      setIfGiven(o, "max-pickle-memo-size", maxPickleMemoSize);
      setIfGiven(o, "max-pickle-opcodes", maxPickleOpcodes);
      setIfGiven(o, "max-hdf5-objects", maxHdf5Objects);
      setIfGiven(o, "scan-timeout", scanTimeout);
      setIfGiven(o, "unknown-global-severity", unknownGlobalSeverity);
      o.set("allow-global", allowGlobals);
      o.set("deny-global", denyGlobals);
      o.set("include", includes);
      o.set("exclude", excludes);
      o.set("follow-dir-links", Boolean.toString(followDirLinks));
    } catch (OptionException e) {
      throw new CommandLine.ParameterException(
          cl, "Invalid value for option '--" + e.optionName() + "': " + e.problem(), e);
    }
    return o;
  }

  private static void setIfGiven(ScanOptions o, String name, String value) {
    if (value != null) {
      o.set(name, value);
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
