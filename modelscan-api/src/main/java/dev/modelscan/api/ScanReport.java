package dev.modelscan.api;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The result of one scan: a {@link FileResult} per input file, and the verdict they add up to.
 *
 * @param toolVersion the modelscan version that produced it
 * @param severityThreshold the threshold the verdict was judged against
 * @param results one result per input file, in a deterministic order (sorted by path within a directory)
 * @param elapsed how long the scan took
 * @param excluded what a directory walk left out on purpose (files outside the include patterns or matching an
 *     exclude pattern, directories pruned by a pattern, directory links that loop back), each with the reason, so that
 *     nothing disappears silently. These entries do not count as scanned and do not make the scan incomplete: leaving
 *     them out was asked for.
 * @since 0.1
 */
public record ScanReport(
    String toolVersion,
    Severity severityThreshold,
    List<FileResult> results,
    Duration elapsed,
    List<ExcludedPath> excluded) {

  /**
   * Validates the components and copies the list.
   *
   * @param toolVersion version, not null
   * @param severityThreshold threshold, not null
   * @param results results, not null
   * @param elapsed duration, not null
   * @param excluded excluded paths, not null
   */
  public ScanReport {
    Objects.requireNonNull(toolVersion, "toolVersion");
    Objects.requireNonNull(severityThreshold, "severityThreshold");
    results = List.copyOf(results);
    Objects.requireNonNull(elapsed, "elapsed");
    excluded = List.copyOf(excluded);
  }

  /**
   * A report with nothing excluded.
   *
   * @param toolVersion version, not null
   * @param severityThreshold threshold, not null
   * @param results results, not null
   * @param elapsed duration, not null
   */
  public ScanReport(String toolVersion, Severity severityThreshold, List<FileResult> results, Duration elapsed) {
    this(toolVersion, severityThreshold, results, elapsed, List.of());
  }

  /**
   * Formats that count as seen but are not model content: plain text (READMEs, licences, notes), empty files, the
   * inert companions that sit beside models (images, PDFs, tables, notebooks, generic JSON and YAML) and model
   * configurations without weights. A scan that found only these has not scanned a model, so it is {@link
   * Verdict#NOTHING_SCANNED}, not clean: a CI gate pointed at the wrong folder (the docs, the plots) must not pass.
   * Their findings still count: a config that names code makes the verdict {@link Verdict#UNSAFE}.
   */
  public static final java.util.Set<String> NOT_MODEL_FORMATS =
      java.util.Set.of(
          "text", "empty", "png", "jpeg", "gif", "webp", "riff", "bmp", "tiff", "pdf", "svg", "csv", "tsv", "json",
          "jupyter-notebook", "yaml", "json-config", "yaml-config");

  /**
   * The verdict, decided in this order:
   *
   * <ol>
   *   <li>{@link Verdict#UNSAFE} if any finding that is not {@linkplain Finding#isSuppressed() suppressed} reaches
   *       the threshold;
   *   <li>{@link Verdict#INCOMPLETE} if any file {@link ScanStatus#FAILED} (unreadable, missing, a scanner or the JVM
   *       broke down) or is {@link ScanStatus#PARTIAL}: what was not read may hold anything, so a failure is never
   *       "nothing scanned";
   *   <li>{@link Verdict#NOTHING_SCANNED} if no model content was found: every file was skipped, empty or plain text
   *       ({@link #NOT_MODEL_FORMATS}), or there was no file;
   *   <li>{@link Verdict#INCOMPLETE} if any file was skipped beside the model content;
   *   <li>{@link Verdict#CLEAN} otherwise.
   * </ol>
   *
   * @return the verdict
   */
  public Verdict verdict() {
    if (results.stream().anyMatch(r -> r.hasFindingAtLeast(severityThreshold))) {
      return Verdict.UNSAFE;
    }
    if (results.stream().anyMatch(r -> r.status() == ScanStatus.FAILED || r.status() == ScanStatus.PARTIAL)) {
      return Verdict.INCOMPLETE;
    }
    boolean model =
        results.stream()
            .anyMatch(r -> r.status() == ScanStatus.COMPLETE && !NOT_MODEL_FORMATS.contains(r.format()));
    if (!model) {
      return Verdict.NOTHING_SCANNED;
    }
    if (results.stream().anyMatch(r -> r.status() != ScanStatus.COMPLETE)) {
      return Verdict.INCOMPLETE;
    }
    return Verdict.CLEAN;
  }

  /**
   * How many files were analysed, completely or in part.
   *
   * @return the count of results that are {@link ScanStatus#COMPLETE} or {@link ScanStatus#PARTIAL}
   */
  public long filesScanned() {
    return count(ScanStatus.COMPLETE) + count(ScanStatus.PARTIAL);
  }

  /**
   * How many files have the given status.
   *
   * @param status the status
   * @return the count
   */
  public long count(ScanStatus status) {
    return results.stream().filter(r -> r.status() == status).count();
  }

  /**
   * Every finding of every file.
   *
   * @return the findings in result order
   */
  public List<Finding> findings() {
    return results.stream().flatMap(r -> r.findings().stream()).toList();
  }

  /**
   * How many findings are {@linkplain Finding#isSuppressed() suppressed} (baselined or accepted).
   *
   * @return the count
   */
  public long suppressedFindings() {
    return findings().stream().filter(Finding::isSuppressed).count();
  }

  /**
   * The number of findings per severity, with every severity present; suppressed findings are not counted (see
   * {@link #suppressedFindings()}).
   *
   * @return an unmodifiable map from severity to count
   */
  public Map<Severity, Long> findingsBySeverity() {
    Map<Severity, Long> counts = new EnumMap<>(Severity.class);
    for (Severity s : Severity.values()) {
      counts.put(s, 0L);
    }
    for (Finding f : findings()) {
      if (!f.isSuppressed()) {
        counts.merge(f.severity(), 1L, Long::sum);
      }
    }
    return java.util.Collections.unmodifiableMap(counts);
  }
}
