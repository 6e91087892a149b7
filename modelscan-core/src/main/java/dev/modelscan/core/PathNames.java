package dev.modelscan.core;

import dev.modelscan.api.FileResult;
import dev.modelscan.api.io.Utf8;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Exact names for files whose names Java cannot show. A Linux file name is bytes; {@link Path#toString()} decodes them
 * with the platform encoding and turns every byte that does not decode into U+FFFD, so the files {@code a<0xff>.pkl}
 * and {@code a<0xfe>.pkl} print alike, and a report that said "clean" about one of them would say it about both. The
 * bytes survive in {@link Path#toUri()}, which percent-encodes them (JDK {@code sun.nio.fs.UnixUriUtils.toUri}).
 */
final class PathNames {

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private PathNames() {}

  /**
   * The real path of {@code p} (links resolved), or {@code fallback} when it cannot be resolved (a broken link, a
   * file removed meanwhile): the walk wants an identity it can compare, reports want an empty {@code target}.
   */
  static String realPathOr(Path p, String fallback) {
    try {
      return p.toRealPath().toString();
    } catch (IOException | RuntimeException e) {
      return fallback;
    }
  }

  /**
   * Adds {@link FileResult#exactPath()} to the results whose display path is not exact. {@code files.get(i)} is the
   * file of {@code results.get(i)}.
   */
  static List<FileResult> withExactPaths(List<Path> files, List<FileResult> results) {
    List<FileResult> out = null;
    for (int i = 0; i < results.size(); i++) {
      FileResult r = results.get(i);
      String exact = exactForm(files.get(i), r.path());
      if (!exact.isEmpty()) {
        if (out == null) {
          out = new ArrayList<>(results);
        }
        out.set(i, r.withExactPath(exact));
      }
    }
    return out == null ? results : out;
  }

  /** The exact form of {@code file}'s name when {@code display} lost bytes of it, else the empty string. */
  static String exactForm(Path file, String display) {
    if (display.indexOf('\ufffd') < 0) {
      return ""; // nothing was replaced: the display form decodes back to the same bytes
    }
    try {
      byte[] raw = rawBytes(file);
      if (raw == null) {
        return "";
      }
      String exact = escapeBytes(raw);
      return exact.equals(display) ? "" : exact;
    } catch (RuntimeException | java.io.IOError e) {
      return ""; // no exact form to be had (another file system, no working directory): the display form stays
    }
  }

  /** The bytes of the path as given (relative stays relative), or null when they cannot be recovered. */
  private static byte[] rawBytes(Path file) {
    byte[] abs = uriBytes(file.toAbsolutePath().toUri());
    if (file.isAbsolute()) {
      return abs;
    }
    byte[] cwd = uriBytes(Path.of("").toAbsolutePath().toUri());
    int skip = cwd.length == 0 ? 1 : cwd.length + 1; // the working directory and the '/' after it
    if (abs.length < skip || abs[skip - 1] != '/') {
      return null;
    }
    for (int i = 0; i < cwd.length; i++) {
      if (abs[i] != cwd[i]) {
        return null;
      }
    }
    return java.util.Arrays.copyOfRange(abs, skip, abs.length);
  }

  /** The percent-decoded bytes of a file URI's path, without the '/' that toUri() appends to a directory. */
  private static byte[] uriBytes(URI uri) {
    String p = uri.getRawPath();
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(p.length());
    for (int i = 0; i < p.length(); i++) {
      char c = p.charAt(i);
      if (c == '%' && i + 2 < p.length()) {
        out.write(Integer.parseInt(p.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        out.write(c); // toUri() leaves only ASCII unencoded
      }
    }
    byte[] b = out.toByteArray();
    int n = b.length;
    while (n > 0 && b[n - 1] == '/') {
      n--;
    }
    return n == b.length ? b : java.util.Arrays.copyOf(b, n);
  }

  /** Valid UTF-8 as characters, every other byte as {@code \xNN} and a backslash as two: no two names alike. */
  static String escapeBytes(byte[] raw) {
    StringBuilder sb = new StringBuilder(raw.length + 8);
    int i = 0;
    while (i < raw.length) {
      int len = Utf8.sequenceLength(raw, i, raw.length);
      if (len <= 0) {
        int b = raw[i++] & 0xFF;
        sb.append("\\x").append(HEX[b >> 4]).append(HEX[b & 0xF]);
      } else if (raw[i] == '\\') {
        sb.append("\\\\");
        i++;
      } else {
        sb.append(new String(raw, i, len, StandardCharsets.UTF_8));
        i += len;
      }
    }
    return sb.toString();
  }
}
