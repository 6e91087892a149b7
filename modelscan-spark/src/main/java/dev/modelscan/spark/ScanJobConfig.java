package dev.modelscan.spark;

import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.Severity;
import dev.modelscan.core.ScannerRegistry;
import dev.modelscan.core.options.ScanOptions;
import dev.modelscan.core.report.ReportPolicy;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The options of a Spark job in a form that travels to executors (Spark serialises it into every task): option texts
 * keyed by the command line's long names ({@code max-file-size}, {@code severity-threshold}, {@code allow-global},
 * ...), with the meaning they have there. They are parsed and checked by the engine's option layer ({@link
 * ScanOptions}), on the driver when the configuration is made and again where executors build their {@link
 * ScanSettings}, once per JVM.
 *
 * @param options the option texts by long name, kebab case without dashes; every value of a repeatable option, one
 *     value of any other
 */
public record ScanJobConfig(Map<String, List<String>> options) implements Serializable {

  private static final long serialVersionUID = 2L;

  /**
   * Checks the options by reading them once, so that a bad value fails on the driver before any task is sent, and
   * copies them.
   *
   * @param options the option texts by long name
   * @throws IllegalArgumentException when an option is unknown or a value is refused; the message names the option
   */
  public ScanJobConfig {
    Map<String, List<String>> copy = new LinkedHashMap<>();
    Objects.requireNonNull(options, "options").forEach((k, v) -> copy.put(k, List.copyOf(v)));
    options = Map.copyOf(copy);
    read(options);
  }

  /**
   * The library's defaults, as the CLI has them without options.
   *
   * @return the default configuration
   */
  public static ScanJobConfig defaults() {
    return new ScanJobConfig(Map.of());
  }

  /**
   * This configuration with one more option value: added to a repeatable option's values, replacing any other's.
   *
   * @param name the long option name, such as {@code max-file-size}
   * @param value the text, such as {@code "4G"}
   * @return the new configuration
   * @throws IllegalArgumentException when the option is unknown or the value is refused
   */
  public ScanJobConfig with(String name, String value) {
    Map<String, List<String>> next = new LinkedHashMap<>(options);
    boolean repeatable =
        ScanOptions.forRegistry(ScannerRegistry.loadDefault()).descriptors().stream()
            .anyMatch(d -> d.name().equals(name) && d.repeatable());
    List<String> values = new ArrayList<>(repeatable ? options.getOrDefault(name, List.of()) : List.of());
    values.add(value);
    next.put(name, values);
    return new ScanJobConfig(next);
  }

  /**
   * The settings the library scans with.
   *
   * @return the settings
   */
  public ScanSettings toSettings() {
    return read(options).settings();
  }

  /**
   * How a file's findings are judged.
   *
   * @return the report policy
   */
  public ReportPolicy reportPolicy() {
    return read(options).reportPolicy();
  }

  /**
   * Findings at or above it make a file's verdict {@code FINDINGS}; short for {@code reportPolicy().severityThreshold()}.
   *
   * @return the threshold
   */
  public Severity severityThreshold() {
    return reportPolicy().severityThreshold();
  }

  private static ScanOptions read(Map<String, List<String>> options) {
    ScanOptions o = ScanOptions.forRegistry(ScannerRegistry.loadDefault());
    options.forEach(o::set);
    return o;
  }
}
