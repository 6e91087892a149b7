package dev.modelscan.api;

import java.util.Objects;
import java.util.Optional;

/**
 * One thing a scanner saw that a person deciding whether to load the model must know about.
 *
 * <p>The compliance metadata (threat type, CWE, OWASP) belongs to the {@link #rule()}; the finding only chooses its
 * severity, which defaults to the rule's.
 *
 * @param rule the rule this finding is an instance of
 * @param severity how bad this instance is
 * @param module the module the loader would import (for pickles the imported module, such as {@code "os"}), or empty
 * @param operator the callable or attribute inside {@link #module()} (such as {@code "system"}), or empty
 * @param location where the finding was made
 * @param message what loading would do and what to do about it, for a person
 * @param scanner name of the scanner that reported it
 * @param suppression why the finding does not count towards the verdict (a baseline, an accepted risk), or empty:
 *     scanners never set it, a report policy applied after the scan does
 * @since 0.1
 */
public record Finding(
    Rule rule,
    Severity severity,
    String module,
    String operator,
    Location location,
    String message,
    String scanner,
    Optional<Suppression> suppression) {

  /**
   * Validates the components.
   *
   * @param rule rule, not null
   * @param severity severity, not null
   * @param module module, not null (empty when it does not apply)
   * @param operator operator, not null (empty when it does not apply)
   * @param location location, not null
   * @param message message, not null
   * @param scanner scanner name, not null
   * @param suppression suppression, not null (empty when the finding counts)
   */
  public Finding {
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(module, "module");
    Objects.requireNonNull(operator, "operator");
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(scanner, "scanner");
    Objects.requireNonNull(suppression, "suppression");
  }

  /**
   * A finding that counts (not suppressed).
   *
   * @param rule rule, not null
   * @param severity severity, not null
   * @param module module, not null (empty when it does not apply)
   * @param operator operator, not null (empty when it does not apply)
   * @param location location, not null
   * @param message message, not null
   * @param scanner scanner name, not null
   */
  public Finding(
      Rule rule,
      Severity severity,
      String module,
      String operator,
      Location location,
      String message,
      String scanner) {
    this(rule, severity, module, operator, location, message, scanner, Optional.empty());
  }

  /**
   * Whether this finding is suppressed, and so does not count towards the verdict.
   *
   * @return true when {@link #suppression()} is present
   */
  public boolean isSuppressed() {
    return suppression.isPresent();
  }

  /**
   * The same finding, suppressed.
   *
   * @param value the suppression, not null
   * @return a copy
   */
  public Finding suppressed(Suppression value) {
    return new Finding(
        rule, severity, module, operator, location, message, scanner, Optional.of(Objects.requireNonNull(value)));
  }

  /**
   * The rule's id.
   *
   * @return {@code rule().id()}
   */
  public String ruleId() {
    return rule.id();
  }

  /**
   * The rule's threat type.
   *
   * @return {@code rule().threatType()}
   */
  public ThreatType threatType() {
    return rule.threatType();
  }

  /**
   * Starts a finding of the given rule at the rule's default severity.
   *
   * @param rule the rule
   * @return a builder; {@link Builder#location}, {@link Builder#message} and {@link Builder#scanner} must be set
   */
  public static Builder builder(Rule rule) {
    return new Builder(rule);
  }

  /**
   * A builder for one finding. Not thread-safe; not reusable after {@link #build()} is called.
   *
   * @since 0.1
   */
  public static final class Builder {
    private final Rule rule;
    private Severity severity;
    private String module = "";
    private String operator = "";
    private Location location;
    private String message;
    private String scanner;

    private Builder(Rule rule) {
      this.rule = Objects.requireNonNull(rule, "rule");
      this.severity = rule.defaultSeverity();
    }

    /**
     * Sets the severity, overriding the rule's default.
     *
     * @param value the severity
     * @return this builder
     */
    public Builder severity(Severity value) {
      this.severity = Objects.requireNonNull(value, "severity");
      return this;
    }

    /**
     * Sets the module a loader would import.
     *
     * @param value module name, or null for none
     * @return this builder
     */
    public Builder module(String value) {
      this.module = value == null ? "" : value;
      return this;
    }

    /**
     * Sets the callable or attribute inside the module.
     *
     * @param value operator name, or null for none
     * @return this builder
     */
    public Builder operator(String value) {
      this.operator = value == null ? "" : value;
      return this;
    }

    /**
     * Sets where the finding was made.
     *
     * @param value the location
     * @return this builder
     */
    public Builder location(Location value) {
      this.location = value;
      return this;
    }

    /**
     * Moves the location to another byte offset in the same entry. Call after {@link #location}.
     *
     * @param value offset, or -1 when unknown
     * @return this builder
     * @throws IllegalStateException when no location was set
     */
    public Builder offset(long value) {
      if (location == null) {
        throw new IllegalStateException("set a location before an offset");
      }
      this.location = location.atOffset(value);
      return this;
    }

    /**
     * Sets the message for people.
     *
     * @param value the message
     * @return this builder
     */
    public Builder message(String value) {
      this.message = value;
      return this;
    }

    /**
     * Sets the name of the reporting scanner.
     *
     * @param value scanner name
     * @return this builder
     */
    public Builder scanner(String value) {
      this.scanner = value;
      return this;
    }

    /**
     * Builds the finding.
     *
     * @return the finding
     * @throws NullPointerException when location, message or scanner is missing
     */
    public Finding build() {
      return new Finding(rule, severity, module, operator, location, message, scanner);
    }
  }
}
