package dev.modelscan.api.spi;

import java.util.List;
import java.util.Objects;

/**
 * Who a scanner is and what it handles, for the registry, {@code --list-scanners} and reports.
 *
 * @param name unique, stable name, lower case with dashes (such as {@code "pickle"}); findings carry it
 * @param version the scanner's version
 * @param description one sentence on what it scans
 * @param formats the format ids it can claim in {@link ModelScanner#recognize}
 * @param extensions file extensions (lower case, no dot) its formats usually have; used to report a name that
 *     disagrees with the content, never to choose a scanner
 * @param spiVersion the {@link ModelScanner#SPI_VERSION} the scanner was built against
 * @since 0.1
 */
public record ScannerDescriptor(
    String name,
    String version,
    String description,
    List<String> formats,
    List<String> extensions,
    int spiVersion) {

  /**
   * Validates the components and copies the lists.
   *
   * @param name name, not blank
   * @param version version, not null
   * @param description description, not null
   * @param formats formats, not null
   * @param extensions extensions, not null
   * @param spiVersion SPI version
   */
  public ScannerDescriptor {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("scanner name must not be blank");
    }
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(description, "description");
    formats = List.copyOf(formats);
    extensions = List.copyOf(extensions);
  }

  /**
   * A descriptor built against the current {@link ModelScanner#SPI_VERSION}.
   *
   * @param name unique name
   * @param version version
   * @param description one sentence
   * @param formats format ids
   * @param extensions usual extensions
   * @return the descriptor
   */
  public static ScannerDescriptor of(
      String name, String version, String description, List<String> formats, List<String> extensions) {
    return new ScannerDescriptor(name, version, description, formats, extensions, ModelScanner.SPI_VERSION);
  }
}
