package dev.modelscan.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How {@link ModelScan#scan(java.util.Collection)} walks the directories it is given: which files to include or
 * exclude, and whether to descend into symbolic links to directories. Files named directly are always scanned; the
 * patterns only choose among the files found by walking a directory.
 *
 * <p>Patterns are gitignore-style and relative to the walked directory: {@code *} and {@code ?} within a name,
 * {@code **} across directories, {@code [a-z]} classes; a pattern without a {@code /} matches a name at any depth
 * ({@code *.png}), one with a {@code /} is anchored ({@code docs/**}), a trailing {@code /} matches directories only,
 * and a pattern that matches a directory covers everything in it. A file is scanned when it matches an include pattern
 * (or no include pattern is set) and no exclude pattern. Everything left out is listed in {@link
 * dev.modelscan.api.ScanReport#excluded()} with the pattern that left it out: a filter never hides a file silently.
 *
 * <pre>{@code
 * WalkOptions walk = WalkOptions.builder().exclude(".git/", "*.png").followDirectoryLinks(true).build();
 * ModelScan scan = ModelScan.builder().walkOptions(walk).build();
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1
 */
public final class WalkOptions {

  private static final WalkOptions DEFAULTS = new Builder().build();

  private final List<PathGlob> includes;
  private final List<PathGlob> excludes;
  private final boolean followDirectoryLinks;

  private WalkOptions(Builder b) {
    this.includes = List.copyOf(b.includes);
    this.excludes = List.copyOf(b.excludes);
    this.followDirectoryLinks = b.followDirectoryLinks;
  }

  /**
   * No patterns, directory links not followed.
   *
   * @return the defaults
   */
  public static WalkOptions defaults() {
    return DEFAULTS;
  }

  /**
   * A builder starting from the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The include patterns, as given.
   *
   * @return the patterns; empty means every file
   */
  public List<String> includes() {
    return includes.stream().map(PathGlob::text).toList();
  }

  /**
   * The exclude patterns, as given.
   *
   * @return the patterns
   */
  public List<String> excludes() {
    return excludes.stream().map(PathGlob::text).toList();
  }

  /**
   * Whether symbolic links to directories are walked. When they are, a link that leads back to a directory already
   * being walked (a loop) is not walked again and is listed as excluded. When they are not (the default), such a link
   * is reported as {@link dev.modelscan.api.ScanStatus#SKIPPED}: its files were not seen.
   *
   * @return true when directory links are followed
   */
  public boolean followDirectoryLinks() {
    return followDirectoryLinks;
  }

  /**
   * Why a file or directory found by the walk is left out, or null when it is to be walked.
   *
   * @param relative its path relative to the walked directory, in segments
   * @param isDirectory whether it is a directory (directories are only tested against exclude patterns)
   */
  String exclusion(List<String> relative, boolean isDirectory) {
    for (PathGlob g : excludes) {
      if (g.matches(relative, isDirectory)) {
        return "matches the exclude pattern '" + g.text() + "'";
      }
    }
    if (isDirectory || includes.isEmpty()) {
      return null;
    }
    for (PathGlob g : includes) {
      if (g.matches(relative, false)) {
        return null;
      }
    }
    return "matches no include pattern";
  }

  /**
   * Builds {@link WalkOptions}. Not thread-safe.
   *
   * @since 0.1
   */
  public static final class Builder {
    private final List<PathGlob> includes = new ArrayList<>();
    private final List<PathGlob> excludes = new ArrayList<>();
    private boolean followDirectoryLinks;

    private Builder() {}

    /**
     * Adds include patterns: once any is set, only files that match one are scanned.
     *
     * @param patterns gitignore-style patterns
     * @return this builder
     * @throws IllegalArgumentException when a pattern is empty or malformed (an unterminated {@code [class]})
     */
    public Builder include(String... patterns) {
      for (String p : patterns) {
        includes.add(PathGlob.parse(Objects.requireNonNull(p, "pattern")));
      }
      return this;
    }

    /**
     * Adds exclude patterns: files (and directories) that match one are not scanned, and are listed as excluded.
     *
     * @param patterns gitignore-style patterns
     * @return this builder
     * @throws IllegalArgumentException when a pattern is empty or malformed
     */
    public Builder exclude(String... patterns) {
      for (String p : patterns) {
        excludes.add(PathGlob.parse(Objects.requireNonNull(p, "pattern")));
      }
      return this;
    }

    /**
     * Sets whether symbolic links to directories are walked (default false).
     *
     * @param value true to walk them, with loop detection
     * @return this builder
     */
    public Builder followDirectoryLinks(boolean value) {
      followDirectoryLinks = value;
      return this;
    }

    /**
     * Builds the options.
     *
     * @return the options
     */
    public WalkOptions build() {
      return new WalkOptions(this);
    }
  }
}
