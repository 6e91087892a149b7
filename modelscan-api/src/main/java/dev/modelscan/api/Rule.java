package dev.modelscan.api;

import java.util.Objects;

/**
 * A kind of finding, with the compliance metadata that every finding of that kind shares.
 *
 * <p>Rules are declared once, as constants, by the scanner that reports them (and listed by {@link
 * dev.modelscan.api.spi.ModelScanner#rules()}); reports such as SARIF list them once and let findings refer to them by
 * {@link #id()}.
 *
 * @param id stable identifier, upper case with dashes, such as {@code "PICKLE-DANGEROUS-GLOBAL"}
 * @param title a short name for people
 * @param description what the rule detects and why that is dangerous, in a sentence or two
 * @param defaultSeverity the severity of a finding that does not set its own
 * @param threatType what kind of harm the rule stands for
 * @param cwe the weakness the rule maps to
 * @param owasp the OWASP ML Top 10 entry the rule maps to
 * @since 0.1
 */
public record Rule(
    String id,
    String title,
    String description,
    Severity defaultSeverity,
    ThreatType threatType,
    Cwe cwe,
    OwaspMl owasp) {

  /**
   * Validates the components.
   *
   * @param id stable identifier, not blank
   * @param title short name, not null
   * @param description description, not null
   * @param defaultSeverity default severity, not null
   * @param threatType threat type, not null
   * @param cwe CWE, not null
   * @param owasp OWASP entry, not null
   */
  public Rule {
    Objects.requireNonNull(id, "id");
    if (id.isBlank()) {
      throw new IllegalArgumentException("rule id must not be blank");
    }
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(defaultSeverity, "defaultSeverity");
    Objects.requireNonNull(threatType, "threatType");
    Objects.requireNonNull(cwe, "cwe");
    Objects.requireNonNull(owasp, "owasp");
  }

  /**
   * A rule that uses its threat type's default CWE and OWASP ML06 (AI Supply Chain Attacks).
   *
   * @param id stable identifier
   * @param title short name
   * @param description what it detects and why it matters
   * @param defaultSeverity default severity
   * @param threatType threat type, which also chooses the CWE
   * @return the rule
   */
  public static Rule of(
      String id, String title, String description, Severity defaultSeverity, ThreatType threatType) {
    return new Rule(
        id, title, description, defaultSeverity, threatType, threatType.defaultCwe(), OwaspMl.ML06_AI_SUPPLY_CHAIN);
  }
}
