package dev.modelscan.core.options;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.modelscan.core.report.SuppressionEntry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A {@code modelscan.toml} configuration file, read once: every scan option under its long command-line name
 * ({@code severity-threshold = "HIGH"}, {@code max-file-size = "2G"}, {@code allow-global = ["a.b", "c.d"]}), plus
 * suppressions as an array of tables:
 *
 * <pre>
 * [[suppress]]
 * sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
 * rule = "PICKLE-GLOBAL-UNKNOWN"
 * reason = "our own class, reviewed in PR 12"
 * </pre>
 *
 * <p>This class only reads: it checks the file's shape (known keys, scalar or array-of-scalar values, complete
 * suppressions) and hands out the values as text, so that each front end parses them with the same grammar as its
 * flags ({@link OptionValues}). Strings, integers, floats and booleans become their TOML text ({@code 2}, {@code
 * true}); an array becomes one value per element. A key the caller does not know is an error naming the key: a
 * misspelt {@code severity-treshold} silently ignored would leave the gate at its default.
 *
 * <p>Needs {@code com.fasterxml.jackson.dataformat:jackson-dataformat-toml} at run time; modelscan-core declares it
 * optional, so an embedder who never reads a configuration file does not carry it (the CLI and the Maven plugin do).
 *
 * <p>Immutable.
 *
 * @since 0.1
 */
public final class ConfigFile {

  /** The name looked for in the current folder. */
  public static final String FILE_NAME = "modelscan.toml";

  /** The array of tables that holds suppressions. */
  public static final String SUPPRESS_KEY = "suppress";

  /** A configuration file is small; anything larger is refused before it is parsed. */
  private static final long MAX_BYTES = 1 << 20;

  private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");

  private final Path path;
  private final Map<String, List<String>> values;
  private final List<SuppressionEntry> suppressions;

  private ConfigFile(Path path, Map<String, List<String>> values, List<SuppressionEntry> suppressions) {
    this.path = path;
    this.values = values;
    this.suppressions = suppressions;
  }

  /**
   * Reads and checks a configuration file.
   *
   * @param file the file
   * @param knownKeys the option names the caller understands (long names without {@code --}); {@value #SUPPRESS_KEY}
   *     is always known
   * @return the configuration
   * @throws IllegalArgumentException when the file cannot be read, is not TOML, or holds an unknown key, a table, a
   *     nested array or an incomplete suppression; the message begins with the file name and names the key or entry
   */
  public static ConfigFile read(Path file, Set<String> knownKeys) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(knownKeys, "knownKeys");
    byte[] bytes;
    try {
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException(file + ": no such configuration file");
      }
      if (Files.size(file) > MAX_BYTES) {
        throw new IllegalArgumentException(file + ": larger than " + MAX_BYTES + " bytes; not a configuration file");
      }
      try (InputStream in = Files.newInputStream(file)) {
        bytes = in.readNBytes((int) MAX_BYTES + 1);
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": cannot be read (" + e.getMessage() + ")", e);
    }
    return parse(file, new String(bytes, StandardCharsets.UTF_8), knownKeys);
  }

  /**
   * Checks configuration text, as {@link #read} does for a file.
   *
   * @param file the name used in messages
   * @param toml the text
   * @param knownKeys the option names the caller understands
   * @return the configuration
   * @throws IllegalArgumentException as {@link #read}
   */
  public static ConfigFile parse(Path file, String toml, Set<String> knownKeys) {
    JsonNode root;
    try {
      root = new TomlMapper().readTree(toml);
    } catch (JacksonException e) {
      throw new IllegalArgumentException(file + ": not valid TOML: " + e.getOriginalMessage(), e);
    }
    Map<String, List<String>> values = new LinkedHashMap<>();
    List<SuppressionEntry> suppressions = new ArrayList<>();
    if (root == null || root.isMissingNode()) {
      return new ConfigFile(file, Map.of(), List.of());
    }
    for (Map.Entry<String, JsonNode> e : root.properties()) {
      String key = e.getKey();
      JsonNode v = e.getValue();
      if (key.equals(SUPPRESS_KEY)) {
        suppressions(file, v, suppressions);
        continue;
      }
      if (!knownKeys.contains(key)) {
        throw new IllegalArgumentException(
            file + ": unknown key '" + key + "'" + (v.isObject() ? " (a table)" : "")
                + "; keys are the long option names of 'modelscan scan', without the dashes");
      }
      List<String> list = new ArrayList<>();
      if (v.isArray()) {
        for (JsonNode element : v) {
          list.add(scalar(file, key, element));
        }
      } else {
        list.add(scalar(file, key, v));
      }
      values.put(key, List.copyOf(list));
    }
    return new ConfigFile(
        file, Collections.unmodifiableMap(new LinkedHashMap<>(values)), List.copyOf(suppressions));
  }

  private static String scalar(Path file, String key, JsonNode v) {
    if (v.isTextual()) {
      return v.textValue();
    }
    if (v.isNumber() || v.isBoolean()) {
      return v.asText();
    }
    throw new IllegalArgumentException(
        file + ": '" + key + "' must be a string, number, boolean or an array of them, was " + kind(v));
  }

  private static void suppressions(Path file, JsonNode v, List<SuppressionEntry> out) {
    if (!v.isArray()) {
      throw new IllegalArgumentException(
          file + ": '" + SUPPRESS_KEY + "' must be an array of tables ([[" + SUPPRESS_KEY + "]]), was " + kind(v));
    }
    int i = 0;
    for (JsonNode entry : v) {
      i++;
      String where = file + ": [[" + SUPPRESS_KEY + "]] entry " + i;
      if (!entry.isObject()) {
        throw new IllegalArgumentException(where + " must be a table, was " + kind(entry));
      }
      for (Map.Entry<String, JsonNode> property : entry.properties()) {
        String name = property.getKey();
        if (!Set.of("sha256", "rule", "reason").contains(name)) {
          throw new IllegalArgumentException(where + ": unknown key '" + name + "' (expected sha256, rule, reason)");
        }
      }
      try {
        for (String required : List.of("sha256", "rule", "reason")) {
          if (!entry.has(required)) {
            throw new IllegalArgumentException(required + " is required");
          }
        }
        out.add(new SuppressionEntry(text(entry, "sha256"), text(entry, "rule"), text(entry, "reason")));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
      }
    }
  }

  private static String text(JsonNode entry, String name) {
    JsonNode v = entry.get(name);
    if (v == null) {
      return null;
    }
    if (!v.isTextual()) {
      throw new IllegalArgumentException(name + " must be a string, was " + kind(v));
    }
    return v.textValue();
  }

  private static String kind(JsonNode v) {
    if (v.isObject()) {
      return "a table";
    }
    if (v.isArray()) {
      return "an array";
    }
    return v.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
  }

  private static String quote(String s) {
    return s == null ? "nothing" : "'" + s + "'";
  }

  /**
   * The file this was read from.
   *
   * @return the path as given
   */
  public Path path() {
    return path;
  }

  /**
   * The options, by long name without dashes, in file order; each has at least one value for a scalar and one per
   * element for an array (an empty array has none).
   *
   * @return an unmodifiable map of unmodifiable lists
   */
  public Map<String, List<String>> values() {
    return values;
  }

  /**
   * The {@code [[suppress]]} entries, in file order.
   *
   * @return an unmodifiable list, empty when there are none
   */
  public List<SuppressionEntry> suppressions() {
    return suppressions;
  }
}
