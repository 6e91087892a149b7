package dev.modelscan.api;

import java.util.Objects;

/**
 * Where a finding was made: the input file, the nested entry inside it and the byte offset inside that entry.
 *
 * <p>Nested entries are joined with {@value #ENTRY_SEPARATOR}: a pickle inside {@code archive/data.pkl} of a zip that
 * is itself a member {@code inner.zip} of the scanned file has the entry {@code inner.zip!/archive/data.pkl}.
 *
 * @param path the input as given by the caller, or as walked under a given directory; never null
 * @param entry the nested entry path, empty for the input itself; never null
 * @param offset byte offset inside the entry (or the file when {@code entry} is empty), or -1 when unknown
 * @since 0.1
 */
public record Location(String path, String entry, long offset) {

  /** Separates the levels of a nested entry path. */
  public static final String ENTRY_SEPARATOR = "!/";

  /**
   * Validates the components.
   *
   * @param path the input path, not null
   * @param entry nested entry, not null (empty for the input itself)
   * @param offset offset, or -1 when unknown
   */
  public Location {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(entry, "entry");
    if (offset < -1) {
      throw new IllegalArgumentException("offset must be -1 (unknown) or non-negative: " + offset);
    }
  }

  /**
   * The same file and entry at another offset.
   *
   * @param newOffset the offset, or -1 when unknown
   * @return a new location
   */
  public Location atOffset(long newOffset) {
    return new Location(path, entry, newOffset);
  }

  /**
   * The location of a member nested one level below this one, at an unknown offset.
   *
   * @param member the member's name inside this entry
   * @return a new location
   */
  public Location child(String member) {
    return new Location(path, entry.isEmpty() ? member : entry + ENTRY_SEPARATOR + member, -1);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(path);
    if (!entry.isEmpty()) {
      sb.append(ENTRY_SEPARATOR).append(entry);
    }
    if (offset >= 0) {
      sb.append('@').append(offset);
    }
    return sb.toString();
  }
}
