package dev.modelscan.api;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The version of modelscan, the one place it is read from: a resource that Maven fills in when it builds this module.
 * The engine reports it, and every built-in scanner gives it as its {@link dev.modelscan.api.spi.ScannerDescriptor}
 * version, so that a report names one version style and a release changes one number (the pom's).
 *
 * <p>Third-party scanners give their own version instead.
 *
 * @since 0.1
 */
public final class ModelScanVersion {
  private static final String VERSION = load();

  private ModelScanVersion() {}

  /**
   * The version of this modelscan build.
   *
   * @return for example {@code "0.1.0"} or {@code "0.1.0-SNAPSHOT"}; {@code "unknown"} when run from classes that
   *     Maven did not process (an IDE build without resource filtering)
   */
  public static String current() {
    return VERSION;
  }

  private static String load() {
    Properties p = new Properties();
    try (InputStream in = ModelScanVersion.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      return "unknown";
    }
    String v = p.getProperty("version", "unknown");
    return v.startsWith("${") ? "unknown" : v;
  }
}
