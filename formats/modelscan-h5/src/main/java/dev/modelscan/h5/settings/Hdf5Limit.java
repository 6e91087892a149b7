package dev.modelscan.h5.settings;

import dev.modelscan.api.LimitSetting;

/**
 * The limits of {@link Hdf5Settings}, each with the name that messages, the command line and the Maven plugin use for
 * it.
 *
 * @since 0.2
 */
public enum Hdf5Limit implements LimitSetting {
  /** {@link Hdf5Settings#maxHdf5Objects()}. */
  OBJECTS("maxHdf5Objects");

  private final String settingName;

  Hdf5Limit(String settingName) {
    this.settingName = settingName;
  }

  /**
   * {@inheritDoc}
   *
   * <p>The builder method of {@link Hdf5Settings.Builder} that changes this limit.
   */
  @Override
  public String settingName() {
    return settingName;
  }
}
