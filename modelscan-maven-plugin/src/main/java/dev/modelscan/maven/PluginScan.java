package dev.modelscan.maven;

import dev.modelscan.api.FileResult;
import dev.modelscan.api.Finding;
import dev.modelscan.api.ScanReport;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.Verdict;
import dev.modelscan.core.ModelScan;
import dev.modelscan.core.ScannerRegistry;
import dev.modelscan.core.WalkOptions;
import dev.modelscan.core.report.ReportFormat;
import dev.modelscan.core.report.ReportPolicy;
import dev.modelscan.core.report.TerminalText;
import java.io.File;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One scan as the plugin runs it, free of Maven types so that it can be tested without a Maven runtime: scan the
 * paths, write the reports, and decide whether the build fails.
 */
final class PluginScan {

  /** The most findings and incomplete files listed in a failure message; the reports have all of them. */
  static final int MAX_LISTED = 50;

  /**
   * What a scan produced.
   *
   * @param report the report
   * @param reportFiles the report files written
   * @param failure why the build fails, or null when it passes
   */
  record Outcome(ScanReport report, List<Path> reportFiles, String failure) {}

  private final ScannerRegistry registry;
  private final ScanSettings settings;
  private final ReportPolicy policy;
  private final boolean failOnIncomplete;
  private final Path basedir;
  private final WalkOptions walk;

  PluginScan(
      ScannerRegistry registry, ScanSettings settings, ReportPolicy policy, boolean failOnIncomplete, Path basedir) {
    this(registry, settings, policy, failOnIncomplete, basedir, WalkOptions.defaults());
  }

  PluginScan(
      ScannerRegistry registry,
      ScanSettings settings,
      ReportPolicy policy,
      boolean failOnIncomplete,
      Path basedir,
      WalkOptions walk) {
    this.registry = registry;
    this.settings = settings;
    this.policy = policy;
    this.failOnIncomplete = failOnIncomplete;
    this.basedir = basedir.toAbsolutePath().normalize();
    this.walk = walk;
  }

  Outcome run(List<Path> targets, Path reportDirectory, Set<ReportFormat> formats, Consumer<String> log)
      throws IOException {
    ModelScan scan =
        ModelScan.builder()
            .registry(registry)
            .settings(settings)
            .reportPolicy(policy)
            .walkOptions(walk)
            .build();
    ScanReport report = scan.scan(targets);
    List<Path> written = new ArrayList<>();
    if (!formats.isEmpty()) {
      Files.createDirectories(reportDirectory);
      for (ReportFormat f : formats) {
        Path file = reportDirectory.resolve("modelscan." + f.fileExtension());
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
          // SARIF URIs relative to the project, not to wherever Maven was started (a reactor root, `mvn -f`), so
          // that code scanning places the findings on the module's files.
          f.writer(registry, false, true, basedir).write(report, out);
        }
        written.add(file);
      }
    }
    log.accept(summary(report));
    return new Outcome(report, written, failure(report, written));
  }

  private String summary(ScanReport report) {
    return "modelscan: "
        + report.results().size()
        + " file(s), "
        + report.filesScanned()
        + " scanned, "
        + (report.excluded().isEmpty() ? "" : report.excluded().size() + " excluded (listed in the reports), ")
        + report.findings().size()
        + " finding(s), verdict "
        + report.verdict();
  }

  /**
   * Why the build fails, or null. A finding at or above the threshold always fails it; a file that was not completely
   * scanned fails it when {@code failOnIncomplete} is set, because an unscanned part may hold anything.
   */
  String failure(ScanReport report, List<Path> reportFiles) {
    boolean unsafe = policy.apply(report).verdict() == Verdict.UNSAFE;
    List<FileResult> incomplete =
        report.results().stream().filter(r -> r.status() != ScanStatus.COMPLETE).toList();
    boolean failIncomplete = failOnIncomplete && !incomplete.isEmpty();
    if (!unsafe && !failIncomplete) {
      return null;
    }
    StringBuilder sb = new StringBuilder("modelscan found ");
    if (unsafe) {
      List<Finding> hits =
          report.findings().stream().filter(f -> f.severity().isAtLeast(policy.severityThreshold())).toList();
      sb.append(hits.size())
          .append(" finding(s) at or above ")
          .append(policy.severityThreshold())
          .append(" (failOnSeverity):");
      int listed = 0;
      for (Finding f : hits) {
        if (listed++ == MAX_LISTED) {
          sb.append("\n  ... and ").append(hits.size() - MAX_LISTED).append(" more, see the reports");
          break;
        }
        sb.append("\n  ").append(f.severity()).append("  ").append(f.ruleId()).append("  ").append(where(f));
        String target = f.module() + (f.module().isEmpty() || f.operator().isEmpty() ? "" : ".") + f.operator();
        if (!target.isEmpty()) {
          sb.append("  ").append(TerminalText.escape(target));
        }
        sb.append("\n      ").append(TerminalText.escape(f.message()));
      }
    }
    if (failIncomplete) {
      sb.append(unsafe ? "\nand " : "").append(incompleteListing(incomplete, "failOnIncomplete=true"));
      sb.append("\n  Narrow <paths> to the model files, or raise the limit named above; set <failOnIncomplete>false"
          + "</failOnIncomplete> only if unscanned content is acceptable.");
    }
    if (!reportFiles.isEmpty()) {
      sb.append("\nReports: ");
      sb.append(String.join(", ", reportFiles.stream().map(p -> display(p.toString())).toList()));
    }
    return sb.toString();
  }

  /**
   * The files that were not completely scanned, for a warning when they do not fail the build; null when there are
   * none.
   */
  String incompleteWarning(ScanReport report) {
    List<FileResult> incomplete =
        report.results().stream().filter(r -> r.status() != ScanStatus.COMPLETE).toList();
    return incomplete.isEmpty()
        ? null
        : "modelscan: " + incompleteListing(incomplete, "failOnIncomplete=false, so the build goes on");
  }

  private String incompleteListing(List<FileResult> incomplete, String setting) {
    StringBuilder sb = new StringBuilder();
    sb.append(incomplete.size())
        .append(" file(s) not completely scanned (")
        .append(setting)
        .append("; an unscanned part may hide anything):");
    int listed = 0;
    for (FileResult r : incomplete) {
      if (listed++ == MAX_LISTED) {
        sb.append("\n  ... and ").append(incomplete.size() - MAX_LISTED).append(" more, see the reports");
        break;
      }
      sb.append("\n  ").append(r.status()).append("  ").append(display(r.path()));
      if (!r.statusReason().isEmpty()) {
        sb.append("  ").append(TerminalText.escape(r.statusReason()));
      }
    }
    return sb.toString();
  }

  private String where(Finding f) {
    StringBuilder sb = new StringBuilder(display(f.location().path()));
    if (!f.location().entry().isEmpty()) {
      sb.append(dev.modelscan.api.Location.ENTRY_SEPARATOR).append(TerminalText.escape(f.location().entry()));
    }
    if (f.location().offset() >= 0) {
      sb.append(" @").append(f.location().offset());
    }
    return sb.toString();
  }

  /**
   * A path relative to the project directory when it is inside it: shorter, and the same on every machine. Escaped
   * for the build log ({@link TerminalText}): the name comes from the scanned tree.
   */
  String display(String path) {
    Path p;
    try {
      p = Path.of(path).toAbsolutePath().normalize();
    } catch (java.nio.file.InvalidPathException e) {
      return TerminalText.escape(path);
    }
    return TerminalText.escape(
        p.startsWith(basedir) ? basedir.relativize(p).toString().replace(File.separatorChar, '/') : path);
  }
}
