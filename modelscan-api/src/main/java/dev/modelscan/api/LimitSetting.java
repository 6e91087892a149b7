package dev.modelscan.api;

/**
 * One limit a scan stays within, known by the name of the setting that changes it. The format-neutral limits are the
 * constants of {@link LimitType}; a scanner module whose own settings hold limits (reached through {@link
 * ScanSettings#extension(Class)}) names them with its own implementation, usually an enum.
 *
 * <p>A {@link ScanLimitExceededException} quotes {@link #settingName()} and {@link #optionName()}, so every limit
 * message tells the user what to change, whether they call the builder or run the command line. Implementations are
 * immutable.
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

  /**
   * The command-line option, configuration-file key (without the dashes) and Maven plugin parameter that change this
   * limit, derived from {@link #settingName()}.
   *
   * @return for example {@code --max-nesting-depth} for {@code maxNestingDepth}
   */
  default String optionName() {
    String name = settingName();
    StringBuilder sb = new StringBuilder(name.length() + 6).append("--");
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isUpperCase(c)) {
        sb.append('-').append(Character.toLowerCase(c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
