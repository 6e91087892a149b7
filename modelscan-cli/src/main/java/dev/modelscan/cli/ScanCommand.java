package dev.modelscan.cli;

import dev.modelscan.api.FileResult;
import dev.modelscan.api.Rule;
import dev.modelscan.api.ScanLimits;
import dev.modelscan.api.ScanMode;
import dev.modelscan.api.ScanReport;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.Severity;
import dev.modelscan.api.StandardRules;
import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.core.ModelScan;
import dev.modelscan.core.ScannerRegistry;
import dev.modelscan.core.report.JsonReportWriter;
import dev.modelscan.core.report.ReportFormat;
import dev.modelscan.core.report.ReportWriter;
import dev.modelscan.core.report.SarifReportWriter;
import dev.modelscan.core.report.TextReportWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
      "Sizes accept K, M and G suffixes (powers of 1024).",
      "Durations accept 250ms, 30s, 5m, 1h or ISO-8601 (PT30S).",
      "Exit codes: 0 clean; 1 findings at or above the threshold;",
      "2 some input not fully scanned; 3 nothing scanned; 4 usage error."
    })
final class ScanCommand implements Callable<Integer> {

  /** Exit code when the scan itself broke down. */
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
      description = "Report format: text, json or sarif (default: ${DEFAULT-VALUE}).",
      defaultValue = "text",
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
      defaultValue = "MEDIUM",
      converter = SeverityConverter.class)
  Severity threshold;

  @Option(
      names = {"-m", "--mode"},
      paramLabel = "MODE",
      description = "quick: only known-dangerous content; thorough: also unknown references (default: ${DEFAULT-VALUE}).",
      defaultValue = "thorough",
      converter = ModeConverter.class)
  ScanMode mode;

  @Option(names = "--max-file-size", paramLabel = "SIZE", description = "Skip files larger than SIZE.",
      converter = SizeConverter.class)
  Long maxFileSize;

  @Option(names = "--max-nesting-depth", paramLabel = "N", description = "Levels of nested content followed.")
  Integer maxNestingDepth;

  @Option(names = "--max-archive-members", paramLabel = "N", description = "Members scanned per archive.")
  Integer maxArchiveMembers;

  @Option(names = "--max-member-bytes", paramLabel = "SIZE", description = "Decompressed bytes per member.",
      converter = SizeConverter.class)
  Long maxMemberBytes;

  @Option(names = "--max-total-decompressed-bytes", paramLabel = "SIZE",
      description = "Decompressed bytes per input file.", converter = SizeConverter.class)
  Long maxTotalDecompressedBytes;

  @Option(names = "--max-compression-ratio", paramLabel = "N", description = "Largest decompression ratio.")
  Integer maxCompressionRatio;

  @Option(names = "--max-header-bytes", paramLabel = "SIZE", description = "Largest format header read.",
      converter = SizeConverter.class)
  Long maxHeaderBytes;

  @Option(names = "--max-string-bytes", paramLabel = "SIZE", description = "Largest string read into memory.",
      converter = SizeConverter.class)
  Long maxStringBytes;

  @Option(names = "--max-json-depth", paramLabel = "N", description = "Deepest JSON nesting.")
  Integer maxJsonDepth;

  @Option(names = "--max-pickle-stack-size", paramLabel = "N", description = "Largest simulated pickle stack.")
  Integer maxPickleStackSize;

  @Option(names = "--max-pickle-memo-size", paramLabel = "N", description = "Largest simulated pickle memo.")
  Integer maxPickleMemoSize;

  @Option(names = "--max-pickle-opcodes", paramLabel = "N", description = "Opcodes interpreted per pickle.")
  Long maxPickleOpcodes;

  @Option(names = "--scan-timeout", paramLabel = "DURATION", description = "Deadline per input file.",
      converter = DurationConverter.class)
  Duration scanTimeout;

  @Option(names = "--allow-global", paramLabel = "MODULE.NAME",
      description = "Treat this Python global as safe (repeatable; never overrides the always-dangerous list).")
  List<String> allowGlobals = new ArrayList<>();

  @Option(names = "--deny-global", paramLabel = "MODULE.NAME",
      description = "Treat this Python global as dangerous (repeatable).")
  List<String> denyGlobals = new ArrayList<>();

  @Option(names = "--unknown-global-severity", paramLabel = "SEVERITY",
      description = "Severity of globals that are neither known safe nor known dangerous (default: MEDIUM).",
      converter = SeverityConverter.class)
  Severity unknownGlobalSeverity;

  @Option(names = {"-j", "--threads"}, paramLabel = "N", description = "Files scanned at once (default: cores).")
  Integer threads;

  @Option(names = {"-v", "--verbose"}, description = "Text report: also list clean files and nested members.")
  boolean verbose;

  @Option(names = "--color", negatable = true, description = "Colour the text report (default: on a terminal).")
  Boolean color;

  @Option(names = "--progress", negatable = true,
      description = "Show progress on standard error (default: on a terminal).")
  Boolean progress;

  @Option(names = "--list-scanners", description = "List the scanners found, with versions and formats, and exit.")
  boolean listScanners;

  @Override
  public Integer call() throws IOException {
    CommandLine cl = spec.commandLine();
    if (listScanners) {
      return RootCommand.listScanners(cl);
    }
    if (paths.isEmpty()) {
      throw new CommandLine.ParameterException(cl, "Missing required parameter: PATH");
    }
    ScanSettings settings;
    try {
      settings = settings();
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(cl, e.getMessage(), e);
    }
    ScannerRegistry registry = ScannerRegistry.loadDefault();
    for (String p : registry.problems()) {
      cl.getErr().println("warning: " + p);
    }
    boolean terminal = System.console() != null;
    ModelScan.Builder builder = ModelScan.builder().registry(registry).settings(settings);
    if (threads != null) {
      builder.parallelism(threads);
    }
    ProgressLine progressLine = null;
    if (progress != null ? progress : terminal) {
      progressLine = new ProgressLine(cl.getErr());
      builder.listener(progressLine);
    }
    ScanReport report = scanPaths(cl, builder.build(), settings);
    if (progressLine != null) {
      progressLine.clear();
    }
    boolean useColour =
        color != null ? color : terminal && output == null && System.getenv("NO_COLOR") == null;
    ReportWriter writer = writer(registry, useColour);
    if (output != null) {
      try (Writer w = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
        writer.write(report, w);
      }
    } else {
      PrintWriter out = cl.getOut();
      writer.write(report, out);
      out.flush();
    }
    return report.verdict().exitCode();
  }

  /** Scans the paths, and standard input where one of them is {@value #STDIN_ARGUMENT}. */
  private ScanReport scanPaths(CommandLine cl, ModelScan scan, ScanSettings settings) {
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
    return stdin ? scanWithStdin(scan, settings, files) : scan.scan(files);
  }

  /**
   * Scans standard input (reported first, as {@value #STDIN_NAME}) and then the paths. Standard input is spooled
   * under the same bounds as any stream, so a piped model is read to its end before it is judged: an empty pipe is
   * empty because it ended, not because a pipe's size is 0.
   */
  private static ScanReport scanWithStdin(ModelScan scan, ScanSettings settings, List<Path> files) {
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
        ModelScan.version(), settings.severityThreshold(), results, Duration.ofNanos(System.nanoTime() - start));
  }

  private ReportWriter writer(ScannerRegistry registry, boolean useColour) {
    switch (format) {
      case JSON:
        return new JsonReportWriter();
      case SARIF:
        List<Rule> rules =
            new ArrayList<>(
                List.of(
                    StandardRules.LIMIT_REACHED,
                    StandardRules.MALFORMED_CONTENT,
                    StandardRules.FORMAT_MISMATCH,
                    StandardRules.SCANNER_ERROR,
                    StandardRules.DECOMPRESSION_BOMB,
                    StandardRules.POLYGLOT,
                    StandardRules.INPUT_CHANGED));
        for (ModelScanner s : registry.scanners()) {
          rules.addAll(s.rules());
        }
        return new SarifReportWriter(rules);
      default:
        return new TextReportWriter(useColour, verbose);
    }
  }

  private ScanSettings settings() {
    ScanLimits.Builder l = ScanLimits.builder();
    if (maxNestingDepth != null) {
      l.maxNestingDepth(maxNestingDepth);
    }
    if (maxArchiveMembers != null) {
      l.maxArchiveMembers(maxArchiveMembers);
    }
    if (maxMemberBytes != null) {
      l.maxMemberBytes(maxMemberBytes);
    }
    if (maxTotalDecompressedBytes != null) {
      l.maxTotalDecompressedBytes(maxTotalDecompressedBytes);
    }
    if (maxCompressionRatio != null) {
      l.maxCompressionRatio(maxCompressionRatio);
    }
    if (maxHeaderBytes != null) {
      l.maxHeaderBytes(maxHeaderBytes);
    }
    if (maxStringBytes != null) {
      l.maxStringBytes(Math.toIntExact(maxStringBytes));
    }
    if (maxJsonDepth != null) {
      l.maxJsonDepth(maxJsonDepth);
    }
    if (maxPickleStackSize != null) {
      l.maxPickleStackSize(maxPickleStackSize);
    }
    if (maxPickleMemoSize != null) {
      l.maxPickleMemoSize(maxPickleMemoSize);
    }
    if (maxPickleOpcodes != null) {
      l.maxPickleOpcodes(maxPickleOpcodes);
    }
    if (scanTimeout != null) {
      l.scanTimeout(scanTimeout);
    }
    ScanSettings.Builder s =
        ScanSettings.builder().limits(l.build()).mode(mode).severityThreshold(threshold);
    if (maxFileSize != null) {
      s.maxFileSize(maxFileSize);
    }
    if (unknownGlobalSeverity != null) {
      s.unknownGlobalSeverity(unknownGlobalSeverity);
    }
    s.allowGlobals(allowGlobals.toArray(String[]::new));
    s.denyGlobals(denyGlobals.toArray(String[]::new));
    return s.build();
  }

  /** Parses {@code text}, {@code json}, {@code sarif}. */
  static final class FormatConverter implements CommandLine.ITypeConverter<ReportFormat> {
    @Override
    public ReportFormat convert(String value) {
      try {
        return ReportFormat.parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException("expected text, json or sarif but was '" + value + "'");
      }
    }
  }

  /** Parses severities case-insensitively. */
  static final class SeverityConverter implements CommandLine.ITypeConverter<Severity> {
    @Override
    public Severity convert(String value) {
      try {
        return Severity.parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(
            "expected LOW, MEDIUM, HIGH or CRITICAL but was '" + value + "'");
      }
    }
  }

  /** Parses {@code quick} and {@code thorough}. */
  static final class ModeConverter implements CommandLine.ITypeConverter<ScanMode> {
    @Override
    public ScanMode convert(String value) {
      try {
        return ScanMode.valueOf(value.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException("expected quick or thorough but was '" + value + "'");
      }
    }
  }

  /** Parses sizes such as {@code 1048576}, {@code 512K}, {@code 100M}, {@code 2G}. */
  static final class SizeConverter implements CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      String v = value.trim().toUpperCase(Locale.ROOT);
      long unit = 1;
      if (v.endsWith("B")) {
        v = v.substring(0, v.length() - 1);
      }
      if (v.endsWith("K")) {
        unit = 1L << 10;
      } else if (v.endsWith("M")) {
        unit = 1L << 20;
      } else if (v.endsWith("G")) {
        unit = 1L << 30;
      }
      if (unit != 1) {
        v = v.substring(0, v.length() - 1);
      }
      try {
        long n = Long.parseLong(v);
        if (n < 1) {
          throw new CommandLine.TypeConversionException("size must be positive: '" + value + "'");
        }
        return Math.multiplyExact(n, unit);
      } catch (NumberFormatException | ArithmeticException e) {
        throw new CommandLine.TypeConversionException("not a size: '" + value + "'");
      }
    }
  }

  /** Parses {@code 30s}, {@code 5m}, {@code 1h}, {@code 250ms} or ISO-8601 durations. */
  static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      String v = value.trim().toLowerCase(Locale.ROOT);
      try {
        if (v.startsWith("p")) {
          return Duration.parse(value.trim());
        }
        if (v.endsWith("ms")) {
          return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
        }
        char u = v.charAt(v.length() - 1);
        String num = Character.isDigit(u) ? v : v.substring(0, v.length() - 1);
        long n = Long.parseLong(num);
        switch (u) {
          case 'h':
            return Duration.ofHours(n);
          case 'm':
            return Duration.ofMinutes(n);
          default:
            return Duration.ofSeconds(n);
        }
      } catch (RuntimeException e) {
        throw new CommandLine.TypeConversionException("not a duration: '" + value + "'");
      }
    }
  }
}
