package dev.modelscan.tokenizers;

import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.testkit.ScannerContractTest;
import java.util.List;

/** The scanner contract (hostile mutations, limits, threads) on benign and malicious template files. */
class TemplateFileScannerContractTest extends ScannerContractTest {

  @Override
  protected ModelScanner scanner() {
    return new TemplateFileScanner();
  }

  @Override
  protected List<Sample> samples() {
    return List.of(
        Sample.benign("chat_template.jinja", TemplateFileScannerTest.template("chat_template.jinja")),
        Sample.benign("markdown.jinja", TemplateFileScannerTest.template("markdown.jinja")),
        Sample.hostile("ssti.j2", TemplateFileScannerTest.template("ssti.j2")),
        Sample.hostile("obfuscated.jinja2", TemplateFileScannerTest.template("obfuscated.jinja2")),
        Sample.hostile("escaped.template", TemplateFileScannerTest.template("escaped.template")));
  }
}
