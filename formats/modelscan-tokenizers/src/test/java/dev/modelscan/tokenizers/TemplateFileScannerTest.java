package dev.modelscan.tokenizers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.Finding;
import dev.modelscan.api.ScanLimits;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.Severity;
import dev.modelscan.api.StandardRules;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.Recognition;
import dev.modelscan.jinja.TemplateRules;
import dev.modelscan.testkit.RecordingScanContext;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TemplateFileScannerTest {
  private final TemplateFileScanner scanner = new TemplateFileScanner();

  static byte[] template(String name) {
    return SentencePieceScannerTest.fixture("templates/" + name);
  }

  private RecordingScanContext scan(String fixture) {
    return RecordingScanContext.scan(scanner, template(fixture), fixture);
  }

  private static Recognition recognise(String text, String name) {
    return new TemplateFileScanner().recognize(ContentHead.ofBytes(text.getBytes(StandardCharsets.UTF_8), name));
  }

  @ParameterizedTest
  @ValueSource(strings = {"chat_template.jinja", "markdown.jinja"})
  void benignTemplatesAreCleanAndComplete(String fixture) {
    RecordingScanContext ctx = scan(fixture);
    assertThat(ctx.findings()).isEmpty();
    assertThat(ctx.status()).isEqualTo(ScanStatus.COMPLETE);
  }

  @Test
  void theCyclerPayloadIsCritical() {
    RecordingScanContext ctx = scan("ssti.j2");
    assertThat(ctx.findings()).singleElement().satisfies(f -> {
      assertThat(f.ruleId()).isEqualTo(TemplateRules.TEMPLATE_INJECTION.id());
      assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
      assertThat(f.message()).contains("__globals__").contains("popen").contains("cycler");
    });
    assertThat(ctx.status()).isEqualTo(ScanStatus.COMPLETE);
  }

  @Test
  void builtNamesAreResolved() {
    Finding f = scan("obfuscated.jinja2").findings().get(0);
    assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(f.message()).contains("__class__ via attr()").contains("__class__ via subscript");
  }

  @Test
  void escapedNamesAreResolvedAndTheOffsetIsInBytes() {
    byte[] b = template("escaped.template");
    Finding f = RecordingScanContext.scan(scanner, b, "escaped.template").findings().get(0);
    assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(f.message()).contains("__class__").contains("escaped character _");
    // Multi-byte text before the payload: the finding's offset counts bytes, not chars.
    byte[] prefixed = ("{# é€😀 #}" + new String(b, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
    Finding g = RecordingScanContext.scan(scanner, prefixed, "escaped.template").findings().get(0);
    assertThat(g.location().offset()).isEqualTo(f.location().offset() + 15);
  }

  @Test
  void recognitionNeedsATemplateNameAndText() {
    assertThat(recognise("{{ x }}", "chat_template.jinja").confidence()).isEqualTo(Recognition.PROBABLE);
    assertThat(recognise("{% if x %}", "a/b/prompt.j2").confidence()).isEqualTo(Recognition.PROBABLE);
    assertThat(recognise("{# c #}", "t.JINJA2").confidence()).isEqualTo(Recognition.PROBABLE);
    assertThat(recognise("{{ x }}", "chat_template").confidence()).isEqualTo(Recognition.PROBABLE);
    // Text without a delimiter in the head is still claimed (its code may start after the head), above plain text.
    assertThat(recognise("hello", "x.template").confidence())
        .isEqualTo(TemplateFileScanner.NAMED_TEXT).isGreaterThan(Recognition.WEAK);
    assertThat(recognise("{{ x }}", "notes.txt").recognised()).isFalse();
    assertThat(recognise("{\"chat_template\": \"{{ x }}\"}", "chat_template.json").recognised()).isFalse();
    assertThat(recognise("{{ x }}\0\1", "x.jinja").recognised()).isFalse();
    assertThat(recognise("", "x.jinja").recognised()).isFalse();
  }

  @Test
  void aTemplateWhosePayloadIsAfterTheHeadIsAnalysedWhole() {
    String text = "x".repeat(ContentHead.HEAD_SIZE * 2) + "{{ lipsum.__globals__.os }}";
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    assertThat(scanner.recognize(ContentHead.of(java.util.Arrays.copyOf(b, ContentHead.HEAD_SIZE), new byte[0],
        b.length, "late.jinja")).confidence()).isEqualTo(TemplateFileScanner.NAMED_TEXT);
    RecordingScanContext ctx = RecordingScanContext.scan(scanner, b, "late.jinja");
    assertThat(ctx.findings()).singleElement().satisfies(f -> {
      assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
      assertThat(f.location().offset()).isGreaterThan(ContentHead.HEAD_SIZE * 2L);
    });
  }

  @Test
  void aTemplateLargerThanTheStringLimitIsNotClean() {
    byte[] b = ("{{ x }}" + " ".repeat(4096)).getBytes(StandardCharsets.UTF_8);
    ScanSettings tight = ScanSettings.builder().limits(ScanLimits.builder().maxStringBytes(1024).build()).build();
    RecordingScanContext ctx = RecordingScanContext.scan(scanner, b, "big.jinja", tight);
    assertThat(ctx.status()).isNotEqualTo(ScanStatus.COMPLETE);
    assertThat(ctx.findings()).extracting(Finding::ruleId).contains(StandardRules.LIMIT_REACHED.id());
    assertThat(ctx.findings()).extracting(Finding::message).anyMatch(m -> m.contains("template file"));
  }

  @Test
  void invalidUtf8IsMalformed() {
    byte[] text = ("{{ x }}" + " ".repeat(ContentHead.HEAD_SIZE)).getBytes(StandardCharsets.UTF_8);
    byte[] b = java.util.Arrays.copyOf(text, text.length + 2);
    b[text.length] = (byte) 0xC3;
    b[text.length + 1] = '(';
    RecordingScanContext ctx = RecordingScanContext.scan(scanner, b, "bad.jinja");
    assertThat(ctx.status()).isNotEqualTo(ScanStatus.COMPLETE);
    assertThat(ctx.findings()).extracting(Finding::ruleId).contains(StandardRules.MALFORMED_CONTENT.id());
  }

  @Test
  void adversarialTemplatesFinishAndThePayloadIsFound() {
    String text = "{{ " + "_".repeat(1 << 20) + " }}{{ cycler.__init__.__globals__.os.popen('echo').read() }}";
    RecordingScanContext ctx = RecordingScanContext.scan(scanner, text.getBytes(StandardCharsets.UTF_8), "a.j2");
    assertThat(ctx.findings()).singleElement().satisfies(f -> assertThat(f.message()).contains("popen"));
  }
}
