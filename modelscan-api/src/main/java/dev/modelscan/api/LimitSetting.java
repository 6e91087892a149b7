package dev.modelscan.api;

/**
 * One limit a scan stays within, known by the name of the setting that changes it. The format-neutral limits are the
 * constants of {@link LimitType}; a scanner module whose own settings hold limits (reached through {@link
 * ScanSettings#extension(Class)}) names them with its own implementation, usually an enum.
 *
 * <p>A {@link ScanLimitExceededException} quotes {@link #settingName()}, so every limit message tells the user what
 * to change. Implementations are immutable.
 *
 * @since 0.2
 */
public interface LimitSetting {

  /**
   * The name of the setting that changes this limit: the builder method that sets it and, in kebab case, the
   * command-line option ({@code maxNestingDepth} is {@code --max-nesting-depth}).
   *
   * @return the name in camel case, never empty
   */
  String settingName();
}
