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
 *   <tr><td>{@code maxPickleStackSize}</td><td>from the heap, at most {@value #DEFAULT_MAX_PICKLE_STACK_SIZE}</td>
 *       <td>pickles that push without end</td></tr>
 *   <tr><td>{@code maxPickleMemoSize}</td><td>from the heap, at most {@value #DEFAULT_MAX_PICKLE_MEMO_SIZE}</td>
 *       <td>memo explosion</td></tr>
 *   <tr><td>{@code maxPickleOpcodes}</td><td>{@value #DEFAULT_MAX_PICKLE_OPCODES}</td>
 *       <td>endless opcode streams; quadratic searches of junk</td></tr>
 *   <tr><td>{@code maxHdf5Objects}</td><td>{@value #DEFAULT_MAX_HDF5_OBJECTS}</td>
 *       <td>HDF5 files with millions of groups and datasets to walk</td></tr>
 *   <tr><td>{@code scanTimeout}</td><td>10 minutes</td>
 *       <td>anything else that is slow: the deadline of one input file</td></tr>
 * </table>
 *
 * <p><b>Limits that fit the heap.</b> A limit on how many values are held in memory is useless if the heap runs out
 * first: the scan then fails instead of stopping at the limit. So the defaults of the two limits that hold one object
 * per counted item, {@code maxPickleStackSize} and {@code maxPickleMemoSize}, are derived from the heap of the running
 * JVM ({@link Runtime#maxMemory()}) unless set explicitly:
 *
 * <pre>
 *   default = min(1,000,000, max(4,096, maxMemory / {@value #HEAP_BYTES_PER_PICKLE_ENTRY}))
 * </pre>
 *
 * <p>{@value #HEAP_BYTES_PER_PICKLE_ENTRY} bytes of heap per entry is several times what one simulated value costs (a
 * vocabulary pickle of short strings takes about 90 bytes per memo entry), which leaves room for the stack, the memo
 * and a second file scanned on another thread. Heaps of 512 MiB and more get the full 1,000,000; {@code -Xmx64m} gets
 * 131,072, so a 3,000,000-entry vocabulary stops there as a partial result instead of exhausting the heap. Set a
 * larger value explicitly (and give the JVM the heap for it) to scan such pickles completely.
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

  /**
   * The largest default of {@link #maxPickleStackSize()}; the default is smaller on a heap below 512 MiB (see the class
   * description).
   */
  public static final int DEFAULT_MAX_PICKLE_STACK_SIZE = 1_000_000;

  /**
   * The largest default of {@link #maxPickleMemoSize()}; the default is smaller on a heap below 512 MiB (see the class
   * description).
   */
  public static final int DEFAULT_MAX_PICKLE_MEMO_SIZE = 1_000_000;

  /** Heap bytes budgeted per pickle stack or memo entry when their defaults are derived from the heap. */
  public static final int HEAP_BYTES_PER_PICKLE_ENTRY = 512;

  /** The smallest heap-derived default of the pickle stack and memo sizes, whatever the heap. */
  static final int MIN_HEAP_DERIVED_PICKLE_ENTRIES = 4096;

  /**
   * Default of {@link #maxHdf5Objects()}: a Keras model with 10,000 layers has about 50,000 groups and datasets, and
   * walking one costs jHDF a few hundred bytes of heap.
   */
  public static final int DEFAULT_MAX_HDF5_OBJECTS = 200_000;

  /** Default of {@link #maxPickleOpcodes()}. */
  public static final long DEFAULT_MAX_PICKLE_OPCODES = 200_000_000L;

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
  private final int maxPickleStackSize;
  private final int maxPickleMemoSize;
  private final long maxPickleOpcodes;
  private final int maxHdf5Objects;
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
    this.maxPickleStackSize = b.maxPickleStackSize;
    this.maxPickleMemoSize = b.maxPickleMemoSize;
    this.maxPickleOpcodes = b.maxPickleOpcodes;
    this.maxHdf5Objects = b.maxHdf5Objects;
    this.scanTimeout = b.scanTimeout;
  }

  /**
   * The default of a pickle stack or memo limit for a heap of {@code maxMemory} bytes: {@code min(cap, max(4096,
   * maxMemory / HEAP_BYTES_PER_PICKLE_ENTRY))}.
   *
   * @param maxMemory the heap, as {@link Runtime#maxMemory()} reports it ({@link Long#MAX_VALUE} when unbounded)
   * @param cap the largest default
   * @return the default
   */
  static int heapDerived(long maxMemory, int cap) {
    long fit = Math.max(MIN_HEAP_DERIVED_PICKLE_ENTRIES, maxMemory / HEAP_BYTES_PER_PICKLE_ENTRY);
    return (int) Math.min(cap, fit);
  }

  /**
   * The default limits: the values of the {@code DEFAULT_*} constants, with the pickle stack and memo sizes fitted to
   * this JVM's heap (see the class description).
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
   * How many values the simulated pickle stack (all marks together) may hold. The default depends on the heap (see the
   * class description).
   *
   * @return the maximum size
   */
  public int maxPickleStackSize() {
    return maxPickleStackSize;
  }

  /**
   * How many memo entries a simulated pickle may store; it also bounds the distinct globals one pickle may import, to
   * one per ten memo entries. The default depends on the heap (see the class description).
   *
   * @return the maximum size
   */
  public int maxPickleMemoSize() {
    return maxPickleMemoSize;
  }

  /**
   * How many opcodes are interpreted in one pickle-bearing entry. The search for pickles hidden in data after a
   * pickle tries every byte as a start; there, each byte of a text line read by a trial (protocol 0 opcodes such as
   * {@code UNICODE} or {@code GLOBAL}) counts as one opcode too, so that junk made of one long line cannot make the
   * search quadratic.
   *
   * @return the maximum count
   */
  public long maxPickleOpcodes() {
    return maxPickleOpcodes;
  }

  /**
   * How many groups, datasets and links of one HDF5 file (a Keras {@code .h5}, the weights of a {@code .keras}) are
   * walked. Separate from {@link #maxArchiveMembers()}: a large Keras model has far more HDF5 objects than an archive
   * has members.
   *
   * @return the maximum count
   */
  public int maxHdf5Objects() {
    return maxHdf5Objects;
  }

  /**
   * How long the scan of one input file, with everything nested in it, may take.
   *
   * @return the deadline, positive
   */
  public Duration scanTimeout() {
    return scanTimeout;
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
        && maxPickleStackSize == l.maxPickleStackSize
        && maxPickleMemoSize == l.maxPickleMemoSize
        && maxPickleOpcodes == l.maxPickleOpcodes
        && maxHdf5Objects == l.maxHdf5Objects
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
        maxPickleStackSize,
        maxPickleMemoSize,
        maxPickleOpcodes,
        maxHdf5Objects,
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
        + ", maxPickleStackSize="
        + maxPickleStackSize
        + ", maxPickleMemoSize="
        + maxPickleMemoSize
        + ", maxPickleOpcodes="
        + maxPickleOpcodes
        + ", maxHdf5Objects="
        + maxHdf5Objects
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
    private int maxPickleStackSize =
        heapDerived(Runtime.getRuntime().maxMemory(), DEFAULT_MAX_PICKLE_STACK_SIZE);
    private int maxPickleMemoSize = heapDerived(Runtime.getRuntime().maxMemory(), DEFAULT_MAX_PICKLE_MEMO_SIZE);
    private long maxPickleOpcodes = DEFAULT_MAX_PICKLE_OPCODES;
    private int maxHdf5Objects = DEFAULT_MAX_HDF5_OBJECTS;
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
      maxPickleStackSize = l.maxPickleStackSize;
      maxPickleMemoSize = l.maxPickleMemoSize;
      maxPickleOpcodes = l.maxPickleOpcodes;
      maxHdf5Objects = l.maxHdf5Objects;
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
     * Sets {@link ScanLimits#maxPickleStackSize()}.
     *
     * @param value at least 1
     * @return this builder
     */
    public Builder maxPickleStackSize(int value) {
      maxPickleStackSize = (int) positive(LimitType.PICKLE_STACK_SIZE, value);
      return this;
    }

    /**
     * Sets {@link ScanLimits#maxPickleMemoSize()}.
     *
     * @param value at least 1
     * @return this builder
     */
    public Builder maxPickleMemoSize(int value) {
      maxPickleMemoSize = (int) positive(LimitType.PICKLE_MEMO_SIZE, value);
      return this;
    }

    /**
     * Sets {@link ScanLimits#maxPickleOpcodes()}.
     *
     * @param value at least 1
     * @return this builder
     */
    public Builder maxPickleOpcodes(long value) {
      maxPickleOpcodes = positive(LimitType.PICKLE_OPCODES, value);
      return this;
    }

    /**
     * Sets {@link ScanLimits#maxHdf5Objects()}.
     *
     * @param value at least 1
     * @return this builder
     */
    public Builder maxHdf5Objects(int value) {
      maxHdf5Objects = (int) positive(LimitType.HDF5_OBJECTS, value);
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
