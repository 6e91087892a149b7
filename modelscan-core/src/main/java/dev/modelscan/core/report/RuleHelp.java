package dev.modelscan.core.report;

import dev.modelscan.api.Rule;
import dev.modelscan.api.StandardRules;
import dev.modelscan.api.ThreatType;
import dev.modelscan.core.ScannerRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Help for the rules of findings: what a rule means and what to do about a finding of it, as plain text and markdown,
 * and the address of the rule's entry on the rules page ({@code docs/rules.md}). Reports that code-scanning UIs read
 * (SARIF) show it beside every alert.
 *
 * @since 0.1
 */
public final class RuleHelp {

  /** The rules page: one section per rule, headed by the rule id. */
  public static final String RULES_PAGE = "https://github.com/modelscan-dev/modelscan/blob/main/docs/rules.md";

  /** The rules the engine itself reports, whatever scanners are registered. */
  public static final List<Rule> ENGINE_RULES = StandardRules.all();

  private RuleHelp() {}

  /**
   * Every rule a scan with this registry can report; the same as {@link ScannerRegistry#rules()} (the engine's rules,
   * then every scanner's rules in registry order, each id once), as a mutable list.
   *
   * @param registry the registry, not null
   * @return the rules, in a stable order
   */
  public static List<Rule> rules(ScannerRegistry registry) {
    return new ArrayList<>(registry.rules());
  }

  /**
   * The address of the rule's section on the rules page: the page and the anchor a markdown renderer gives the
   * heading {@code ### RULE-ID} (the id in lowercase).
   *
   * @param rule the rule, not null
   * @return an absolute URI
   */
  public static String helpUri(Rule rule) {
    return RULES_PAGE + "#" + anchor(rule.id());
  }

  /**
   * The anchor of a rule id's heading: lowercase, with every character other than a letter, digit, hyphen or
   * underscore left out, as markdown renderers make it.
   *
   * @param ruleId the id
   * @return the anchor, without {@code #}
   */
  public static String anchor(String ruleId) {
    StringBuilder sb = new StringBuilder();
    for (char c : ruleId.toLowerCase(Locale.ROOT).toCharArray()) {
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_') {
        sb.append(c);
      } else if (c == ' ') {
        sb.append('-');
      }
    }
    return sb.toString();
  }

  /**
   * What to do about a finding of the rule, for a person deciding whether to load the model.
   *
   * @param rule the rule, not null
   * @return one or two sentences
   */
  public static String whatToDo(Rule rule) {
    Objects.requireNonNull(rule, "rule");
    switch (rule.id()) {
      case "MODELSCAN-LIMIT-REACHED":
        return "Part of the file was not analysed. Raise the limit named in the message (each limit is a --max-..."
            + " option) and scan again; until then treat the file as not vetted.";
      case "MODELSCAN-SCANNER-ERROR":
        return "The file was not fully analysed. Treat it as not vetted, and report the message (not the file) to"
            + " the modelscan maintainers if it looks like a bug.";
      case "MODELSCAN-INPUT-CHANGED":
        return "Wait until the file is no longer being written (a download or save in progress) and scan it again;"
            + " if nothing should be writing it, find out what did.";
      default:
        break;
    }
    return whatToDo(rule.threatType());
  }

  private static String whatToDo(ThreatType t) {
    switch (t) {
      case DESERIALIZATION:
        return "Do not load the file with a deserializing loader (pickle, torch.load without weights_only, joblib)."
            + " Get the model from its publisher in a format without code (SafeTensors, GGUF, ONNX), or, if you"
            + " trust the named callable, allow it explicitly (--allow-global) and scan again.";
      case CODE_INJECTION:
        return "Do not load the model: loading runs the code the finding names. Get a version without the code from"
            + " a trusted publisher, or review the code itself before accepting the risk.";
      case DENIAL_OF_SERVICE:
        return "Do not load the file on a shared machine: it can exhaust memory, disk or time. Check where it came"
            + " from; a genuine model rarely needs such sizes.";
      case NETWORK_ACCESS:
        return "Do not load the model where it can reach a network: loading makes a connection the finding names."
            + " Get a self-contained version of the model.";
      case FILE_ACCESS:
        return "Do not load the model: loading reads or writes files outside it. Get a self-contained version, or"
            + " check that the named path is part of the model.";
      case PATH_TRAVERSAL:
        return "Do not extract or load the archive as it is: a member points outside the folder it is unpacked to."
            + " Get a clean copy from the publisher.";
      case DISGUISED_CONTENT:
        return "Find out what the extra or mislabelled content is before loading the file; a loader may read the"
            + " part the file name does not promise.";
      case OBFUSCATION:
        return "Treat the file as tampered with: content is hidden or readable in two ways, which is how payloads"
            + " evade scanners. Get a clean copy from the publisher.";
      case EMBEDDED_EXECUTABLE:
        return "Do not run or load what came with the model: executables and scripts have no place in model"
            + " weights. Review them or remove them.";
      case MALFORMED_CONTENT:
        return "Do not load the file with a lenient loader: broken structure is how payloads hide from scanners."
            + " Get an intact copy, or re-export the model with its original library.";
      case TEMPLATE_INJECTION:
        return "Do not use the model's template: rendering it runs code. Replace the chat template with a reviewed"
            + " one.";
      case UNKNOWN_REFERENCE:
        return "Check that the named code is what the model needs and that you trust it; if so, allow it"
            + " explicitly and scan again. Otherwise do not load the model.";
      default:
        return "Review the finding before loading the model.";
    }
  }

  /**
   * The help text of a rule, plain: what it means, what to do, its CWE and OWASP ids, and the rules page.
   *
   * @param rule the rule, not null
   * @return text
   */
  public static String text(Rule rule) {
    return rule.description()
        + "\n\nWhat to do: "
        + whatToDo(rule)
        + "\n\n"
        + rule.cwe().tag()
        + ": "
        + rule.cwe().name()
        + "; OWASP "
        + rule.owasp().id()
        + ": "
        + rule.owasp().name()
        + ".\n"
        + helpUri(rule);
  }

  /**
   * The help text of a rule, as markdown.
   *
   * @param rule the rule, not null
   * @return markdown
   */
  public static String markdown(Rule rule) {
    return "**"
        + rule.title()
        + "** ("
        + rule.defaultSeverity().name()
        + ")\n\n"
        + rule.description()
        + "\n\n**What to do:** "
        + whatToDo(rule)
        + "\n\n["
        + rule.cwe().tag()
        + ": "
        + rule.cwe().name()
        + "](https://cwe.mitre.org/data/definitions/"
        + rule.cwe().id()
        + ".html) · OWASP "
        + rule.owasp().id()
        + ": "
        + rule.owasp().name()
        + " · [rules page]("
        + helpUri(rule)
        + ")";
  }

  /**
   * The rules page in markdown: one section per rule, headed by its id, with its severity, CWE, OWASP id, threat
   * type, what it means and what to do. {@code docs/rules.md} is this page for the built-in registry.
   *
   * @param rules the rules, not null
   * @return markdown
   */
  public static String rulesPage(List<Rule> rules) {
    StringBuilder sb = new StringBuilder();
    sb.append("# Rules\n\n")
        .append("Every rule a scan with the built-in scanners can report. Reports name the rule id; SARIF reports")
        .append(" link each rule\nto its section here. Severities are the defaults: a scanner may raise or lower")
        .append(" one finding's severity.\n\n")
        .append("This page is written from the rule registry (see `RulesPageTest` in `modelscan-cli`; run it with\n")
        .append("`-Dmodelscan.rulesPage=write` to rewrite it). A test fails when a registered rule is missing.\n\n")
        .append("| rule | severity | CWE | threat |\n|---|---|---|---|\n");
    for (Rule r : rules) {
      sb.append("| [")
          .append(r.id())
          .append("](#")
          .append(anchor(r.id()))
          .append(") | ")
          .append(r.defaultSeverity().name())
          .append(" | ")
          .append(r.cwe().tag())
          .append(" | ")
          .append(r.threatType().name())
          .append(" |\n");
    }
    for (Rule r : rules) {
      sb.append("\n### ")
          .append(r.id())
          .append("\n\n")
          .append(r.title())
          .append(". Severity ")
          .append(r.defaultSeverity().name())
          .append("; ")
          .append(r.cwe().tag())
          .append(" (")
          .append(r.cwe().name())
          .append("); OWASP ")
          .append(r.owasp().id())
          .append(" (")
          .append(r.owasp().name())
          .append("); threat ")
          .append(r.threatType().name())
          .append(".\n\n")
          .append(r.description())
          .append("\n\n**What to do:** ")
          .append(whatToDo(r))
          .append('\n');
    }
    return sb.toString();
  }
}
