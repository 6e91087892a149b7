package dev.modelscan.h5.settings;

import dev.modelscan.api.ScanLimitExceededException;
import dev.modelscan.api.ScanLimits;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.spi.ScanContext;
import java.util.Objects;

/**
 * What the HDF5 scanner needs beyond the format-neutral {@link ScanSettings}: how many groups, datasets and links of
 * one HDF5 file (a Keras {@code .h5}, the weights of a {@code .keras}) are walked. Separate from {@link
 * ScanLimits#maxArchiveMembers()}: a large Keras model has far more HDF5 objects than an archive has members.
 *
 * <p>Immutable; create one with {@link #builder()} and hand it to a scan with {@code
 * ScanSettings.builder().extension(Hdf5Settings.class, value)}. The scanner reads it with {@link #of(ScanSettings)},
 * which gives {@link #defaults()} when none was set.
 *
 * <p><b>A limit that fits the heap.</b> jHDF keeps every group's children while a file is open, about a kilobyte per
 * object walked, so unless set explicitly the default is {@code min(200,000, max(4,096, maxMemory / 2048))} ({@link
 * ScanLimits#heapDerived}): {@code -Xmx64m} walks 32,768 objects (a Keras model of 8,000 layers), 400 MiB and more the
 * full 200,000. Set a larger value explicitly (and give the JVM the heap for it) to scan such files completely.
 *
 * @since 0.2
 */
public final class Hdf5Settings {

  /**
   * The largest default of {@link #maxHdf5Objects()}, reached with 400 MiB of heap: a Keras model stores four HDF5
   * objects per layer, so this walks models of 50,000 layers.
   */
  public static final int DEFAULT_MAX_HDF5_OBJECTS = 200_000;

  /** Heap bytes budgeted per HDF5 object walked when the default of {@link #maxHdf5Objects()} is derived. */
  public static final int HEAP_BYTES_PER_HDF5_OBJECT = 2048;

  private static final Hdf5Settings DEFAULTS = new Builder().build();

  private final int maxHdf5Objects;

  private Hdf5Settings(Builder b) {
    this.maxHdf5Objects = b.maxHdf5Objects;
  }

  /**
   * The defaults: the object limit fitted to this JVM's heap.
   *
   * @return the shared default instance
   */
  public static Hdf5Settings defaults() {
    return DEFAULTS;
  }

  /**
   * The HDF5 settings of a scan: those set with {@code ScanSettings.Builder.extension(Hdf5Settings.class, ...)}, else
   * {@link #defaults()}.
   *
   * @param settings the scan's settings
   * @return the HDF5 settings, never null
   */
  public static Hdf5Settings of(ScanSettings settings) {
    return settings.extension(Hdf5Settings.class).orElse(DEFAULTS);
  }

  /**
   * The HDF5 settings of the scan a context belongs to; short for {@code of(ctx.settings())}.
   *
   * @param ctx the scan context
   * @return the HDF5 settings, never null
   */
  public static Hdf5Settings of(ScanContext ctx) {
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
    return new Builder().maxHdf5Objects(maxHdf5Objects);
  }

  /**
   * How many groups, datasets and links of one HDF5 file are walked. The default depends on the heap (see the class
   * description).
   *
   * @return the maximum count
   */
  public int maxHdf5Objects() {
    return maxHdf5Objects;
  }

  /**
   * The standard exception for a file that went past one limit, with the configured value filled in.
   *
   * @param limit the limit
   * @param requested what the file asked for, or -1 when unknown
   * @param what a few words on what hit it
   * @return the exception, not thrown
   */
  public ScanLimitExceededException exceeded(Hdf5Limit limit, long requested, String what) {
    Objects.requireNonNull(limit, "limit");
    return new ScanLimitExceededException(limit, maxHdf5Objects, requested, what);
  }

  /**
   * Checks that a walk stays within one limit, in one call.
   *
   * @param limit the limit
   * @param requested what the file asks for
   * @param what a few words on what asks for it; the message adds the setting's name and value
   * @throws ScanLimitExceededException when {@code requested} is larger than the limit
   */
  public void check(Hdf5Limit limit, long requested, String what) {
    if (requested > maxHdf5Objects) {
      throw exceeded(limit, requested, what);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Hdf5Settings && ((Hdf5Settings) o).maxHdf5Objects == maxHdf5Objects;
  }

  @Override
  public int hashCode() {
    return Integer.hashCode(maxHdf5Objects);
  }

  @Override
  public String toString() {
    return "Hdf5Settings{maxHdf5Objects=" + maxHdf5Objects + '}';
  }

  /**
   * Builds {@link Hdf5Settings}. Not thread-safe.
   *
   * @since 0.2
   */
  public static final class Builder {
    private int maxHdf5Objects =
        ScanLimits.heapDerived(
            Runtime.getRuntime().maxMemory(), DEFAULT_MAX_HDF5_OBJECTS, HEAP_BYTES_PER_HDF5_OBJECT);

    private Builder() {}

    /**
     * Sets {@link Hdf5Settings#maxHdf5Objects()}.
     *
     * @param value at least 1
     * @return this builder
     */
    public Builder maxHdf5Objects(int value) {
      if (value < 1) {
        throw new IllegalArgumentException(
            Hdf5Limit.OBJECTS.settingName() + " must be at least 1, was " + value);
      }
      maxHdf5Objects = value;
      return this;
    }

    /**
     * Builds the immutable settings.
     *
     * @return the settings
     */
    public Hdf5Settings build() {
      return new Hdf5Settings(this);
    }
  }
}
