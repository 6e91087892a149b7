package dev.modelscan.cli;

import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.api.spi.ScannerDescriptor;
import dev.modelscan.core.ScannerRegistry;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** {@code --list-scanners}: one row per scanner, in aligned columns, with where it came from. */
final class ScannerList {

  private static final String[] HEADER = {"SCANNER", "VERSION", "FORMATS", "EXTENSIONS", "FROM"};

  private ScannerList() {}

  /**
   * Prints the table.
   *
   * @param registry the scanners
   * @param plugins where they came from
   * @param out the table
   * @param err loading problems, as warnings
   */
  static void print(ScannerRegistry registry, PluginPath plugins, PrintWriter out, PrintWriter err) {
    List<String[]> rows = new ArrayList<>();
    rows.add(HEADER);
    for (ModelScanner s : registry.scanners()) {
      ScannerDescriptor d = s.descriptor();
      rows.add(
          new String[] {
            d.name(),
            version(d.version()),
            String.join(",", decoded(s)),
            d.extensions().isEmpty() ? "-" : String.join(",", d.extensions()),
            plugins.origin(s)
          });
    }
    int[] width = new int[HEADER.length];
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    for (String[] r : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < r.length; i++) {
        line.append(r[i]);
        if (i < r.length - 1) {
          line.append(" ".repeat(width[i] - r[i].length() + 2));
        }
      }
      out.println(line);
    }
    for (String p : registry.problems()) {
      err.println("warning: " + p);
    }
    out.flush();
  }

  /**
   * The formats the scanner decodes, in the descriptor's order: a format it only recognises (to report it as not
   * scanned) is not listed, so the list does not promise an analysis that does not happen.
   */
  private static List<String> decoded(ModelScanner s) {
    List<String> decoded;
    try {
      decoded = s.decodedFormats();
    } catch (RuntimeException | LinkageError e) {
      decoded = s.descriptor().formats(); // a plugin built against an SPI without the method, or a broken one
    }
    List<String> out = new ArrayList<>();
    for (String f : s.descriptor().formats()) {
      if (decoded.contains(f)) {
        out.add(f);
      }
    }
    return out;
  }

  /**
   * One style for versions: a scanner's {@code 0.1} and another's {@code 0.1.0} are the same release, so versions are
   * shown with three numbers ({@code major.minor.patch}) followed by whatever qualifier they carry.
   */
  static String version(String v) {
    String s = v.strip();
    int end = 0;
    while (end < s.length() && (Character.isDigit(s.charAt(end)) || s.charAt(end) == '.')) {
      end++;
    }
    String numbers = s.substring(0, end);
    if (numbers.isEmpty() || numbers.startsWith(".") || numbers.endsWith(".") || numbers.contains("..")) {
      return s.isEmpty() ? "-" : s;
    }
    String[] parts = numbers.split("\\.");
    if (parts.length >= 3) {
      return s;
    }
    StringBuilder b = new StringBuilder(numbers);
    for (int i = parts.length; i < 3; i++) {
      b.append(".0");
    }
    return b + s.substring(end);
  }
}
