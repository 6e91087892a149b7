package dev.modelscan.api;

import java.util.Objects;

/**
 * A Common Weakness Enumeration entry, as referenced by a {@link Rule}.
 *
 * @param id the numeric CWE id, positive
 * @param name the CWE's official name
 * @since 0.1
 */
public record Cwe(int id, String name) {

  /** CWE-20: Improper Input Validation. */
  public static final Cwe IMPROPER_INPUT_VALIDATION = new Cwe(20, "Improper Input Validation");

  /** CWE-22: path traversal. */
  public static final Cwe PATH_TRAVERSAL =
      new Cwe(22, "Improper Limitation of a Pathname to a Restricted Directory ('Path Traversal')");

  /** CWE-73: External Control of File Name or Path. */
  public static final Cwe EXTERNAL_FILE_PATH = new Cwe(73, "External Control of File Name or Path");

  /** CWE-94: code injection. */
  public static final Cwe CODE_INJECTION =
      new Cwe(94, "Improper Control of Generation of Code ('Code Injection')");

  /** CWE-400: Uncontrolled Resource Consumption. */
  public static final Cwe RESOURCE_CONSUMPTION = new Cwe(400, "Uncontrolled Resource Consumption");

  /** CWE-409: Improper Handling of Highly Compressed Data (Data Amplification). */
  public static final Cwe DATA_AMPLIFICATION =
      new Cwe(409, "Improper Handling of Highly Compressed Data (Data Amplification)");

  /** CWE-434: Unrestricted Upload of File with Dangerous Type (used for polyglots and disguised content). */
  public static final Cwe DANGEROUS_FILE_TYPE = new Cwe(434, "Unrestricted Upload of File with Dangerous Type");

  /** CWE-502: Deserialization of Untrusted Data. */
  public static final Cwe DESERIALIZATION = new Cwe(502, "Deserialization of Untrusted Data");

  /** CWE-506: Embedded Malicious Code. */
  public static final Cwe EMBEDDED_MALICIOUS_CODE = new Cwe(506, "Embedded Malicious Code");

  /** CWE-918: Server-Side Request Forgery (used for network access on load). */
  public static final Cwe NETWORK_REQUEST = new Cwe(918, "Server-Side Request Forgery (SSRF)");

  /** CWE-1336: template injection. */
  public static final Cwe TEMPLATE_INJECTION =
      new Cwe(1336, "Improper Neutralization of Special Elements Used in a Template Engine");

  /**
   * Validates the components.
   *
   * @param id the numeric CWE id, positive
   * @param name the CWE's official name, not blank
   */
  public Cwe {
    if (id <= 0) {
      throw new IllegalArgumentException("CWE id must be positive: " + id);
    }
    Objects.requireNonNull(name, "name");
  }

  /**
   * The id as it is usually written.
   *
   * @return for example {@code "CWE-502"}
   */
  public String tag() {
    return "CWE-" + id;
  }
}
