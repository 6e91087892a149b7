package dev.modelscan.maven;

import dev.modelscan.core.options.ConfigFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The plugin's side of {@code modelscan.toml} ({@code <configFile>}): the file's values fill the parameters the POM
 * leaves unset, so that the CLI and the build share one file while an explicit parameter still wins.
 *
 * <p>Keys are the CLI's long option names. Those that only shape the CLI's output are accepted and ignored; those for
 * settings the plugin has no parameter for yet are accepted with a warning (the library default applies); any other
 * key is an error naming it.
 */
final class ConfigDefaults {

  /** Keys the plugin applies, and the parameter each fills. */
  static final Map<String, String> APPLIED;

  static {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("severity-threshold", "failOnSeverity");
    m.put("mode", "mode");
    m.put("max-nesting-depth", "maxNestingDepth");
    m.put("max-archive-members", "maxArchiveMembers");
    m.put("max-member-bytes", "maxMemberBytes");
    m.put("max-total-decompressed-bytes", "maxTotalDecompressedBytes");
    m.put("max-compression-ratio", "maxCompressionRatio");
    m.put("max-hdf5-objects", "maxHdf5Objects");
    m.put("scan-timeout", "scanTimeout");
    m.put("max-file-size", "maxFileSize");
    m.put("allow-global", "allowGlobals");
    m.put("deny-global", "denyGlobals");
    m.put("include", "includes");
    m.put("exclude", "excludes");
    m.put("follow-dir-links", "followDirectoryLinks");
    APPLIED = java.util.Collections.unmodifiableMap(m);
  }

  /** Keys about the CLI's own output and process: meaningless in a build, accepted and ignored. */
  static final Set<String> IGNORED =
      Set.of("format", "output", "color", "progress", "verbose", "quiet", "threads", "plugin-path", "sarif-root");

  /** Settings of the CLI the plugin has no parameter for yet: accepted, with a warning that the default applies. */
  static final Set<String> NOT_APPLIED =
      Set.of(
          "max-header-bytes",
          "max-string-bytes",
          "max-json-depth",
          "max-pickle-stack-size",
          "max-pickle-memo-size",
          "max-pickle-opcodes",
          "unknown-global-severity",
          "baseline");

  /**
   * The parameters after the file filled the unset ones.
   *
   * @param values the settings parameters
   * @param includes {@code <includes>}
   * @param excludes {@code <excludes>}
   * @param followDirectoryLinks {@code <followDirectoryLinks>}
   * @param warnings keys read but not applied
   */
  record Merged(
      Options.Values values,
      List<String> includes,
      List<String> excludes,
      Boolean followDirectoryLinks,
      List<String> warnings) {}

  private ConfigDefaults() {}

  /**
   * Reads the file with the keys the plugin knows.
   *
   * @param file the file
   * @return the configuration
   * @throws IllegalArgumentException naming the file and the key
   */
  static ConfigFile read(Path file) {
    Set<String> known = new TreeSet<>(APPLIED.keySet());
    known.addAll(IGNORED);
    known.addAll(NOT_APPLIED);
    return ConfigFile.read(file, known);
  }

  /**
   * Fills every parameter that is null from the file.
   *
   * @return the merged parameters
   * @throws IllegalArgumentException when a value in the file has the wrong shape for its parameter
   */
  static Merged merge(
      Options.Values v, List<String> includes, List<String> excludes, Boolean follow, ConfigFile file) {
    Map<String, List<String>> c = file.values();
    List<String> warnings = new ArrayList<>();
    for (String key : c.keySet()) {
      if (NOT_APPLIED.contains(key)) {
        warnings.add(file.path() + ": '" + key + "' is not applied by the Maven plugin; the library default applies");
      }
    }
    Options.Values merged =
        new Options.Values(
            v.failOnSeverity() != null ? v.failOnSeverity() : one(file, "severity-threshold"),
            v.mode() != null ? v.mode() : one(file, "mode"),
            v.maxNestingDepth() != null ? v.maxNestingDepth() : integer(file, "max-nesting-depth"),
            v.maxArchiveMembers() != null ? v.maxArchiveMembers() : integer(file, "max-archive-members"),
            v.maxMemberBytes() != null ? v.maxMemberBytes() : one(file, "max-member-bytes"),
            v.maxTotalDecompressedBytes() != null
                ? v.maxTotalDecompressedBytes()
                : one(file, "max-total-decompressed-bytes"),
            v.maxCompressionRatio() != null ? v.maxCompressionRatio() : integer(file, "max-compression-ratio"),
            v.maxHdf5Objects() != null ? v.maxHdf5Objects() : integer(file, "max-hdf5-objects"),
            v.scanTimeout() != null ? v.scanTimeout() : one(file, "scan-timeout"),
            v.maxFileSize() != null ? v.maxFileSize() : one(file, "max-file-size"),
            v.allowGlobals() != null ? v.allowGlobals() : c.get("allow-global"),
            v.denyGlobals() != null ? v.denyGlobals() : c.get("deny-global"));
    Boolean followMerged = follow;
    if (followMerged == null && c.containsKey("follow-dir-links")) {
      String b = one(file, "follow-dir-links");
      if (!b.equals("true") && !b.equals("false")) {
        throw new IllegalArgumentException(file.path() + ": 'follow-dir-links' must be true or false");
      }
      followMerged = Boolean.valueOf(b);
    }
    return new Merged(
        merged,
        includes != null ? includes : c.get("include"),
        excludes != null ? excludes : c.get("exclude"),
        followMerged,
        List.copyOf(warnings));
  }

  private static String one(ConfigFile file, String key) {
    List<String> v = file.values().get(key);
    if (v == null) {
      return null;
    }
    if (v.size() != 1) {
      throw new IllegalArgumentException(file.path() + ": '" + key + "' takes one value, not an array");
    }
    return v.get(0);
  }

  private static Integer integer(ConfigFile file, String key) {
    String v = one(file, key);
    if (v == null) {
      return null;
    }
    try {
      return Integer.valueOf(v.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(file.path() + ": '" + key + "' must be a whole number, was '" + v + "'", e);
    }
  }
}
