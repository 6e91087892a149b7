package dev.modelscan.api.spi;

import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;

/**
 * Describes the settings type a scanner module owns (see {@link dev.modelscan.api.ScanSettings#extension(Class)}) and
 * the options by which front ends (the command line, the Maven plugin, a configuration file) set it. A module that
 * has settings of its own provides one with {@code provides dev.modelscan.api.spi.SettingsExtension with ...} (and a
 * {@code META-INF/services} entry for the class path); the engine's registry finds it beside the scanners.
 *
 * <p>Front ends parse option text once, in the engine's grammar ({@link Kind}), and hand the typed value to {@link
 * Option#apply()}; so a module declares what an option is, never how sizes or durations are spelled.
 *
 * @param <T> the settings type, immutable
 * @since 0.2
 */
public interface SettingsExtension<T> {

  /**
   * The settings type, the key of {@link dev.modelscan.api.ScanSettings#extension(Class)}.
   *
   * @return the class
   */
  Class<T> type();

  /**
   * The settings a scanner uses when none were set.
   *
   * @return the defaults
   */
  T defaults();

  /**
   * The options that change these settings, named as the command line names them without the dashes.
   *
   * @return the options, each name unique among every module's options
   */
  List<Option<T>> options();

  /** How the text of an option is parsed before it reaches {@link Option#apply()}. */
  enum Kind {
    /** A whole number of at least 1 held in an {@code int}: the value is an {@link Integer}. */
    INT,
    /** A whole number of at least 1 held in a {@code long}: the value is a {@link Long}. */
    LONG,
    /** A size in bytes with an optional unit (512K, 64M), held in an {@code int}: the value is an {@link Integer}. */
    INT_SIZE,
    /** A size in bytes with an optional unit, held in a {@code long}: the value is a {@link Long}. */
    SIZE,
    /** A duration with a unit (30s, 10m): the value is a {@link java.time.Duration}. */
    DURATION,
    /** A severity name, case-insensitive: the value is a {@link dev.modelscan.api.Severity}. */
    SEVERITY,
    /**
     * One word of a fixed set, case-insensitive: the value is the word in lower case, stripped; {@link
     * Option#apply()} rejects a word it does not know.
     */
    WORD,
    /** {@code true} or {@code false}, case-insensitive: the value is a {@link Boolean}. */
    BOOLEAN,
    /** Free text, repeatable: {@link Option#apply()} is called once per value with a {@link String}. */
    TEXT_LIST
  }

  /**
   * One option of a settings type.
   *
   * @param name the long option name, kebab case without dashes ({@code max-pickle-stack-size}); the camel-case form
   *     is the setting's name in messages and builders
   * @param kind how its text is parsed
   * @param description one line for help text
   * @param apply returns the settings with this option set to the parsed value; throws {@link
   *     IllegalArgumentException} for a value out of range, with a message naming the setting
   * @param <T> the settings type
   * @since 0.2
   */
  record Option<T>(String name, Kind kind, String description, BiFunction<T, Object, T> apply) {

    /**
     * Validates the components.
     *
     * @param name not empty
     * @param kind not null
     * @param description not null
     * @param apply not null
     */
    public Option {
      Objects.requireNonNull(name, "name");
      if (name.isEmpty() || name.startsWith("-")) {
        throw new IllegalArgumentException("an option name is kebab case without dashes, was '" + name + "'");
      }
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(description, "description");
      Objects.requireNonNull(apply, "apply");
    }
  }
}
