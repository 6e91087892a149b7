package dev.modelscan.robustness.dos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.FileResult;
import dev.modelscan.api.Finding;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.Severity;
import dev.modelscan.robustness.RequiresScanner;
import dev.modelscan.robustness.Scans;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;

/**
 * Issue 14 item 2: a chat template of <code>&#123;&#123;</code> and 200,000 underscores took minutes (a backtracking regex over the
 * template, with no deadline inside it), and the payload after it was found only at the end. Through the engine, in a
 * GGUF and in a template file, 1 MiB of such text is analysed and the payload after it is reported. The timeout is a
 * guard against a hang, not a measurement; the benchmark is {@code TemplateAnalyzerBenchmark}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
class TemplateDosTest {

  private static final String PAYLOAD = "{{ cycler.__init__.__globals__.os.popen('echo pwned').read() }}";

  private static final String UNDERSCORES = "{{ " + "_".repeat(1 << 20) + " }}";

  /** A GGUF v3 file with one metadata key, {@code tokenizer.chat_template}, and no tensors. */
  private static byte[] gguf(String template) {
    byte[] key = "tokenizer.chat_template".getBytes(StandardCharsets.UTF_8);
    byte[] value = template.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(4 + 4 + 8 + 8 + 8 + key.length + 4 + 8 + value.length)
        .order(ByteOrder.LITTLE_ENDIAN);
    b.put("GGUF".getBytes(StandardCharsets.US_ASCII)).putInt(3).putLong(0).putLong(1);
    b.putLong(key.length).put(key).putInt(8).putLong(value.length).put(value);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(b.array(), 0, b.position());
    return out.toByteArray();
  }

  private static void assertPayloadFound(FileResult r) {
    assertThat(r.status()).as(Dos.describe(r)).isEqualTo(ScanStatus.COMPLETE);
    assertThat(r.findings()).as(Dos.describe(r))
        .anySatisfy(f -> {
          assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
          assertThat(f.message()).contains("popen");
        });
  }

  @Test
  @RequiresScanner("gguf")
  void aGgufTemplateOf200000UnderscoresAndAPayload() {
    assertPayloadFound(Scans.DEFAULT.scanBytes(gguf("{{ " + "_".repeat(200_000) + " }}" + PAYLOAD), "m.gguf"));
  }

  @Test
  @RequiresScanner("gguf")
  void aGgufTemplateOfAMebibyteOfUnderscoresAndAPayload() {
    assertPayloadFound(Scans.DEFAULT.scanBytes(gguf(UNDERSCORES + PAYLOAD), "m.gguf"));
  }

  @Test
  @RequiresScanner("jinja-template")
  void aTemplateFileOfAMebibyteOfUnderscoresAndAPayload() {
    FileResult r = Scans.DEFAULT.scanBytes((UNDERSCORES + PAYLOAD).getBytes(StandardCharsets.UTF_8),
        "chat_template.jinja");
    assertThat(r.format()).isEqualTo("jinja-template");
    assertPayloadFound(r);
    assertThat(r.findings()).extracting(Finding::ruleId).containsOnly("JINJA-TEMPLATE-INJECTION");
  }
}
