package dev.modelscan.pickle.settings;

import dev.modelscan.api.LimitSetting;

/**
 * The limits of {@link PickleSettings}, each with the name that messages, the command line and the Maven plugin use
 * for it.
 *
 * @since 0.2
 */
public enum PickleLimit implements LimitSetting {
  /** {@link PickleSettings#maxPickleStackSize()}. */
  STACK_SIZE("maxPickleStackSize"),
  /** {@link PickleSettings#maxPickleMemoSize()}. */
  MEMO_SIZE("maxPickleMemoSize"),
  /** {@link PickleSettings#maxPickleOpcodes()}. */
  OPCODES("maxPickleOpcodes");

  private final String settingName;

  PickleLimit(String settingName) {
    this.settingName = settingName;
  }

  /**
   * {@inheritDoc}
   *
   * <p>The builder method of {@link PickleSettings.Builder} that changes this limit.
   */
  @Override
  public String settingName() {
    return settingName;
  }
}
