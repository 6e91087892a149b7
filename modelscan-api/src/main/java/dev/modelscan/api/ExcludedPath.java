package dev.modelscan.api;

import java.util.Objects;

/**
 * A path that a directory walk left out on purpose, listed in {@link ScanReport#excluded()} so that nothing a user
 * pointed the scan at disappears without a word.
 *
 * @param path the file or directory, as walked under a given directory
 * @param reason why it was left out, for a person (the pattern that excluded it, or the link loop it closes)
 * @since 0.1
 */
public record ExcludedPath(String path, String reason) {

  /**
   * Validates the components.
   *
   * @param path path, not null
   * @param reason reason, not null
   */
  public ExcludedPath {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(reason, "reason");
  }
}
