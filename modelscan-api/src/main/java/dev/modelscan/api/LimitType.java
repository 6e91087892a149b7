package dev.modelscan.api;

/**
 * The format-neutral limits of {@link ScanLimits} (and the file size of {@link ScanSettings}), each with the name that
 * messages, the CLI and the Maven plugin use for it. Scanners' own limits implement {@link LimitSetting} in their
 * modules.
 *
 * @since 0.1
 */
public enum LimitType implements LimitSetting {
  /** {@link ScanLimits#maxNestingDepth()}. */
  NESTING_DEPTH("maxNestingDepth"),
  /** {@link ScanLimits#maxArchiveMembers()}. */
  ARCHIVE_MEMBERS("maxArchiveMembers"),
  /** {@link ScanLimits#maxMemberBytes()}. */
  MEMBER_BYTES("maxMemberBytes"),
  /** {@link ScanLimits#maxTotalDecompressedBytes()}. */
  TOTAL_DECOMPRESSED_BYTES("maxTotalDecompressedBytes"),
  /** {@link ScanLimits#maxCompressionRatio()}. */
  COMPRESSION_RATIO("maxCompressionRatio"),
  /** {@link ScanLimits#maxHeaderBytes()}. */
  HEADER_BYTES("maxHeaderBytes"),
  /** {@link ScanLimits#maxStringBytes()}. */
  STRING_BYTES("maxStringBytes"),
  /** {@link ScanLimits#maxJsonDepth()}. */
  JSON_DEPTH("maxJsonDepth"),
  /** {@link ScanLimits#scanTimeout()}. */
  SCAN_TIMEOUT("scanTimeout"),
  /** {@link ScanSettings#maxFileSize()}. */
  FILE_SIZE("maxFileSize");

  private final String settingName;

  LimitType(String settingName) {
    this.settingName = settingName;
  }

  /**
   * {@inheritDoc}
   *
   * <p>The name of the setting that changes this limit: the builder method of {@link ScanLimits.Builder} (or {@link
   * ScanSettings.Builder} for the file size), and, in kebab case, the CLI flag.
   *
   * @return for example {@code "maxNestingDepth"}
   */
  @Override
  public String settingName() {
    return settingName;
  }
}
