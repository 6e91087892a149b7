package dev.modelscan.maven;

import dev.modelscan.api.ScanLimits;
import dev.modelscan.api.ScanMode;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.Severity;
import dev.modelscan.core.options.OptionValues;
import dev.modelscan.core.report.ReportFormat;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Turns the plugin's string parameters into settings. Every parse error is an {@link IllegalArgumentException} whose
 * message names the parameter, so that a typo in a POM fails the build with a clear message instead of being ignored.
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

  static ScanSettings settings(Values v) {
    ScanLimits.Builder limits = ScanLimits.builder();
    if (v.maxNestingDepth() != null) {
      limits.maxNestingDepth(v.maxNestingDepth());
    }
    if (v.maxArchiveMembers() != null) {
      limits.maxArchiveMembers(v.maxArchiveMembers());
    }
    if (given(v.maxMemberBytes())) {
      limits.maxMemberBytes(size("maxMemberBytes", v.maxMemberBytes()));
    }
    if (given(v.maxTotalDecompressedBytes())) {
      limits.maxTotalDecompressedBytes(size("maxTotalDecompressedBytes", v.maxTotalDecompressedBytes()));
    }
    if (v.maxCompressionRatio() != null) {
      limits.maxCompressionRatio(v.maxCompressionRatio());
    }
    if (v.maxHdf5Objects() != null) {
      limits.maxHdf5Objects(v.maxHdf5Objects());
    }
    if (given(v.scanTimeout())) {
      limits.scanTimeout(duration("scanTimeout", v.scanTimeout()));
    }
    ScanSettings.Builder settings =
        ScanSettings.builder()
            .limits(limits.build())
            .severityThreshold(severity(v.failOnSeverity()))
            .mode(mode(v.mode()));
    if (given(v.maxFileSize())) {
      settings.maxFileSize(size("maxFileSize", v.maxFileSize()));
    }
    if (v.allowGlobals() != null) {
      settings.allowGlobals(v.allowGlobals().stream().map(String::trim).toArray(String[]::new));
    }
    if (v.denyGlobals() != null) {
      settings.denyGlobals(v.denyGlobals().stream().map(String::trim).toArray(String[]::new));
    }
    return settings.build();
  }

  private static boolean given(String s) {
    return s != null && !s.isBlank();
  }

  static Severity severity(String text) {
    try {
      return Severity.parse(text);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException(
          "failOnSeverity must be one of CRITICAL, HIGH, MEDIUM, LOW, was '" + text + "'", e);
    }
  }

  static ScanMode mode(String text) {
    try {
      return ScanMode.valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException("mode must be 'quick' or 'thorough', was '" + text + "'", e);
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
    Set<ReportFormat> formats = EnumSet.noneOf(ReportFormat.class);
    if (text == null) {
      return formats;
    }
    for (String part : text.split(",")) {
      String p = part.trim();
      if (p.isEmpty() || p.equalsIgnoreCase("none")) {
        continue;
      }
      ReportFormat f;
      try {
        f = ReportFormat.parse(p);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("reports must list sarif, json or text, was '" + text + "'", e);
      }
      formats.add(f);
    }
    return formats;
  }
}
