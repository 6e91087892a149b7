package dev.modelscan.api;

import java.time.Duration;
import java.util.Objects;

/**
 * The bounds every scan stays within, so that a hostile file cannot make the scanner exhaust memory, disk or time.
 *
 * <p>Immutable; create one with {@link #builder()}, change one with {@link #rebuild()}, or take {@link #defaults()}.
 * Each limit has a {@link LimitType} whose {@link LimitType#settingName() setting name} is the builder method that
 * changes it; exception messages quote that name. When content would go past a limit, the scan stops that part,
 * reports a finding and marks the result {@link ScanStatus#PARTIAL}: a limit never turns into a silent "clean".
 *
 * <table>
 *   <caption>Limits, defaults and what each protects</caption>
 *   <tr><th>limit</th><th>default</th><th>protects against</th></tr>
 *   <tr><td>{@code maxNestingDepth}</td><td>{@value #DEFAULT_MAX_NESTING_DEPTH}</td>
 *       <td>archives in archives in archives (recursion bombs)</td></tr>
 *   <tr><td>{@code maxArchiveMembers}</td><td>{@value #DEFAULT_MAX_ARCHIVE_MEMBERS}</td>
 *       <td>archives with millions of tiny entries</td></tr>
 *   <tr><td>{@code maxMemberBytes}</td><td>2 GiB</td>
 *       <td>one decompressed member growing without bound</td></tr>
 *   <tr><td>{@code maxTotalDecompressedBytes}</td><td>8 GiB</td>
 *       <td>many members that together fill the disk</td></tr>
 *   <tr><td>{@code maxCompressionRatio}</td><td>{@value #DEFAULT_MAX_COMPRESSION_RATIO}</td>
 *       <td>decompression bombs (checked once a member passes 1 MiB)</td></tr>
 *   <tr><td>{@code maxHeaderBytes}</td><td>{@value #DEFAULT_MAX_HEADER_BYTES}</td>
 *       <td>format headers that claim huge sizes (SafeTensors, NumPy, GGUF)</td></tr>
 *   <tr><td>{@code maxStringBytes}</td><td>16 MiB</td>
 *       <td>single strings, lines and attributes read into memory</td></tr>
 *   <tr><td>{@code maxJsonDepth}</td><td>{@value #DEFAULT_MAX_JSON_DEPTH}</td>
 *       <td>deeply nested JSON configurations (stack exhaustion)</td></tr>
 *   <tr><td>{@code scanTimeout}</td><td>10 minutes</td>
 *       <td>anything else that is slow: the deadline of one input file</td></tr>
 * </table>
 *
 * <p><b>Limits that fit the heap.</b> A limit on how many values are held in memory is useless if the heap runs out
 * first: the scan then fails instead of stopping at the limit. Scanners whose own limits count values held in memory
 * derive their defaults from the heap with {@link #heapDerived}.
 *
 * <p><b>Format-neutral.</b> These limits apply to every format. A scanner's own limits (the pickle stack and memo,
 * the HDF5 objects walked) live in its own settings type, reached through {@link ScanSettings#extension(Class)}.
 *
 * <p><b>Checking.</b> A scanner checks a limit with one call, {@link #check(LimitType, long, String)}, or builds the
 * standard exception with {@link #exceeded(LimitType, long, String)} when it records the limit instead of throwing,
 * so that every message names the setting that changes the limit.
 *
 * @since 0.1
 */
public final class ScanLimits {

  /** Default of {@link #maxNestingDepth()}. */
  public static final int DEFAULT_MAX_NESTING_DEPTH = 10;

  /** Default of {@link #maxArchiveMembers()}. */
  public static final int DEFAULT_MAX_ARCHIVE_MEMBERS = 10_000;

  /** Default of {@link #maxMemberBytes()}: 2 GiB. */
  public static final long DEFAULT_MAX_MEMBER_BYTES = 2L << 30;

  /** Default of {@link #maxTotalDecompressedBytes()}: 8 GiB. */
  public static final long DEFAULT_MAX_TOTAL_DECOMPRESSED_BYTES = 8L << 30;

  /** Default of {@link #maxCompressionRatio()}. */
  public static final int DEFAULT_MAX_COMPRESSION_RATIO = 200;

  /** Default of {@link #maxHeaderBytes()}: the SafeTensors reference reader's own bound. */
  public static final long DEFAULT_MAX_HEADER_BYTES = 100_000_000L;

  /** Default of {@link #maxStringBytes()}: 16 MiB. */
  public static final int DEFAULT_MAX_STRING_BYTES = 16 << 20;

  /** Default of {@link #maxJsonDepth()}. */
  public static final int DEFAULT_MAX_JSON_DEPTH = 256;

  /** The smallest heap-derived default, whatever the heap. */
  public static final int MIN_HEAP_DERIVED = 4096;

  /** Default of {@link #scanTimeout()}: 10 minutes. */
  public static final Duration DEFAULT_SCAN_TIMEOUT = Duration.ofMinutes(10);

  private static final ScanLimits DEFAULTS = new Builder().build();

  private final int maxNestingDepth;
  private final int maxArchiveMembers;
  private final long maxMemberBytes;
  private final long maxTotalDecompressedBytes;
  private final int maxCompressionRatio;
  private final long maxHeaderBytes;
  private final int maxStringBytes;
  private final int maxJsonDepth;
  private final Duration scanTimeout;

  private ScanLimits(Builder b) {
    this.maxNestingDepth = b.maxNestingDepth;
    this.maxArchiveMembers = b.maxArchiveMembers;
    this.maxMemberBytes = b.maxMemberBytes;
    this.maxTotalDecompressedBytes = b.maxTotalDecompressedBytes;
    this.maxCompressionRatio = b.maxCompressionRatio;
    this.maxHeaderBytes = b.maxHeaderBytes;
    this.maxStringBytes = b.maxStringBytes;
    this.maxJsonDepth = b.maxJsonDepth;
    this.scanTimeout = b.scanTimeout;
  }

  /**
   * The default of a count limit for a heap of {@code maxMemory} bytes: {@code min(cap, max(4096, maxMemory /
   * bytesPerItem))}.
   *
   * @param maxMemory the heap, as {@link Runtime#maxMemory()} reports it ({@link Long#MAX_VALUE} when unbounded)
   * @param cap the largest default
   * @param bytesPerItem heap bytes budgeted per counted item
   * @return the default
   */
  public static int heapDerived(long maxMemory, int cap, int bytesPerItem) {
    long fit = Math.max(MIN_HEAP_DERIVED, maxMemory / bytesPerItem);
    return (int) Math.min(cap, fit);
  }

  /**
   * The default limits: the values of the {@code DEFAULT_*} constants.
   *
   * @return the shared default instance
   */
  public static ScanLimits defaults() {
    return DEFAULTS;
  }

  /**
   * A builder that starts from the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder that starts from these limits.
   *
   * @return a new builder
   */
  public Builder rebuild() {
    return new Builder(this);
  }

  /**
   * How many levels of nested content (archive members, decompressed streams, embedded pickles) are followed below an
   * input file; the file itself is depth 0.
   *
   * @return the maximum depth
   */
  public int maxNestingDepth() {
    return maxNestingDepth;
  }

  /**
   * How many members of one archive are scanned.
   *
   * @return the maximum member count
   */
  public int maxArchiveMembers() {
    return maxArchiveMembers;
  }

  /**
   * How many bytes one decompressed member or stream may produce.
   *
   * @return the maximum in bytes
   */
  public long maxMemberBytes() {
    return maxMemberBytes;
  }

  /**
   * How many decompressed bytes one input file may produce in all, over every member at every level.
   *
   * @return the maximum in bytes
   */
  public long maxTotalDecompressedBytes() {
    return maxTotalDecompressedBytes;
  }

  /**
   * The largest ratio of decompressed to compressed size allowed for a member larger than 1 MiB.
   *
   * @return the maximum ratio
   */
  public int maxCompressionRatio() {
    return maxCompressionRatio;
  }

  /**
   * How many bytes of a format header (SafeTensors JSON, NumPy header, GGUF metadata) are read.
   *
   * @return the maximum in bytes
   */
  public long maxHeaderBytes() {
    return maxHeaderBytes;
  }

  /**
   * How many bytes one string, text line or attribute value that a scanner reads into memory may have.
   *
   * @return the maximum in bytes
   */
  public int maxStringBytes() {
    return maxStringBytes;
  }

  /**
   * How deeply JSON documents (Keras configurations, headers) may nest.
   *
   * @return the maximum depth
   */
  public int maxJsonDepth() {
    return maxJsonDepth;
  }

  /**
   * How long the scan of one input file, with everything nested in it, may take.
   *
   * @return the deadline, positive
   */
  public Duration scanTimeout() {
    return scanTimeout;
  }

  /**
   * The configured value of one limit, as the number its exception reports: bytes, counts, or milliseconds for {@link
   * LimitType#SCAN_TIMEOUT}.
   *
   * @param type the limit, not {@link LimitType#FILE_SIZE} (held by {@link ScanSettings#maxFileSize()})
   * @return the value
   * @throws IllegalArgumentException for {@link LimitType#FILE_SIZE}
   */
  public long value(LimitType type) {
    switch (Objects.requireNonNull(type, "type")) {
      case NESTING_DEPTH:
        return maxNestingDepth;
      case ARCHIVE_MEMBERS:
        return maxArchiveMembers;
      case MEMBER_BYTES:
        return maxMemberBytes;
      case TOTAL_DECOMPRESSED_BYTES:
        return maxTotalDecompressedBytes;
      case COMPRESSION_RATIO:
        return maxCompressionRatio;
      case HEADER_BYTES:
        return maxHeaderBytes;
      case STRING_BYTES:
        return maxStringBytes;
      case JSON_DEPTH:
        return maxJsonDepth;
      case SCAN_TIMEOUT:
        return scanTimeout.toMillis();
      default:
        throw new IllegalArgumentException(type.settingName() + " is a setting of ScanSettings, not of ScanLimits");
    }
  }

  /**
   * Checks that content stays within one limit: the one call a scanner makes before it reads, allocates or descends
   * by {@code requested}, so that a hostile size is refused before it costs anything.
   *
   * @param type the limit
   * @param requested what the content asks for (a length, a depth, a count), in the unit of {@link #value}
   * @param what a few words on what asks for it, such as {@code "protobuf string at 12"}; the message adds the
   *     setting's name and value
   * @throws ScanLimitExceededException when {@code requested} is larger than the configured value
   */
  public void check(LimitType type, long requested, String what) {
    long max = value(type);
    if (requested > max) {
      throw new ScanLimitExceededException(type, max, requested, what);
    }
  }

  /**
   * The standard exception for content that went past one limit, with the configured value filled in: for a scanner
   * that records the limit ({@link dev.modelscan.api.spi.ScanContext#limitReached}) and goes on, or that learns of
   * the excess from a parser and not from a size it can check first.
   *
   * @param type the limit
   * @param requested what the content asked for, or -1 when unknown
   * @param what a few words on what hit it
   * @return the exception, not thrown
   */
  public ScanLimitExceededException exceeded(LimitType type, long requested, String what) {
    return new ScanLimitExceededException(type, value(type), requested, what);
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof ScanLimits)) {
      return false;
    }
    ScanLimits l = (ScanLimits) o;
    return maxNestingDepth == l.maxNestingDepth
        && maxArchiveMembers == l.maxArchiveMembers
        && maxMemberBytes == l.maxMemberBytes
        && maxTotalDecompressedBytes == l.maxTotalDecompressedBytes
        && maxCompressionRatio == l.maxCompressionRatio
        && maxHeaderBytes == l.maxHeaderBytes
        && maxStringBytes == l.maxStringBytes
        && maxJsonDepth == l.maxJsonDepth
        && scanTimeout.equals(l.scanTimeout);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        maxNestingDepth,
        maxArchiveMembers,
        maxMemberBytes,
        maxTotalDecompressedBytes,
        maxCompressionRatio,
        maxHeaderBytes,
        maxStringBytes,
        maxJsonDepth,
        scanTimeout);
  }

  @Override
  public String toString() {
    return "ScanLimits{maxNestingDepth="
        + maxNestingDepth
        + ", maxArchiveMembers="
        + maxArchiveMembers
        + ", maxMemberBytes="
        + maxMemberBytes
        + ", maxTotalDecompressedBytes="
        + maxTotalDecompressedBytes
        + ", maxCompressionRatio="
        + maxCompressionRatio
        + ", maxHeaderBytes="
        + maxHeaderBytes
        + ", maxStringBytes="
        + maxStringBytes
        + ", maxJsonDepth="
        + maxJsonDepth
        + ", scanTimeout="
        + scanTimeout
        + '}';
  }

  /**
   * Builds {@link ScanLimits}. Every setter rejects values below 1 (a zero or negative limit would make every scan
   * partial); use a large value for "practically unlimited". Not thread-safe.
   *
   * @since 0.1
   */
  public static final class Builder {
    private int maxNestingDepth = DEFAULT_MAX_NESTING_DEPTH;
    private int maxArchiveMembers = DEFAULT_MAX_ARCHIVE_MEMBERS;
    private long maxMemberBytes = DEFAULT_MAX_MEMBER_BYTES;
    private long maxTotalDecompressedBytes = DEFAULT_MAX_TOTAL_DECOMPRESSED_BYTES;
    private int maxCompressionRatio = DEFAULT_MAX_COMPRESSION_RATIO;
    private long maxHeaderBytes = DEFAULT_MAX_HEADER_BYTES;
    private int maxStringBytes = DEFAULT_MAX_STRING_BYTES;
    private int maxJsonDepth = DEFAULT_MAX_JSON_DEPTH;
    private Duration scanTimeout = DEFAULT_SCAN_TIMEOUT;

    private Builder() {}

    private Builder(ScanLimits l) {
      maxNestingDepth = l.maxNestingDepth;
      maxArchiveMembers = l.maxArchiveMembers;
      maxMemberBytes = l.maxMemberBytes;
      maxTotalDecompressedBytes = l.maxTotalDecompressedBytes;
      maxCompressionRatio = l.maxCompressionRatio;
      maxHeaderBytes = l.maxHeaderBytes;
      maxStringBytes = l.maxStringBytes;
      maxJsonDepth = l.maxJsonDepth;
      scanTimeout = l.scanTimeout;
    }

    private static long positive(LimitType type, long value) {
      if (value < 1) {
        throw new IllegalArgumentException(type.settingName() + " must be at least 1, was " + value);
      }
      return value;
    }

    /**
     * Sets {@link ScanLimits#maxNestingDepth()}.
     *
     * @param value at least 1
     * @return this builder
     */
    public Builder maxNestingDepth(int value) {
      maxNestingDepth = (int) positive(LimitType.NESTING_DEPTH, value);
      return this;
    }

    /**
     * Sets {@link ScanLimits#maxArchiveMembers()}.
     *
     * @param value at least 1
     * @return this builder
     */
    public Builder maxArchiveMembers(int value) {
      maxArchiveMembers = (int) positive(LimitType.ARCHIVE_MEMBERS, value);
      return this;
    }

    /**
     * Sets {@link ScanLimits#maxMemberBytes()}.
     *
     * @param value at least 1
     * @return this builder
     */
    public Builder maxMemberBytes(long value) {
      maxMemberBytes = positive(LimitType.MEMBER_BYTES, value);
      return this;
    }

    /**
     * Sets {@link ScanLimits#maxTotalDecompressedBytes()}.
     *
     * @param value at least 1
     * @return this builder
     */
    public Builder maxTotalDecompressedBytes(long value) {
      maxTotalDecompressedBytes = positive(LimitType.TOTAL_DECOMPRESSED_BYTES, value);
      return this;
    }

    /**
     * Sets {@link ScanLimits#maxCompressionRatio()}.
     *
     * @param value at least 1
     * @return this builder
     */
    public Builder maxCompressionRatio(int value) {
      maxCompressionRatio = (int) positive(LimitType.COMPRESSION_RATIO, value);
      return this;
    }

    /**
     * Sets {@link ScanLimits#maxHeaderBytes()}.
     *
     * @param value at least 1
     * @return this builder
     */
    public Builder maxHeaderBytes(long value) {
      maxHeaderBytes = positive(LimitType.HEADER_BYTES, value);
      return this;
    }

    /**
     * Sets {@link ScanLimits#maxStringBytes()}.
     *
     * @param value at least 1
     * @return this builder
     */
    public Builder maxStringBytes(int value) {
      maxStringBytes = (int) positive(LimitType.STRING_BYTES, value);
      return this;
    }

    /**
     * Sets {@link ScanLimits#maxJsonDepth()}.
     *
     * @param value at least 1
     * @return this builder
     */
    public Builder maxJsonDepth(int value) {
      maxJsonDepth = (int) positive(LimitType.JSON_DEPTH, value);
      return this;
    }

    /**
     * Sets {@link ScanLimits#scanTimeout()}.
     *
     * @param value positive
     * @return this builder
     */
    public Builder scanTimeout(Duration value) {
      if (value == null || value.isZero() || value.isNegative()) {
        throw new IllegalArgumentException("scanTimeout must be positive, was " + value);
      }
      scanTimeout = value;
      return this;
    }

    /**
     * Builds the immutable limits.
     *
     * @return the limits
     */
    public ScanLimits build() {
      return new ScanLimits(this);
    }
  }
}
