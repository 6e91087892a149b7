package dev.modelscan.core;

import java.util.ArrayList;
import java.util.List;

/**
 * One gitignore-style pattern, matched against a path relative to the directory being walked (segments separated by
 * {@code /}).
 *
 * <ul>
 *   <li>{@code *} matches any characters within one segment, {@code ?} one character, {@code [a-z]} / {@code [!a-z]}
 *       one character of (or not of) a class, {@code \x} the character {@code x}.
 *   <li>{@code **} as a whole segment matches zero or more segments: {@code **}{@code /x}, {@code a/**}, {@code
 *       a/**}{@code /b}.
 *   <li>A pattern without a {@code /} (other than a trailing one) matches a name at any depth; a pattern with one, or
 *       with a leading {@code /}, is anchored at the walked directory.
 *   <li>A trailing {@code /} matches directories only. A pattern that matches a directory matches everything in it.
 * </ul>
 *
 * <p>Matching is linear in the path length times the pattern length (a greedy match with one backtracking point per
 * level, no regular expressions), so a deep tree of long, hostile names cannot make it slow.
 */
final class PathGlob {

  private final String text;
  private final List<Segment> segments;
  private final boolean directoryOnly;

  private PathGlob(String text, List<Segment> segments, boolean directoryOnly) {
    this.text = text;
    this.segments = segments;
    this.directoryOnly = directoryOnly;
  }

  /**
   * Parses a pattern.
   *
   * @throws IllegalArgumentException when the pattern is empty or has an unterminated class or escape
   */
  static PathGlob parse(String pattern) {
    String p = pattern;
    if (p.isBlank()) {
      throw new IllegalArgumentException("empty path pattern");
    }
    boolean dirOnly = p.endsWith("/");
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    boolean anchored = p.startsWith("/") || p.contains("/");
    while (p.startsWith("/")) {
      p = p.substring(1);
    }
    if (p.isEmpty()) {
      throw new IllegalArgumentException("path pattern '" + pattern + "' names no file");
    }
    List<Segment> segs = new ArrayList<>();
    if (!anchored) {
      segs.add(Segment.ANY_DEPTH);
    }
    for (String s : p.split("/+")) {
      segs.add(s.equals("**") ? Segment.ANY_DEPTH : Segment.parse(s, pattern));
    }
    return new PathGlob(pattern, List.copyOf(segs), dirOnly);
  }

  /** The pattern as given. */
  String text() {
    return text;
  }

  /**
   * Whether the pattern matches the path or one of its parent directories.
   *
   * @param path segments of the path relative to the walked directory
   * @param isDirectory whether the last segment is a directory
   */
  boolean matches(List<String> path, boolean isDirectory) {
    for (int n = 1; n <= path.size(); n++) {
      boolean dir = n < path.size() || isDirectory;
      if ((dir || !directoryOnly) && matchesExactly(path.subList(0, n))) {
        return true;
      }
    }
    return false;
  }

  /** The classic greedy wildcard match over segments, {@code **} playing the star. */
  private boolean matchesExactly(List<String> path) {
    int p = 0;
    int s = 0;
    int starP = -1;
    int starS = -1;
    while (s < path.size()) {
      if (p < segments.size() && segments.get(p) == Segment.ANY_DEPTH) {
        starP = p++;
        starS = s;
      } else if (p < segments.size() && segments.get(p).matches(path.get(s))) {
        p++;
        s++;
      } else if (starP >= 0) {
        p = starP + 1;
        s = ++starS;
      } else {
        return false;
      }
    }
    while (p < segments.size() && segments.get(p) == Segment.ANY_DEPTH) {
      p++;
    }
    return p == segments.size();
  }

  @Override
  public String toString() {
    return text;
  }

  /** One segment: tokens that each match one character, or a star. */
  private static final class Segment {
    static final Segment ANY_DEPTH = new Segment(new int[0][]);

    // A token is {STAR}, {ANY}, {LITERAL, c} or {CLASS, negated, lo1, hi1, lo2, hi2, ...}.
    private static final int STAR = 0;
    private static final int ANY = 1;
    private static final int LITERAL = 2;
    private static final int CLASS = 3;

    private final int[][] tokens;

    private Segment(int[][] tokens) {
      this.tokens = tokens;
    }

    static Segment parse(String s, String pattern) {
      List<int[]> out = new ArrayList<>();
      int i = 0;
      while (i < s.length()) {
        char c = s.charAt(i);
        if (c == '*') {
          if (out.isEmpty() || out.get(out.size() - 1)[0] != STAR) {
            out.add(new int[] {STAR});
          }
          i++;
        } else if (c == '?') {
          out.add(new int[] {ANY});
          i++;
        } else if (c == '\\') {
          if (i + 1 >= s.length()) {
            throw new IllegalArgumentException("path pattern '" + pattern + "' ends with an escape");
          }
          out.add(new int[] {LITERAL, s.charAt(i + 1)});
          i += 2;
        } else if (c == '[') {
          int close = s.indexOf(']', i + 2);
          if (close < 0) {
            throw new IllegalArgumentException("path pattern '" + pattern + "' has an unterminated [class]");
          }
          String body = s.substring(i + 1, close);
          boolean negated = body.startsWith("!") || body.startsWith("^");
          if (negated) {
            body = body.substring(1);
          }
          List<Integer> ranges = new ArrayList<>();
          for (int k = 0; k < body.length(); k++) {
            char lo = body.charAt(k);
            char hi = lo;
            if (k + 2 < body.length() && body.charAt(k + 1) == '-') {
              hi = body.charAt(k + 2);
              k += 2;
            }
            ranges.add((int) lo);
            ranges.add((int) hi);
          }
          int[] t = new int[2 + ranges.size()];
          t[0] = CLASS;
          t[1] = negated ? 1 : 0;
          for (int k = 0; k < ranges.size(); k++) {
            t[2 + k] = ranges.get(k);
          }
          out.add(t);
          i = close + 1;
        } else {
          out.add(new int[] {LITERAL, c});
          i++;
        }
      }
      return new Segment(out.toArray(int[][]::new));
    }

    private static boolean one(int[] t, char c) {
      switch (t[0]) {
        case ANY:
          return true;
        case LITERAL:
          return t[1] == c;
        default:
          boolean in = false;
          for (int k = 2; k + 1 < t.length; k += 2) {
            if (c >= t[k] && c <= t[k + 1]) {
              in = true;
              break;
            }
          }
          return in != (t[1] == 1);
      }
    }

    boolean matches(String name) {
      int p = 0;
      int s = 0;
      int starP = -1;
      int starS = -1;
      while (s < name.length()) {
        if (p < tokens.length && tokens[p][0] == STAR) {
          starP = p++;
          starS = s;
        } else if (p < tokens.length && one(tokens[p], name.charAt(s))) {
          p++;
          s++;
        } else if (starP >= 0) {
          p = starP + 1;
          s = ++starS;
        } else {
          return false;
        }
      }
      while (p < tokens.length && tokens[p][0] == STAR) {
        p++;
      }
      return p == tokens.length;
    }
  }
}
