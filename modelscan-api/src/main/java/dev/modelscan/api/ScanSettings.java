package dev.modelscan.api;

import java.util.Collections;
import java.util.Comparator;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What every scanner receives: the mode, the file size limit, the format-neutral {@link ScanLimits}, and the settings
 * of individual scanners as typed extensions. Immutable; create one with {@link #builder()}.
 *
 * <p><b>Extensions.</b> A scanner module that has settings of its own (the pickle scanner's stack and memo limits and
 * its allow and deny lists, for example) publishes an immutable settings type; an embedder puts a value of it here with
 * {@link Builder#extension(Class, Object)}, and the scanner reads it back with {@link #extension(Class)}, using its
 * own defaults when none was set. The neutral API never names a format's settings, and adding a format adds no
 * member here.
 *
 * <pre>{@code
 * ScanSettings settings = ScanSettings.builder()
 *     .limits(ScanLimits.builder().maxNestingDepth(5).build())
 *     .extension(PickleSettings.class, PickleSettings.builder().allowGlobals("mypkg.Layer").build())
 *     .build();
 * }</pre>
 *
 * <p>How a report is judged (the severity threshold, the exit code) is not here: scanners report what they find
 * whatever the threshold, and the front ends apply their report policy to the result.
 *
 * @since 0.1
 */
public final class ScanSettings {

  /** The value of {@link #maxFileSize()} that means "no limit". */
  public static final long UNLIMITED_FILE_SIZE = Long.MAX_VALUE;

  private static final ScanSettings DEFAULTS = new Builder().build();

  private final ScanMode mode;
  private final long maxFileSize;
  private final ScanLimits limits;
  private final Map<Class<?>, Object> extensions;

  private ScanSettings(Builder b) {
    this.mode = b.mode;
    this.maxFileSize = b.maxFileSize;
    this.limits = b.limits;
    Map<Class<?>, Object> copy = new TreeMap<>(Comparator.comparing(Class::getName));
    copy.putAll(b.extensions);
    this.extensions = Collections.unmodifiableMap(copy);
  }

  /**
   * Thorough mode, no file size limit, default limits, no extensions (every scanner uses its own defaults).
   *
   * @return the shared default settings
   */
  public static ScanSettings defaults() {
    return DEFAULTS;
  }

  /**
   * A builder starting from the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder starting from these settings.
   *
   * @return a new builder
   */
  public Builder rebuild() {
    return new Builder(this);
  }

  /**
   * Quick or thorough. What each mode means in detail is for each scanner to say (the pickle scanner, for example,
   * reports unknown globals only in thorough mode).
   *
   * @return the mode
   */
  public ScanMode mode() {
    return mode;
  }

  /**
   * Input files larger than this are skipped (status {@link ScanStatus#SKIPPED}, never clean).
   *
   * @return the largest size scanned, in bytes; {@link #UNLIMITED_FILE_SIZE} for no limit
   */
  public long maxFileSize() {
    return maxFileSize;
  }

  /**
   * The format-neutral resource limits.
   *
   * @return the limits
   */
  public ScanLimits limits() {
    return limits;
  }

  /**
   * The settings a scanner module keeps under {@code type}, in the manner of a typed context: each type is a key, and
   * its value is an instance of it.
   *
   * @param type the settings type, such as the pickle module's {@code PickleSettings}
   * @param <T> the settings type
   * @return the value set with {@link Builder#extension(Class, Object)}, or empty when none was (the scanner then
   *     uses its defaults)
   */
  public <T> Optional<T> extension(Class<T> type) {
    return Optional.ofNullable(type.cast(extensions.get(Objects.requireNonNull(type, "type"))));
  }

  /**
   * Every extension set, by type.
   *
   * @return an unmodifiable map from each settings type to its value, ordered by type name
   */
  public Map<Class<?>, Object> extensions() {
    return extensions;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof ScanSettings)) {
      return false;
    }
    ScanSettings s = (ScanSettings) o;
    return mode == s.mode
        && maxFileSize == s.maxFileSize
        && limits.equals(s.limits)
        && extensions.equals(s.extensions);
  }

  @Override
  public int hashCode() {
    return Objects.hash(mode, maxFileSize, limits, extensions);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("ScanSettings{mode=")
        .append(mode)
        .append(", maxFileSize=")
        .append(maxFileSize)
        .append(", limits=")
        .append(limits);
    for (Object value : extensions.values()) {
      sb.append(", ").append(value);
    }
    return sb.append('}').toString();
  }

  /**
   * Builds {@link ScanSettings}. Not thread-safe.
   *
   * @since 0.1
   */
  public static final class Builder {
    private ScanMode mode = ScanMode.THOROUGH;
    private long maxFileSize = UNLIMITED_FILE_SIZE;
    private ScanLimits limits = ScanLimits.defaults();
    private final Map<Class<?>, Object> extensions = new TreeMap<>(Comparator.comparing(Class::getName));

    private Builder() {}

    private Builder(ScanSettings s) {
      mode = s.mode;
      maxFileSize = s.maxFileSize;
      limits = s.limits;
      extensions.putAll(s.extensions);
    }

    /**
     * Sets {@link ScanSettings#mode()}.
     *
     * @param value the mode, not null
     * @return this builder
     */
    public Builder mode(ScanMode value) {
      mode = Objects.requireNonNull(value, "mode");
      return this;
    }

    /**
     * Sets {@link ScanSettings#maxFileSize()}.
     *
     * @param value at least 1
     * @return this builder
     */
    public Builder maxFileSize(long value) {
      if (value < 1) {
        throw new IllegalArgumentException(LimitType.FILE_SIZE.settingName() + " must be at least 1, was " + value);
      }
      maxFileSize = value;
      return this;
    }

    /**
     * Sets {@link ScanSettings#limits()}.
     *
     * @param value the limits, not null
     * @return this builder
     */
    public Builder limits(ScanLimits value) {
      limits = Objects.requireNonNull(value, "limits");
      return this;
    }

    /**
     * Sets the settings of a scanner module, replacing any value set before for the same type. The value must be
     * immutable: the settings are shared by every scan and every thread.
     *
     * @param type the settings type, the key the scanner reads it by
     * @param value an instance of {@code type}, not null
     * @param <T> the settings type
     * @return this builder
     * @throws ClassCastException when {@code value} is not an instance of {@code type}
     */
    public <T> Builder extension(Class<T> type, T value) {
      Objects.requireNonNull(type, "type");
      extensions.put(type, type.cast(Objects.requireNonNull(value, "value")));
      return this;
    }

    /**
     * Removes the settings of a scanner module, so that it uses its defaults.
     *
     * @param type the settings type
     * @return this builder
     */
    public Builder removeExtension(Class<?> type) {
      extensions.remove(Objects.requireNonNull(type, "type"));
      return this;
    }

    /**
     * Builds the immutable settings.
     *
     * @return the settings
     */
    public ScanSettings build() {
      return new ScanSettings(this);
    }
  }
}
