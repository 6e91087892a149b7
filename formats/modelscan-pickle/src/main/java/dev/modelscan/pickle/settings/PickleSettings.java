package dev.modelscan.pickle.settings;

import dev.modelscan.api.ScanLimitExceededException;
import dev.modelscan.api.ScanLimits;
import dev.modelscan.api.ScanMode;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.Severity;
import dev.modelscan.api.spi.ScanContext;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the pickle scanners (pickles, PyTorch and joblib files, NumPy object arrays, and the Python source and configs
 * that name callables the same way) need beyond the format-neutral {@link ScanSettings}: the bounds of the simulated
 * pickle machine, the embedder's allow and deny lists of Python globals, and how unknown globals are reported.
 *
 * <p>Immutable; create one with {@link #builder()}, and hand it to a scan with {@code
 * ScanSettings.builder().extension(PickleSettings.class, value)}. Scanners read it with {@link #of(ScanSettings)},
 * which gives {@link #defaults()} when none was set.
 *
 * <table>
 *   <caption>Limits, defaults and what each protects</caption>
 *   <tr><th>limit</th><th>default</th><th>protects against</th></tr>
 *   <tr><td>{@code maxPickleStackSize}</td><td>from the heap, at most {@value #DEFAULT_MAX_PICKLE_STACK_SIZE}</td>
 *       <td>pickles that push without end</td></tr>
 *   <tr><td>{@code maxPickleMemoSize}</td><td>256 MiB, at most 5/8 of the heap</td>
 *       <td>memo explosion (counted in bytes of the scanner's representation)</td></tr>
 *   <tr><td>{@code maxPickleOpcodes}</td><td>{@value #DEFAULT_MAX_PICKLE_OPCODES}</td>
 *       <td>endless opcode streams; quadratic searches of junk</td></tr>
 * </table>
 *
 * <p><b>Limits that fit the heap.</b> A limit on how many values are held in memory is useless if the heap runs out
 * first. So unless set explicitly, {@code maxPickleStackSize = min(1,000,000, max(4,096, maxMemory / 512))} ({@link
 * ScanLimits#heapDerived}) and the memo limit is at most 5/8 of the heap. {@value #HEAP_BYTES_PER_PICKLE_ENTRY} bytes of
 * heap per entry is several times what one simulated value costs (a vocabulary pickle of short strings takes about 90
 * bytes per memo entry), which leaves room for the stack, the memo and a second file scanned on another thread. Heaps
 * of 512 MiB and more get the full 1,000,000; {@code -Xmx64m} gets 131,072, so a 3,000,000-entry vocabulary stops
 * there as a partial result instead of exhausting the heap.
 *
 * <p><b>Globals.</b> Names are Python globals as {@code module.qualname} (for example {@code "mypkg.layers.Custom"}).
 * Denied names are reported as CRITICAL wherever they appear; allowed names are not reported unless they are also on
 * the built-in always-dangerous list, which embedders cannot switch off (an allow entry for {@code os.system} would be
 * a hole, not a setting).
 *
 * <p><b>Modes.</b> In {@link ScanMode#QUICK} mode only what is known to be dangerous is reported; globals that are
 * neither known safe nor known dangerous are reported only in {@link ScanMode#THOROUGH} mode, at {@link
 * #unknownGlobalSeverity()} ({@link #reportsUnknownGlobals(ScanMode)}).
 *
 * @since 0.2
 */
public final class PickleSettings {

  /**
   * The largest default of {@link #maxPickleStackSize()}; the default is smaller on a heap below 512 MiB (see the class
   * description).
   */
  public static final int DEFAULT_MAX_PICKLE_STACK_SIZE = 1_000_000;

  /**
   * The largest default of {@link #maxPickleMemoSize()}: 256 MiB, about 67 million entries of numbers, short strings
   * or small literal tuples (4 bytes each), or 2.8 million other values (96 bytes each). The default is 5/8 of the
   * heap ({@link Runtime#maxMemory()}) when that is less: the count is in bytes of the memo's real representation,
   * so a memo explosion stops at the limit before it exhausts the heap, and a 64 MiB JVM (40 MiB) still completes a
   * list of ten million memoised records.
   */
  public static final int DEFAULT_MAX_PICKLE_MEMO_SIZE = 256 << 20;

  /**
   * Bytes of {@link #maxPickleMemoSize()} budgeted per distinct global one pickle imports: each import costs a record,
   * so a pickle that imports without end stops at this share of the memo limit (131,072 imports at the largest
   * default).
   */
  public static final int MEMO_BYTES_PER_IMPORT = 2048;

  /** Heap bytes budgeted per pickle stack entry when its default is derived from the heap. */
  public static final int HEAP_BYTES_PER_PICKLE_ENTRY = 512;

  /** Default of {@link #maxPickleOpcodes()}. */
  public static final long DEFAULT_MAX_PICKLE_OPCODES = 200_000_000L;

  /** Default of {@link #unknownGlobalSeverity()}. */
  public static final Severity DEFAULT_UNKNOWN_GLOBAL_SEVERITY = Severity.MEDIUM;

  private static final PickleSettings DEFAULTS = new Builder().build();

  private final int maxPickleStackSize;
  private final int maxPickleMemoSize;
  private final long maxPickleOpcodes;
  private final Set<String> allowedGlobals;
  private final Set<String> deniedGlobals;
  private final Severity unknownGlobalSeverity;

  private PickleSettings(Builder b) {
    this.maxPickleStackSize = b.maxPickleStackSize;
    this.maxPickleMemoSize = b.maxPickleMemoSize;
    this.maxPickleOpcodes = b.maxPickleOpcodes;
    this.allowedGlobals = Set.copyOf(b.allowedGlobals);
    this.deniedGlobals = Set.copyOf(b.deniedGlobals);
    this.unknownGlobalSeverity = b.unknownGlobalSeverity;
  }

  /** The default of {@link #maxPickleMemoSize()} for a heap of {@code maxMemory} bytes (see the constant). */
  static int heapMemoDefault(long maxMemory) {
    return (int) Math.max(1 << 20, Math.min(DEFAULT_MAX_PICKLE_MEMO_SIZE, maxMemory / 8 * 5));
  }

  /**
   * The defaults: the {@code DEFAULT_*} constants with the stack and memo limits fitted to this JVM's heap, no allow
   * or deny list.
   *
   * @return the shared default instance
   */
  public static PickleSettings defaults() {
    return DEFAULTS;
  }

  /**
   * The pickle settings of a scan: those set with {@code ScanSettings.Builder.extension(PickleSettings.class, ...)},
   * else {@link #defaults()}.
   *
   * @param settings the scan's settings
   * @return the pickle settings, never null
   */
  public static PickleSettings of(ScanSettings settings) {
    return settings.extension(PickleSettings.class).orElse(DEFAULTS);
  }

  /**
   * The pickle settings of the scan a context belongs to; short for {@code of(ctx.settings())}.
   *
   * @param ctx the scan context
   * @return the pickle settings, never null
   */
  public static PickleSettings of(ScanContext ctx) {
    return of(ctx.settings());
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
   * A builder that starts from these settings.
   *
   * @return a new builder
   */
  public Builder rebuild() {
    return new Builder(this);
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
   * How many bytes the memo of a simulated pickle may take, counted in the scanner's compact representation: every
   * store of a number, None, a boolean, a string or bytes of at most 255 bytes, or a literal tuple of such values
   * written in at most 255 bytes of opcodes counts 4 bytes; every store of any other value (a list, a dict, the
   * result of a call, a global) counts 96 bytes. A pickle's memo therefore needs memory in proportion to this
   * count, not to the number of entries, and real files whose memo holds millions of records complete.
   *
   * <p>It also bounds the distinct globals one pickle may import (each costs a record): one per {@value
   * #MEMO_BYTES_PER_IMPORT} bytes of this limit.
   *
   * @return the maximum size in bytes
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
   * Globals the embedder declares safe in addition to the built-in allowlist.
   *
   * @return an unmodifiable set of {@code module.qualname} names
   */
  public Set<String> allowedGlobals() {
    return allowedGlobals;
  }

  /**
   * Globals the embedder declares dangerous in addition to the built-in denylist.
   *
   * @return an unmodifiable set of {@code module.qualname} names
   */
  public Set<String> deniedGlobals() {
    return deniedGlobals;
  }

  /**
   * The severity of references that are neither known safe nor known dangerous, when they are reported at all ({@link
   * #reportsUnknownGlobals(ScanMode)}).
   *
   * @return the severity
   */
  public Severity unknownGlobalSeverity() {
    return unknownGlobalSeverity;
  }

  /**
   * What a scan mode means for pickles: whether references that are neither known safe nor known dangerous are
   * reported. Quick mode reports only what is known to be dangerous (and what the deny list names); thorough mode
   * also reports unknown references, at {@link #unknownGlobalSeverity()}.
   *
   * @param mode the scan's mode
   * @return true in thorough mode
   */
  public boolean reportsUnknownGlobals(ScanMode mode) {
    return mode == ScanMode.THOROUGH;
  }

  /**
   * The configured value of one limit.
   *
   * @param limit the limit
   * @return its value
   */
  public long value(PickleLimit limit) {
    switch (Objects.requireNonNull(limit, "limit")) {
      case STACK_SIZE:
        return maxPickleStackSize;
      case MEMO_SIZE:
        return maxPickleMemoSize;
      default:
        return maxPickleOpcodes;
    }
  }

  /**
   * Checks that the simulated machine stays within one limit, in one call.
   *
   * @param limit the limit
   * @param requested what the pickle asks for
   * @param what a few words on what asks for it; the message adds the setting's name and value
   * @throws ScanLimitExceededException when {@code requested} is larger than the limit
   */
  public void check(PickleLimit limit, long requested, String what) {
    long max = value(limit);
    if (requested > max) {
      throw new ScanLimitExceededException(limit, max, requested, what);
    }
  }

  /**
   * The standard exception for a pickle that went past one limit, with the configured value filled in.
   *
   * @param limit the limit
   * @param requested what the pickle asked for, or -1 when unknown
   * @param what a few words on what hit it
   * @return the exception, not thrown
   */
  public ScanLimitExceededException exceeded(PickleLimit limit, long requested, String what) {
    return new ScanLimitExceededException(limit, value(limit), requested, what);
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof PickleSettings)) {
      return false;
    }
    PickleSettings p = (PickleSettings) o;
    return maxPickleStackSize == p.maxPickleStackSize
        && maxPickleMemoSize == p.maxPickleMemoSize
        && maxPickleOpcodes == p.maxPickleOpcodes
        && allowedGlobals.equals(p.allowedGlobals)
        && deniedGlobals.equals(p.deniedGlobals)
        && unknownGlobalSeverity == p.unknownGlobalSeverity;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        maxPickleStackSize, maxPickleMemoSize, maxPickleOpcodes, allowedGlobals, deniedGlobals, unknownGlobalSeverity);
  }

  @Override
  public String toString() {
    return "PickleSettings{maxPickleStackSize="
        + maxPickleStackSize
        + ", maxPickleMemoSize="
        + maxPickleMemoSize
        + ", maxPickleOpcodes="
        + maxPickleOpcodes
        + ", allowedGlobals="
        + new TreeSet<>(allowedGlobals)
        + ", deniedGlobals="
        + new TreeSet<>(deniedGlobals)
        + ", unknownGlobalSeverity="
        + unknownGlobalSeverity
        + '}';
  }

  /**
   * Builds {@link PickleSettings}. Every limit setter rejects values below 1. Not thread-safe.
   *
   * @since 0.2
   */
  public static final class Builder {
    private int maxPickleStackSize =
        ScanLimits.heapDerived(
            Runtime.getRuntime().maxMemory(), DEFAULT_MAX_PICKLE_STACK_SIZE, HEAP_BYTES_PER_PICKLE_ENTRY);
    private int maxPickleMemoSize = heapMemoDefault(Runtime.getRuntime().maxMemory());
    private long maxPickleOpcodes = DEFAULT_MAX_PICKLE_OPCODES;
    private final Set<String> allowedGlobals = new TreeSet<>();
    private final Set<String> deniedGlobals = new TreeSet<>();
    private Severity unknownGlobalSeverity = DEFAULT_UNKNOWN_GLOBAL_SEVERITY;

    private Builder() {}

    private Builder(PickleSettings p) {
      maxPickleStackSize = p.maxPickleStackSize;
      maxPickleMemoSize = p.maxPickleMemoSize;
      maxPickleOpcodes = p.maxPickleOpcodes;
      allowedGlobals.addAll(p.allowedGlobals);
      deniedGlobals.addAll(p.deniedGlobals);
      unknownGlobalSeverity = p.unknownGlobalSeverity;
    }

    private static long positive(PickleLimit limit, long value) {
      if (value < 1) {
        throw new IllegalArgumentException(limit.settingName() + " must be at least 1, was " + value);
      }
      return value;
    }

    /**
     * Sets {@link PickleSettings#maxPickleStackSize()}.
     *
     * @param value at least 1
     * @return this builder
     */
    public Builder maxPickleStackSize(int value) {
      maxPickleStackSize = (int) positive(PickleLimit.STACK_SIZE, value);
      return this;
    }

    /**
     * Sets {@link PickleSettings#maxPickleMemoSize()}.
     *
     * @param value at least 1
     * @return this builder
     */
    public Builder maxPickleMemoSize(int value) {
      maxPickleMemoSize = (int) positive(PickleLimit.MEMO_SIZE, value);
      return this;
    }

    /**
     * Sets {@link PickleSettings#maxPickleOpcodes()}.
     *
     * @param value at least 1
     * @return this builder
     */
    public Builder maxPickleOpcodes(long value) {
      maxPickleOpcodes = positive(PickleLimit.OPCODES, value);
      return this;
    }

    /**
     * Adds names to {@link PickleSettings#allowedGlobals()}.
     *
     * @param names {@code module.qualname} names
     * @return this builder
     */
    public Builder allowGlobals(String... names) {
      for (String n : names) {
        allowedGlobals.add(Objects.requireNonNull(n, "name"));
      }
      return this;
    }

    /**
     * Adds names to {@link PickleSettings#deniedGlobals()}.
     *
     * @param names {@code module.qualname} names
     * @return this builder
     */
    public Builder denyGlobals(String... names) {
      for (String n : names) {
        deniedGlobals.add(Objects.requireNonNull(n, "name"));
      }
      return this;
    }

    /**
     * Sets {@link PickleSettings#unknownGlobalSeverity()}.
     *
     * @param value the severity, not null
     * @return this builder
     */
    public Builder unknownGlobalSeverity(Severity value) {
      unknownGlobalSeverity = Objects.requireNonNull(value, "unknownGlobalSeverity");
      return this;
    }

    /**
     * Builds the immutable settings.
     *
     * @return the settings
     */
    public PickleSettings build() {
      return new PickleSettings(this);
    }
  }
}
