package dev.modelscan.onnx;

import java.util.Locale;

/**
 * Judges an ONNX {@code external_data} location the way a loader would use it: joined to the model's directory.
 *
 * <p>onnx before 1.13 followed {@code ../} out of the directory (CVE-2022-25882), before 1.16 it missed {@code
 * subdir/../../} (CVE-2024-27318), and {@code save_external_data} wrote through the same paths (CVE-2025-51480). The
 * check here is lexical: components are resolved one by one and the path fails as soon as it climbs above the model
 * directory, whatever comes after. Absolute paths, drive letters, UNC shares and device files are never inside it.
 */
final class ExternalDataPath {

  /** What is wrong with a location. */
  enum Problem {
    /** Stays inside the model directory. */
    NONE,
    /** Empty, or holds control characters (a NUL truncates the path in native code). */
    INVALID,
    /** Climbs out of the directory with {@code ..}. */
    TRAVERSAL,
    /** An absolute path or a drive letter. */
    ABSOLUTE,
    /** A device or kernel file ({@code /dev}, {@code /proc}, {@code /sys}, {@code \\.\}, {@code \\?\}). */
    DEVICE,
    /** A UNC share or a URL: the loader reaches another machine. */
    REMOTE
  }

  private ExternalDataPath() {}

  static Problem check(String location) {
    if (location.isEmpty()) {
      return Problem.INVALID;
    }
    for (int i = 0; i < location.length(); i++) {
      if (Character.isISOControl(location.charAt(i))) {
        return Problem.INVALID;
      }
    }
    String p = location.replace('\\', '/');
    String lower = p.toLowerCase(Locale.ROOT);
    if (lower.startsWith("//./") || lower.startsWith("//?/")) {
      return Problem.DEVICE;
    }
    if (p.startsWith("//") || lower.matches("^[a-z][a-z0-9+.-]*://.*")) {
      return Problem.REMOTE;
    }
    if (lower.startsWith("/dev/") || lower.startsWith("/proc/") || lower.startsWith("/sys/")) {
      return Problem.DEVICE;
    }
    if (p.startsWith("/") || lower.matches("^[a-z]:.*")) {
      return Problem.ABSOLUTE;
    }
    int depth = 0;
    for (String part : p.split("/")) {
      if (part.equals("..")) {
        depth--;
        if (depth < 0) {
          return Problem.TRAVERSAL;
        }
      } else if (part.toLowerCase(Locale.ROOT).matches("^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\\..*)?$")) {
        // Windows reserved names are devices in every directory.
        return Problem.DEVICE;
      } else if (!part.isEmpty() && !part.equals(".")) {
        depth++;
      }
    }
    return Problem.NONE;
  }
}
