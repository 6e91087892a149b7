package dev.modelscan.spark;

import dev.modelscan.api.ScanLimits;
import dev.modelscan.api.ScanMode;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.Severity;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The scan settings of a Spark job in a form that travels to executors (Spark serialises it into every task), with
 * the meaning of the CLI's options of the same names. Executors build their {@link ScanSettings} from it, once per
 * JVM.
 *
 * @param mode {@code quick} or {@code thorough}
 * @param severityThreshold findings at or above it make a file's verdict {@code FINDINGS}
 * @param maxFileSize larger files are skipped (reported, never clean), in bytes; null for the default
 * @param maxMemberBytes the decompressed bytes of one archive member; null for the default
 * @param maxTotalDecompressedBytes the decompressed bytes of one input file; null for the default
 * @param maxArchiveMembers the members scanned per archive; null for the default
 * @param maxNestingDepth the levels of nested content followed; null for the default
 * @param scanTimeout the time one file may take, in milliseconds; null for the default
 * @param allowGlobals pickle globals allowed (never overriding the always-dangerous list)
 * @param denyGlobals pickle globals denied
 */
public record ScanJobConfig(
    ScanMode mode,
    Severity severityThreshold,
    Long maxFileSize,
    Long maxMemberBytes,
    Long maxTotalDecompressedBytes,
    Integer maxArchiveMembers,
    Integer maxNestingDepth,
    Long scanTimeout,
    List<String> allowGlobals,
    List<String> denyGlobals)
    implements Serializable {

  private static final long serialVersionUID = 1L;

  /**
   * Checks the values by building the settings once, so that a bad value fails on the driver before any task is
   * sent, and copies the lists.
   *
   * @param mode {@code quick} or {@code thorough}
   * @param severityThreshold findings at or above it make a file's verdict {@code FINDINGS}
   * @param maxFileSize larger files are skipped, in bytes; null for the default
   * @param maxMemberBytes the decompressed bytes of one archive member; null for the default
   * @param maxTotalDecompressedBytes the decompressed bytes of one input file; null for the default
   * @param maxArchiveMembers the members scanned per archive; null for the default
   * @param maxNestingDepth the levels of nested content followed; null for the default
   * @param scanTimeout the time one file may take, in milliseconds; null for the default
   * @param allowGlobals pickle globals allowed
   * @param denyGlobals pickle globals denied
   * @throws IllegalArgumentException when a value is out of range
   */
  public ScanJobConfig {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(severityThreshold, "severityThreshold");
    allowGlobals = List.copyOf(allowGlobals);
    denyGlobals = List.copyOf(denyGlobals);
    toSettings(mode, severityThreshold, maxFileSize, maxMemberBytes, maxTotalDecompressedBytes, maxArchiveMembers,
        maxNestingDepth, scanTimeout, allowGlobals, denyGlobals);
  }

  /**
   * The library's defaults, as the CLI has them without options.
   *
   * @return the default configuration
   */
  public static ScanJobConfig defaults() {
    return new ScanJobConfig(
        ScanMode.THOROUGH, Severity.MEDIUM, null, null, null, null, null, null, List.of(), List.of());
  }

  /**
   * The settings the library scans with.
   *
   * @return the settings
   */
  public ScanSettings toSettings() {
    return toSettings(mode, severityThreshold, maxFileSize, maxMemberBytes, maxTotalDecompressedBytes,
        maxArchiveMembers, maxNestingDepth, scanTimeout, allowGlobals, denyGlobals);
  }

  private static ScanSettings toSettings(
      ScanMode mode,
      Severity threshold,
      Long maxFileSize,
      Long maxMemberBytes,
      Long maxTotalDecompressedBytes,
      Integer maxArchiveMembers,
      Integer maxNestingDepth,
      Long scanTimeout,
      List<String> allow,
      List<String> deny) {
    ScanLimits.Builder limits = ScanLimits.builder();
    if (maxMemberBytes != null) {
      limits.maxMemberBytes(maxMemberBytes);
    }
    if (maxTotalDecompressedBytes != null) {
      limits.maxTotalDecompressedBytes(maxTotalDecompressedBytes);
    }
    if (maxArchiveMembers != null) {
      limits.maxArchiveMembers(maxArchiveMembers);
    }
    if (maxNestingDepth != null) {
      limits.maxNestingDepth(maxNestingDepth);
    }
    if (scanTimeout != null) {
      limits.scanTimeout(Duration.ofMillis(scanTimeout));
    }
    ScanSettings.Builder b =
        ScanSettings.builder().mode(mode).severityThreshold(threshold).limits(limits.build());
    if (maxFileSize != null) {
      b.maxFileSize(maxFileSize);
    }
    b.allowGlobals(allow.toArray(String[]::new));
    b.denyGlobals(deny.toArray(String[]::new));
    return b.build();
  }
}
