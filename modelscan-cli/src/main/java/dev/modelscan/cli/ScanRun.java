package dev.modelscan.cli;

import dev.modelscan.api.FileResult;
import dev.modelscan.api.ScanReport;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.core.ModelScan;
import dev.modelscan.core.ScannerRegistry;
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
import java.util.Map;

/**
 * One run of {@code modelscan scan}, in two steps: {@link #prepare} checks every option and reads what the run needs
 * (baseline, plugins) without printing or scanning anything, so that a usage error is exit 4 and never a half-done
 * scan; {@link #execute} scans and writes the report. It knows nothing of how the command line was parsed.
 */
final class ScanRun implements AutoCloseable {

  /**
   * Exit code when the scan itself broke down, or when its report could not be written and no finding reached the
   * threshold.
   */
  static final int EXIT_SCAN_ERROR = 2;

  /** The argument that means standard input. */
  static final String STDIN_ARGUMENT = "-";

  /** The name standard input is reported under. */
  static final String STDIN_NAME = "<stdin>";

  private final ScanArguments args;
  private final ScannerRegistry registry;
  private final ModelScan.Builder builder;
  private final ScanSettings settings;
  private final ReportPolicy policy;
  private final PluginPath plugins;
  private final List<Path> files;
  private final boolean stdin;

  private ScanRun(
      ScanArguments args, ScannerRegistry registry, ModelScan.Builder builder, ScanSettings settings,
      ReportPolicy policy, PluginPath plugins, List<Path> files, boolean stdin) {
    this.args = args;
    this.registry = registry;
    this.builder = builder;
    this.settings = settings;
    this.policy = policy;
    this.plugins = plugins;
    this.files = files;
    this.stdin = stdin;
  }

  /**
   * Checks every option and loads what the scan needs; prints nothing.
   *
   * @param a the parsed arguments
   * @return the run, ready to {@link #execute}; close it afterwards (it holds the plugins' class loader)
   * @throws UsageException when an option is wrong; nothing was scanned or printed
   */
  static ScanRun prepare(ScanArguments a) {
    if (a.paths().isEmpty()) {
      throw new UsageException("Missing required parameter: PATH");
    }
    List<Path> files = new ArrayList<>();
    boolean stdin = false;
    for (Path p : a.paths()) {
      if (p.toString().equals(STDIN_ARGUMENT)) {
        if (stdin) {
          throw new UsageException("standard input (-) can be given only once");
        }
        stdin = true;
      } else {
        files.add(p);
      }
    }
    PluginPath plugins;
    try {
      plugins = PluginPath.forProcess(a.pluginPath());
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage(), e);
    }
    try {
      // One registry for the options and the scan: finding and making the scanners is a large part of a small run.
      ScannerRegistry registry = plugins.registry();
      ScanOptions options = options(a, registry);
      ScanSettings settings = options.settings();
      ReportPolicy policy = options.reportPolicy();
      ModelScan.Builder builder = ModelScan.builder().settings(settings).reportPolicy(policy);
      try {
        AllowGlobals.checkNames(a.allowGlobals());
        if (a.threads() != null) {
          if (a.threads() < 1) {
            throw new IllegalArgumentException("-j/--threads must be at least 1, was " + a.threads());
          }
          builder.parallelism(a.threads());
        }
        builder.walkOptions(options.walkOptions());
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage(), e);
      }
      if (a.output() != null) {
        checkOutput(a.output());
      }
      if (a.quiet() && a.output() == null && ReportChoice.format(a.format(), null) != ReportFormat.TEXT) {
        throw new UsageException(
            "--quiet prints a text summary; with --format " + a.format() + " give --output FILE for the report");
      }
      // Known findings (--baseline) and accepted risks ([[suppress]] in the configuration file) stay in the report,
      // marked with their reason, and no longer decide the verdict.
      ReportPolicy.Builder policyBuilder = policy.rebuild();
      if (a.config() != null) {
        policyBuilder.suppress(a.config().suppressions());
      }
      if (a.baseline() != null) {
        try {
          policyBuilder.baseline(Baseline.read(a.baseline()));
        } catch (IOException | RuntimeException e) {
          throw new UsageException("--baseline " + a.baseline() + ": " + e.getMessage(), e);
        }
      }
      policy = policyBuilder.build();
      return new ScanRun(a, registry, builder, settings, policy, plugins, files, stdin);
    } catch (RuntimeException | Error e) {
      plugins.close();
      throw e;
    }
  }

  /**
   * The options as the shared layer reads them ({@link ScanOptions}): every value is checked there, in the grammar the
   * Maven plugin and the Spark job use too; a refused value is a usage error.
   *
   * @param a the parsed arguments
   * @param registry the scanners, whose settings extensions add options
   * @return the options
   * @throws UsageException naming the option when a value is refused
   */
  static ScanOptions options(ScanArguments a, ScannerRegistry registry) {
    ScanOptions o = ScanOptions.forRegistry(registry);
    try {
      for (Map.Entry<String, String> e : a.values().entrySet()) {
        o.set(e.getKey(), e.getValue());
      }
      o.set("allow-global", a.allowGlobals());
      o.set("deny-global", a.denyGlobals());
      o.set("include", a.includes());
      o.set("exclude", a.excludes());
      o.set("follow-dir-links", Boolean.toString(a.followDirLinks()));
    } catch (OptionException e) {
      throw new UsageException("Invalid value for option '--" + e.optionName() + "': " + e.problem(), e);
    }
    return o;
  }

  /**
   * Scans and writes the report.
   *
   * @param out standard output
   * @param err standard error
   * @return the exit code
   */
  int execute(PrintWriter out, PrintWriter err) {
    for (String p : registry.problems()) {
      err.println("warning: " + p);
    }
    for (String w : AllowGlobals.warnings(settings, args.allowGlobals(), registry)) {
      err.println("warning: " + w);
    }
    boolean terminal = System.console() != null;
    builder.registry(registry);
    ProgressLine progressLine = null;
    if (args.progress() != null ? args.progress() : terminal) {
      progressLine = new ProgressLine(err);
      builder.listener(progressLine);
    }
    ModelScan scan = builder.build();
    ScanReport report = policy.apply(stdin ? scanWithStdin(scan, policy, files) : scan.scan(files));
    if (progressLine != null) {
      progressLine.clear();
    }
    boolean useColour = ReportChoice.colour(args.color(), terminal, args.output() != null, System.getenv());
    ReportWriter writer = writer(registry, useColour);
    int verdictCode = policy.exitCode(report);
    Path output = args.output();
    String problem = output != null ? writeFile(writer, report, output) : writeStdout(writer, report, out);
    if (problem == null && args.quiet() && output != null) {
      problem = writeStdout(TextReportWriter.summaryOnly(), report, out);
    }
    if (problem != null) {
      // The verdict must not change silently because its report is missing: findings still fail (1); anything else
      // becomes "not fully done" (2), never the 0 that a CI gate would read as clean without a report to show.
      err.println("modelscan: the report could not be written: " + problem);
      return verdictCode == 1 ? 1 : EXIT_SCAN_ERROR;
    }
    return verdictCode;
  }

  @Override
  public void close() {
    plugins.close();
  }

  /** Rejects an output path that cannot be written before anything is scanned (a typo costs no scan). */
  private static void checkOutput(Path output) {
    if (Files.isDirectory(output)) {
      throw new UsageException("--output " + output + " is a directory; give a file name");
    }
    Path parent = output.toAbsolutePath().getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      throw new UsageException("--output " + output + ": the folder " + parent + " does not exist");
    }
    if (!Files.isWritable(parent)) {
      throw new UsageException("--output " + output + ": the folder " + parent + " is not writable");
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
    ReportFormat chosen = ReportChoice.format(args.format(), args.output());
    if (args.quiet() && args.output() == null && chosen == ReportFormat.TEXT) {
      return TextReportWriter.summaryOnly();
    }
    return chosen.writer(registry, useColour, args.verbose(), args.sarifRoot() != null ? args.sarifRoot() : Path.of(""));
  }
}
