package dev.modelscan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.Rule;
import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.core.ScannerRegistry;
import dev.modelscan.core.report.RuleHelp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/rules.md} lists every rule of the built-in registry (the engine's and every scanner module's), which SARIF
 * reports link to. Run with {@code -Dmodelscan.rulesPage=write} to rewrite the page from the registry.
 */
class RulesPageTest {

  private static final Path PAGE = Path.of("..", "docs", "rules.md");

  /** The engine's rules and those of the scanners this project ships (not the test scanners of this module). */
  static List<Rule> builtInRules() {
    Map<String, Rule> rules = new LinkedHashMap<>();
    for (Rule r : RuleHelp.ENGINE_RULES) {
      rules.putIfAbsent(r.id(), r);
    }
    for (ModelScanner s : ScannerRegistry.loadDefault().scanners()) {
      if (s.getClass().getPackageName().equals(RulesPageTest.class.getPackageName())) {
        continue; // ToyScanner, FaultScanner: test plugins
      }
      for (Rule r : s.rules()) {
        rules.putIfAbsent(r.id(), r);
      }
    }
    return new ArrayList<>(rules.values());
  }

  @Test
  void everyRegisteredRuleHasItsSectionWithSeverityAndCwe() throws IOException {
    List<Rule> rules = builtInRules();
    if ("write".equals(System.getProperty("modelscan.rulesPage"))) {
      Files.writeString(PAGE, RuleHelp.rulesPage(rules), StandardCharsets.UTF_8);
    }
    String page = Files.readString(PAGE, StandardCharsets.UTF_8);
    assertThat(rules).hasSizeGreaterThan(50);
    List<String> missing = new ArrayList<>();
    for (Rule r : rules) {
      int at = page.indexOf("\n### " + r.id() + "\n");
      if (at < 0) {
        missing.add(r.id());
        continue;
      }
      int end = page.indexOf("\n### ", at + 5);
      String section = page.substring(at, end < 0 ? page.length() : end);
      assertThat(section)
          .as(r.id())
          .contains("Severity " + r.defaultSeverity().name(), r.cwe().tag(), "**What to do:**");
    }
    assertThat(missing)
        .as("rules missing from docs/rules.md (regenerate: mvn -o -q -pl modelscan-cli test -Dtest=RulesPageTest"
            + " -Dmodelscan.rulesPage=write)")
        .isEmpty();
  }

  @Test
  void helpUrisPointAtTheSections() {
    for (Rule r : builtInRules()) {
      assertThat(RuleHelp.helpUri(r)).isEqualTo(RuleHelp.RULES_PAGE + "#" + r.id().toLowerCase(java.util.Locale.ROOT));
    }
  }
}
