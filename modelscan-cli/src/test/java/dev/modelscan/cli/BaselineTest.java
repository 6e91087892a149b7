package dev.modelscan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --baseline}: the findings of an earlier JSON report do not fail the run again, new ones do, and every report
 * still shows the known ones, marked. The models are the committed malicious samples (payload {@code echo}).
 */
class BaselineTest {

  private static final Path SAMPLES = Path.of("..", "samples", "malicious");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private Path models;

  private StringWriter out;
  private StringWriter err;

  @BeforeEach
  void models() throws IOException {
    models = Files.createDirectory(dir.resolve("models"));
    Files.copy(SAMPLES.resolve("os_system.pkl"), models.resolve("os_system.pkl"));
  }

  private int run(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  private Path baseline() throws IOException {
    Path report = dir.resolve("baseline.json");
    assertThat(run("scan", "--no-progress", "-f", "json", "-o", report.toString(), models.toString())).isEqualTo(1);
    return report;
  }

  @Test
  void everyResultCarriesTheSha256OfItsBytes() throws Exception {
    JsonNode root = JSON.readTree(baseline().toFile());
    JsonNode r = root.path("results").get(0);
    String expected =
        HexFormat.of()
            .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(SAMPLES.resolve("os_system.pkl"))));
    assertThat(r.path("sha256").asText()).isEqualTo(expected);
  }

  @Test
  void knownFindingsPassNewOnesStillFail() throws IOException {
    Path baseline = baseline();

    // The same models: exit 0, and the findings are still in the report, marked as baselined.
    assertThat(run("scan", "--no-progress", "--baseline", baseline.toString(), models.toString())).isEqualTo(0);
    assertThat(out.toString()).contains("PICKLE-DANGEROUS-GLOBAL", "[baselined: present in the baseline", "Verdict: CLEAN");
    assertThat(run("scan", "--no-progress", "-f", "json", "--baseline", baseline.toString(), models.toString()))
        .isEqualTo(0);
    JsonNode json = JSON.readTree(out.toString());
    JsonNode finding = json.path("results").get(0).path("findings").get(0);
    assertThat(finding.path("suppression").path("kind").asText()).isEqualTo("BASELINE");
    assertThat(json.path("summary").path("findings").path("suppressed").asInt()).isPositive();
    assertThat(json.path("summary").path("findings").path("CRITICAL").asInt()).isZero();

    // A renamed copy is the same content: still known (the baseline is keyed on the bytes, not the path).
    Files.move(models.resolve("os_system.pkl"), models.resolve("renamed.pkl"));
    assertThat(run("scan", "--no-progress", "--baseline", baseline.toString(), models.toString())).isEqualTo(0);

    // A second, new malicious file fails the run; the known one stays baselined.
    Files.copy(SAMPLES.resolve("eval_protocol0.pkl"), models.resolve("eval_protocol0.pkl"));
    assertThat(run("scan", "--no-progress", "--baseline", baseline.toString(), models.toString())).isEqualTo(1);
    assertThat(out.toString()).contains("eval_protocol0.pkl", "[baselined:", "Verdict: UNSAFE");
  }

  @Test
  void changedBytesAreNewFindings() throws IOException {
    Path baseline = baseline();
    // One byte more after STOP: other content, other hash; its findings are new even at the same path.
    Path model = models.resolve("os_system.pkl");
    byte[] bytes = Files.readAllBytes(model);
    byte[] changed = java.util.Arrays.copyOf(bytes, bytes.length + 1);
    changed[bytes.length] = '.';
    Files.write(model, changed);
    assertThat(run("scan", "--no-progress", "--baseline", baseline.toString(), models.toString())).isEqualTo(1);
    assertThat(out.toString()).doesNotContain("[baselined:");
  }

  @Test
  void theEmbeddingDocsPolicyExampleSuppressesAndBaselines() throws Exception {
    // docs/embedding.md#baselines-and-suppressions, run as written: the baseline knows os_system.pkl, the
    // suppression accepts eval_protocol0.pkl by its hash; nothing is left to fail the scan.
    Path baseline = baseline();
    Path eval = Files.copy(SAMPLES.resolve("eval_protocol0.pkl"), models.resolve("eval_protocol0.pkl"));
    String sha =
        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(eval)));
    dev.modelscan.api.ScanReport judged =
        EmbeddingExamples.policy(
            dev.modelscan.core.ModelScan.builder().build(), java.util.List.of(models), baseline, sha);
    assertThat(judged.verdict()).isEqualTo(dev.modelscan.api.Verdict.CLEAN);
    assertThat(judged.findings())
        .allMatch(dev.modelscan.api.Finding::isSuppressed)
        .extracting(f -> f.suppression().get().kind())
        .contains(dev.modelscan.api.Suppression.Kind.BASELINE, dev.modelscan.api.Suppression.Kind.ACCEPTED);
  }

  @Test
  void aBaselineThatIsNotOurJsonReportIsAUsageError() throws IOException {
    Path bogus = Files.writeString(dir.resolve("bogus.json"), "{\"hello\": 1}");
    assertThat(run("scan", "--no-progress", "--baseline", bogus.toString(), models.toString())).isEqualTo(4);
    assertThat(err.toString()).contains("--baseline", "not a modelscan JSON report");
    assertThat(run("scan", "--no-progress", "--baseline", dir.resolve("missing.json").toString(), models.toString()))
        .isEqualTo(4);
  }
}
