package dev.modelscan.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The options of {@code modelscan scan} as plain data: their names, what kind of value each takes, and which ones a
 * configuration file may hold.
 *
 * <p>Why it exists: picocli's model of the commands is built by reflection over annotated fields, and picocli's classes
 * (compiled for Java 5) cannot go into a class-data-sharing archive, so building it is about a third of the start-up of
 * a one-file scan. The common command line is therefore read with this table ({@link ScanArgumentParser}), and so are a
 * configuration file's keys ({@link ConfigArguments}) and the flag names in messages ({@link UsageErrors}), none of
 * which loads picocli. The annotations on {@link ScanCommand} stay the source of help and error messages; {@code
 * ScanFlagsTest} fails when the two disagree on any name or kind.
 */
final class ScanFlags {

  /** What an option takes. */
  enum Kind {
    /** A switch without value ({@code --verbose}). */
    FLAG,
    /** A switch with a {@code --no-} form ({@code --color}, {@code --no-color}). */
    NEGATABLE,
    /** One value; given twice is an error. */
    VALUE,
    /** One value per occurrence, repeatable ({@code --include}). */
    LIST
  }

  /**
   * One option.
   *
   * @param longName the long name with its dashes ({@code --max-file-size})
   * @param shortName the one-letter name with its dash, or null
   * @param kind what it takes
   * @param path whether its values are file-system paths (a configuration file's relative paths are then resolved
   *     against the file's folder)
   * @param configurable whether a configuration file may set it
   * @param defaultValue the value it has when not given, or null
   */
  record Flag(String longName, String shortName, Kind kind, boolean path, boolean configurable, String defaultValue) {

    /**
     * The configuration key: the long name without its dashes.
     *
     * @return the key
     */
    String key() {
      return longName.substring(2);
    }
  }

  /** Every option of {@code scan}, in the order of its help. */
  static final List<Flag> ALL =
      List.of(
          value("--format", "-f"),
          path("--output", "-o", Kind.VALUE),
          new Flag("--severity-threshold", "-t", Kind.VALUE, false, true, "MEDIUM"),
          new Flag("--mode", "-m", Kind.VALUE, false, true, "thorough"),
          value("--max-file-size", null),
          value("--max-nesting-depth", null),
          value("--max-archive-members", null),
          value("--max-member-bytes", null),
          value("--max-total-decompressed-bytes", null),
          value("--max-compression-ratio", null),
          value("--max-header-bytes", null),
          value("--max-string-bytes", null),
          value("--max-json-depth", null),
          value("--max-pickle-stack-size", null),
          value("--max-pickle-memo-size", null),
          value("--max-pickle-opcodes", null),
          value("--max-hdf5-objects", null),
          value("--scan-timeout", null),
          list("--allow-global"),
          list("--deny-global"),
          value("--unknown-global-severity", null),
          list("--include"),
          list("--exclude"),
          flag("--follow-dir-links", null, true),
          value("--threads", "-j"),
          flag("--verbose", "-v", true),
          flag("--quiet", "-q", true),
          new Flag("--color", null, Kind.NEGATABLE, false, true, null),
          new Flag("--progress", null, Kind.NEGATABLE, false, true, null),
          path("--baseline", null, Kind.VALUE),
          path("--sarif-root", null, Kind.VALUE),
          flag("--list-scanners", null, false),
          path("--plugin-path", null, Kind.LIST),
          new Flag("--config", null, Kind.VALUE, true, false, null),
          flag("--no-config", null, false),
          flag("--help", "-h", false),
          flag("--version", "-V", false));

  private static final Map<String, Flag> BY_NAME = index();

  private ScanFlags() {}

  /**
   * The option of this name.
   *
   * @param name a long name ({@code --output}) or a short one ({@code -o}), with its dashes
   * @return the option, or empty when {@code scan} has none of that name
   */
  static Optional<Flag> find(String name) {
    return Optional.ofNullable(BY_NAME.get(name));
  }

  /**
   * The keys a configuration file may hold: the long names, without dashes, of every configurable option.
   *
   * @return the keys, sorted
   */
  static Set<String> configKeys() {
    Set<String> keys = new TreeSet<>();
    for (Flag f : ALL) {
      if (f.configurable()) {
        keys.add(f.key());
      }
    }
    return keys;
  }

  private static Flag value(String longName, String shortName) {
    return new Flag(longName, shortName, Kind.VALUE, false, true, null);
  }

  private static Flag path(String longName, String shortName, Kind kind) {
    return new Flag(longName, shortName, kind, true, true, null);
  }

  private static Flag list(String longName) {
    return new Flag(longName, null, Kind.LIST, false, true, null);
  }

  private static Flag flag(String longName, String shortName, boolean configurable) {
    return new Flag(longName, shortName, Kind.FLAG, false, configurable, null);
  }

  private static Map<String, Flag> index() {
    Map<String, Flag> byName = new LinkedHashMap<>();
    for (Flag f : ALL) {
      byName.put(f.longName(), f);
      if (f.shortName() != null) {
        byName.put(f.shortName(), f);
      }
    }
    return Map.copyOf(byName);
  }
}
