package dev.modelscan.core.options;

import dev.modelscan.api.ScanLimits;
import dev.modelscan.api.ScanMode;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.Severity;
import dev.modelscan.api.spi.SettingsExtension;
import dev.modelscan.api.spi.SettingsExtension.Kind;
import dev.modelscan.core.ScannerRegistry;
import dev.modelscan.core.WalkOptions;
import dev.modelscan.core.report.ReportFormat;
import dev.modelscan.core.report.ReportPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * The one place where front ends (the command line, the Maven plugin, the Spark job, a configuration file) turn option
 * text into what a scan needs: {@link ScanSettings} (with every scanner module's own settings), the {@link
 * ReportPolicy}, the {@link WalkOptions} and the report format. Options are keyed by the command line's long names
 * without dashes ({@code max-file-size}, {@code severity-threshold}, {@code allow-global}, ...), parsed in one grammar
 * ({@link OptionValues}) and checked as they are set, so a bad value is refused before anything is scanned, with a
 * message that names the option.
 *
 * <pre>{@code
 * ScanOptions options = ScanOptions.forRegistry(registry);
 * options.set("max-file-size", "4G").set("allow-global", List.of("mypkg.Layer"));
 * ModelScan scan = ModelScan.builder().registry(registry).settings(options.settings())
 *     .reportPolicy(options.reportPolicy()).walkOptions(options.walkOptions()).build();
 * }</pre>
 *
 * <p>Options of scanner modules ({@link SettingsExtension}) are known when their module is: {@link
 * #forRegistry(ScannerRegistry)} offers those of the registry's modules. An option given more than once keeps the
 * last value, except repeatable options ({@link Kind#TEXT_LIST}), which add up.
 *
 * <p>Not thread-safe: fill it on one thread, then read the immutable results.
 *
 * @since 0.2
 */
public final class ScanOptions {

  /**
   * What an option is: for help text, documentation and configuration-file validation.
   *
   * @param name the long option name, kebab case without dashes
   * @param kind how its text is parsed
   * @param valueHint the value's placeholder, such as {@code SIZE} or {@code MODULE.NAME}
   * @param description one line of help
   * @param repeatable whether values add up instead of replacing each other
   * @since 0.2
   */
  public record Descriptor(String name, Kind kind, String valueHint, String description, boolean repeatable) {

    /**
     * Validates the components.
     *
     * @param name not null
     * @param kind not null
     * @param valueHint not null
     * @param description not null
     * @param repeatable whether values add up
     */
    public Descriptor {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(valueHint, "valueHint");
      Objects.requireNonNull(description, "description");
    }
  }

  /** How one option's parsed value changes the state. */
  private interface Setter {
    void set(Object value);
  }

  /** One known option: its description, how its text is parsed, and what it changes. */
  private record Def(Descriptor descriptor, Function<String, Object> parser, Setter setter) {}

  private final Map<String, Def> defs = new LinkedHashMap<>();
  private final Set<String> given = new LinkedHashSet<>();

  private final ScanLimits.Builder limits = ScanLimits.builder();
  private Long maxFileSize;
  private ScanMode mode = ScanMode.THOROUGH;
  private final ReportPolicy.Builder policy = ReportPolicy.builder();
  private ReportFormat format = ReportFormat.TEXT;
  private final List<String> includes = new ArrayList<>();
  private final List<String> excludes = new ArrayList<>();
  private boolean followDirLinks;
  private final Map<Class<?>, Object> extensionValues = new LinkedHashMap<>();
  private final Set<Class<?>> extensionsSet = new LinkedHashSet<>();

  private ScanOptions(List<SettingsExtension<?>> extensions) {
    neutral("mode", Kind.WORD, "MODE",
        "quick: only known-dangerous content; thorough: also unknown references (default: thorough).",
        ScanOptions::mode, v -> mode = (ScanMode) v, false);
    neutral("severity-threshold", Kind.SEVERITY, "SEVERITY",
        "Findings at or above this severity fail the scan (exit 1): LOW, MEDIUM, HIGH, CRITICAL (default: MEDIUM).",
        ScanOptions::severity, v -> policy.severityThreshold((Severity) v), false);
    neutral("format", Kind.WORD, "FORMAT", "Report format: text, json or sarif (default: text).",
        ReportFormat::parse, v -> format = (ReportFormat) v, false);
    neutral("max-file-size", Kind.SIZE, "SIZE", "Skip files larger than SIZE.", OptionValues::size,
        v -> {
          ScanSettings.builder().maxFileSize((Long) v); // range check now, naming the setting
          maxFileSize = (Long) v;
        }, false);
    neutral("max-nesting-depth", Kind.INT, "N", "Levels of nested content followed.", ScanOptions::intValue,
        v -> limits.maxNestingDepth((Integer) v), false);
    neutral("max-archive-members", Kind.INT, "N", "Members scanned per archive.", ScanOptions::intValue,
        v -> limits.maxArchiveMembers((Integer) v), false);
    neutral("max-member-bytes", Kind.SIZE, "SIZE", "Decompressed bytes per member.", OptionValues::size,
        v -> limits.maxMemberBytes((Long) v), false);
    neutral("max-total-decompressed-bytes", Kind.SIZE, "SIZE", "Decompressed bytes per input file.",
        OptionValues::size, v -> limits.maxTotalDecompressedBytes((Long) v), false);
    neutral("max-compression-ratio", Kind.INT, "N", "Largest decompression ratio.", ScanOptions::intValue,
        v -> limits.maxCompressionRatio((Integer) v), false);
    neutral("max-header-bytes", Kind.SIZE, "SIZE", "Largest format header read.", OptionValues::size,
        v -> limits.maxHeaderBytes((Long) v), false);
    neutral("max-string-bytes", Kind.INT_SIZE, "SIZE", "Largest string read into memory.", OptionValues::intSize,
        v -> limits.maxStringBytes((Integer) v), false);
    neutral("max-json-depth", Kind.INT, "N", "Deepest JSON nesting.", ScanOptions::intValue,
        v -> limits.maxJsonDepth((Integer) v), false);
    neutral("scan-timeout", Kind.DURATION, "DURATION", "Deadline per input file.", OptionValues::duration,
        v -> limits.scanTimeout((Duration) v), false);
    neutral("include", Kind.TEXT_LIST, "GLOB",
        "In directories, scan only files matching GLOB (gitignore-style; repeatable).", s -> s,
        v -> includes.add((String) v), true);
    neutral("exclude", Kind.TEXT_LIST, "GLOB",
        "In directories, do not scan files or directories matching GLOB (gitignore-style; repeatable).", s -> s,
        v -> excludes.add((String) v), true);
    neutral("follow-dir-links", Kind.BOOLEAN, "true|false",
        "Walk symbolic links to directories (loops are detected).", ScanOptions::bool,
        v -> followDirLinks = (Boolean) v, false);
    for (SettingsExtension<?> e : extensions) {
      extension(e);
    }
  }

  /**
   * The options of the neutral settings and of every scanner module the registry found.
   *
   * @param registry the registry the scan will use
   * @return a fresh set of options, all at their defaults
   */
  public static ScanOptions forRegistry(ScannerRegistry registry) {
    return new ScanOptions(registry.settingsExtensions());
  }

  /**
   * The options of the neutral settings and of the given scanner modules.
   *
   * @param extensions the scanner modules' settings types
   * @return a fresh set of options, all at their defaults
   * @throws IllegalArgumentException when two options have the same name
   */
  public static ScanOptions of(List<? extends SettingsExtension<?>> extensions) {
    return new ScanOptions(List.copyOf(extensions));
  }

  private void neutral(
      String name, Kind kind, String hint, String description, Function<String, Object> parser, Setter setter,
      boolean repeatable) {
    defs.put(name, new Def(new Descriptor(name, kind, hint, description, repeatable), parser, setter));
  }

  private <T> void extension(SettingsExtension<T> e) {
    Class<T> type = e.type();
    extensionValues.put(type, e.defaults());
    for (SettingsExtension.Option<T> o : e.options()) {
      if (defs.containsKey(o.name())) {
        throw new IllegalArgumentException(
            "option --" + o.name() + " of " + type.getName() + " is already defined");
      }
      Setter setter =
          v -> {
            T now = type.cast(extensionValues.get(type));
            extensionValues.put(type, Objects.requireNonNull(o.apply().apply(now, v), "apply"));
            extensionsSet.add(type);
          };
      defs.put(o.name(), new Def(
          new Descriptor(o.name(), o.kind(), hint(o.kind()), o.description(), o.kind() == Kind.TEXT_LIST),
          parser(o.kind()), setter));
    }
  }

  /**
   * Every option, the neutral ones first, in a stable order.
   *
   * @return the descriptors
   */
  public List<Descriptor> descriptors() {
    return defs.values().stream().map(Def::descriptor).toList();
  }

  /**
   * Whether an option of this name exists.
   *
   * @param name a long option name, kebab case without dashes
   * @return true when {@link #set(String, String)} accepts the name
   */
  public boolean knows(String name) {
    return defs.containsKey(name);
  }

  /**
   * The options set so far, in the order first set.
   *
   * @return an unmodifiable view of their names
   */
  public Set<String> given() {
    return Collections.unmodifiableSet(given);
  }

  /**
   * Sets one option from its text, checking it at once. A repeatable option gets one more value; any other option
   * is replaced.
   *
   * @param name the long option name, kebab case without dashes ({@code max-file-size})
   * @param value the text, such as {@code "4G"}
   * @return this
   * @throws OptionException when the name is unknown or the value is refused; its message names the option
   */
  public ScanOptions set(String name, String value) {
    Def d = defs.get(Objects.requireNonNull(name, "name"));
    if (d == null) {
      throw new OptionException(name, "unknown option", null);
    }
    if (value == null) {
      throw new OptionException(name, "a value is required", null);
    }
    Object parsed;
    try {
      parsed = d.parser().apply(value);
    } catch (IllegalArgumentException e) {
      throw new OptionException(name, e.getMessage(), e);
    }
    try {
      d.setter().set(parsed);
    } catch (IllegalArgumentException e) {
      // A builder's range check: its message already names the setting (maxNestingDepth must be at least 1).
      throw new OptionException(name, e.getMessage(), e);
    }
    given.add(name);
    return this;
  }

  /**
   * Sets one option from a list of texts: every value of a repeatable option, or exactly one value of any other.
   *
   * @param name the long option name, kebab case without dashes ({@code allow-global})
   * @param values the texts
   * @return this
   * @throws OptionException when the name is unknown, a value is refused, or a single-valued option gets more or
   *     fewer than one value
   */
  public ScanOptions set(String name, List<String> values) {
    Def d = defs.get(Objects.requireNonNull(name, "name"));
    if (d != null && !d.descriptor().repeatable() && values.size() != 1) {
      throw new OptionException(name, "takes one value, was given " + values.size(), null);
    }
    for (String v : values) {
      set(name, v);
    }
    if (d != null && values.isEmpty()) {
      given.add(name);
    }
    return this;
  }

  /**
   * The scan settings: the neutral limits, and for every scanner module whose options were set, its settings as an
   * extension. A module none of whose options was set gets none, so it uses its own defaults.
   *
   * @return the settings
   */
  public ScanSettings settings() {
    ScanSettings.Builder b = ScanSettings.builder().limits(limits.build()).mode(mode);
    if (maxFileSize != null) {
      b.maxFileSize(maxFileSize);
    }
    for (Class<?> type : extensionsSet) {
      putExtension(b, type);
    }
    return b.build();
  }

  private <T> void putExtension(ScanSettings.Builder b, Class<T> type) {
    b.extension(type, type.cast(extensionValues.get(type)));
  }

  /**
   * How reports are judged.
   *
   * @return the report policy
   */
  public ReportPolicy reportPolicy() {
    return policy.build();
  }

  /**
   * The report format ({@code format}).
   *
   * @return the format, {@link ReportFormat#TEXT} unless set
   */
  public ReportFormat format() {
    return format;
  }

  /**
   * How directories are walked ({@code include}, {@code exclude}, {@code follow-dir-links}).
   *
   * @return the walk options
   * @throws IllegalArgumentException when a pattern is not valid
   */
  public WalkOptions walkOptions() {
    return WalkOptions.builder()
        .include(includes.toArray(String[]::new))
        .exclude(excludes.toArray(String[]::new))
        .followDirectoryLinks(followDirLinks)
        .build();
  }

  private static String hint(Kind kind) {
    switch (kind) {
      case INT:
      case LONG:
        return "N";
      case INT_SIZE:
      case SIZE:
        return "SIZE";
      case DURATION:
        return "DURATION";
      case SEVERITY:
        return "SEVERITY";
      case BOOLEAN:
        return "true|false";
      default:
        return "TEXT";
    }
  }

  private static Function<String, Object> parser(Kind kind) {
    switch (kind) {
      case INT:
        return ScanOptions::intValue;
      case LONG:
        return ScanOptions::longValue;
      case INT_SIZE:
        return OptionValues::intSize;
      case SIZE:
        return OptionValues::size;
      case DURATION:
        return OptionValues::duration;
      case SEVERITY:
        return ScanOptions::severity;
      case WORD:
        return s -> s.strip().toLowerCase(Locale.ROOT);
      case BOOLEAN:
        return ScanOptions::bool;
      default:
        return s -> s;
    }
  }

  private static Object intValue(String text) {
    try {
      return Integer.parseInt(text.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is not a whole number", e);
    }
  }

  private static Object longValue(String text) {
    try {
      return Long.parseLong(text.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is not a whole number", e);
    }
  }

  private static Object severity(String text) {
    try {
      return Severity.parse(text);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException("expected LOW, MEDIUM, HIGH or CRITICAL but was '" + text + "'", e);
    }
  }

  private static Object mode(String text) {
    try {
      return ScanMode.valueOf(text.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("expected quick or thorough but was '" + text + "'", e);
    }
  }

  private static Object bool(String text) {
    String t = text.strip().toLowerCase(Locale.ROOT);
    if (t.equals("true") || t.equals("false")) {
      return Boolean.valueOf(t);
    }
    throw new IllegalArgumentException("expected true or false but was '" + text + "'");
  }
}
