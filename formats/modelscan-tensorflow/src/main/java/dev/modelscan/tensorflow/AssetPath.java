package dev.modelscan.tensorflow;

import java.util.Locale;

/**
 * Judges a SavedModel asset filename, which the loader joins to {@code <export_dir>/assets/}. The same lexical rules
 * as the ONNX module's external-data check (kept here: format modules do not share code): components are resolved one
 * by one and the path fails as soon as it climbs above the assets directory.
 */
final class AssetPath {
  private AssetPath() {}

  /** What is wrong with the name, for a message, or null when it stays inside the assets directory. */
  static String problem(String filename) {
    String p = filename.replace('\\', '/');
    String lower = p.toLowerCase(Locale.ROOT);
    if (p.isEmpty()) {
      return null;
    }
    if (p.startsWith("/") || lower.matches("^[a-z]:.*") || lower.matches("^[a-z][a-z0-9+.-]*://.*")) {
      return "is an absolute path or URL outside the model";
    }
    for (int i = 0; i < p.length(); i++) {
      if (Character.isISOControl(p.charAt(i))) {
        return "contains control characters";
      }
    }
    int depth = 0;
    for (String part : p.split("/")) {
      if (part.equals("..")) {
        if (--depth < 0) {
          return "climbs out of the assets directory";
        }
      } else if (!part.isEmpty() && !part.equals(".")) {
        depth++;
      }
    }
    return null;
  }
}
