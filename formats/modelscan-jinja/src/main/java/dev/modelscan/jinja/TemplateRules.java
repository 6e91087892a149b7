package dev.modelscan.jinja;

import dev.modelscan.api.Rule;
import dev.modelscan.api.Severity;
import dev.modelscan.api.ThreatType;

/**
 * The rule under which every scanner reports what {@link TemplateAnalyzer} finds, wherever the template lives (GGUF
 * metadata, {@code tokenizer_config.json}, {@code chat_template.jinja}, YAML configs...). One definition, so that a
 * report, a suppression or a SARIF rule list treats the same attack the same way in every container.
 *
 * @since 0.1
 */
public final class TemplateRules {

  /**
   * A Jinja2 template that reaches Python internals or the OS when rendered without a sandbox. Scanners list it in
   * their {@code rules()} and report findings with the severity of the strongest {@link TemplateIssue}.
   */
  public static final Rule TEMPLATE_INJECTION =
      Rule.of(
          "JINJA-TEMPLATE-INJECTION",
          "Jinja2 template escapes the sandbox",
          "The template uses constructs that reach Python internals (dunder attributes, Jinja globals such as cycler"
              + " or lipsum, attr() lookups, names built from pieces or escapes). Runtimes that render chat templates"
              + " in a plain jinja2.Environment run attacker code when the model is used (CVE-2024-34359).",
          Severity.CRITICAL,
          ThreatType.TEMPLATE_INJECTION);

  private TemplateRules() {}
}
