package dev.modelscan.maven;

import dev.modelscan.core.ScannerRegistry;
import dev.modelscan.core.options.OptionException;
import dev.modelscan.core.options.OptionValues;
import dev.modelscan.core.options.ScanOptions;
import dev.modelscan.core.report.ReportFormat;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Hands the plugin's parameters to the shared option layer ({@link ScanOptions}), which parses and checks them as the
 * command line does. Every error is an {@link IllegalArgumentException} whose message names the plugin parameter, so
 * that a typo in a POM fails the build with a clear message instead of being ignored.
 */
final class Options {

  private Options() {}

  /** The plugin parameters that make up the scan settings; null means "the library's default". */
  record Values(
      String failOnSeverity,
      String mode,
      Integer maxNestingDepth,
      Integer maxArchiveMembers,
      String maxMemberBytes,
      String maxTotalDecompressedBytes,
      Integer maxCompressionRatio,
      Integer maxHdf5Objects,
      String scanTimeout,
      String maxFileSize,
      List<String> allowGlobals,
      List<String> denyGlobals) {}

  /**
   * Fills the parameters whose POM default was dropped so that a configuration file could set them: {@code
   * failOnSeverity} MEDIUM and {@code mode} thorough.
   */
  static Values withDefaults(Values v) {
    return new Values(
        v.failOnSeverity() != null ? v.failOnSeverity() : "MEDIUM",
        v.mode() != null ? v.mode() : "thorough",
        v.maxNestingDepth(),
        v.maxArchiveMembers(),
        v.maxMemberBytes(),
        v.maxTotalDecompressedBytes(),
        v.maxCompressionRatio(),
        v.maxHdf5Objects(),
        v.scanTimeout(),
        v.maxFileSize(),
        v.allowGlobals(),
        v.denyGlobals());
  }

  /**
   * The options of the given values, with the scanner modules' options of {@code registry}.
   *
   * @throws IllegalArgumentException naming the plugin parameter when a value is refused
   */
  static ScanOptions options(Values v, ScannerRegistry registry) {
    ScanOptions o = ScanOptions.forRegistry(registry);
    set(o, "failOnSeverity", "severity-threshold", v.failOnSeverity() == null ? "" : v.failOnSeverity());
    set(o, "mode", "mode", v.mode() == null ? "" : v.mode());
    set(o, "maxNestingDepth", "max-nesting-depth", v.maxNestingDepth());
    set(o, "maxArchiveMembers", "max-archive-members", v.maxArchiveMembers());
    set(o, "maxMemberBytes", "max-member-bytes", v.maxMemberBytes());
    set(o, "maxTotalDecompressedBytes", "max-total-decompressed-bytes", v.maxTotalDecompressedBytes());
    set(o, "maxCompressionRatio", "max-compression-ratio", v.maxCompressionRatio());
    set(o, "maxHdf5Objects", "max-hdf5-objects", v.maxHdf5Objects());
    set(o, "scanTimeout", "scan-timeout", v.scanTimeout());
    set(o, "maxFileSize", "max-file-size", v.maxFileSize());
    setAll(o, "allowGlobals", "allow-global", v.allowGlobals());
    setAll(o, "denyGlobals", "deny-global", v.denyGlobals());
    return o;
  }

  /** Sets an option when the parameter is given (not null, not blank for text); the message names the parameter. */
  private static void set(ScanOptions o, String parameter, String option, Object value) {
    if (value == null || (value instanceof String && ((String) value).isBlank() && !isRequired(option))) {
      return;
    }
    try {
      o.set(option, value.toString());
    } catch (OptionException e) {
      throw new IllegalArgumentException(parameter + ": " + e.problem(), e);
    }
  }

  /** failOnSeverity and mode have defaults in the POM model: a blank value is a mistake, not "unset". */
  private static boolean isRequired(String option) {
    return option.equals("severity-threshold") || option.equals("mode");
  }

  private static void setAll(ScanOptions o, String parameter, String option, List<String> values) {
    if (values == null) {
      return;
    }
    try {
      o.set(option, values);
    } catch (OptionException e) {
      throw new IllegalArgumentException(parameter + ": " + e.problem(), e);
    }
  }

  /** A byte count in the shared grammar of {@link OptionValues#size}; the message names the parameter. */
  static long size(String parameter, String text) {
    try {
      return OptionValues.size(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(parameter + ": " + e.getMessage(), e);
    }
  }

  /** A duration in the shared grammar of {@link OptionValues#duration}; the message names the parameter. */
  static Duration duration(String parameter, String text) {
    try {
      return OptionValues.duration(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(parameter + ": " + e.getMessage(), e);
    }
  }

  /** The report formats named in a comma-separated list; {@code none} or an empty list writes no report. */
  static Set<ReportFormat> reportFormats(String text) {
    try {
      return ReportFormat.parseList(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("reports must list sarif, json or text, was '" + text + "'", e);
    }
  }
}
