package dev.modelscan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SARIF report as code-scanning UIs read it, written by the command line over real samples: valid against the
 * OASIS SARIF 2.1.0 schema, URIs relative to {@code --sarif-root}, rules with help, fingerprints stable across runs and
 * places, nested entries as logical locations, baselined findings as suppressions.
 */
class SarifReportTest {

  private static final Path SAMPLES = Path.of("..", "samples");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static Schema schema;

  @TempDir Path dir;

  @BeforeAll
  static void loadSchema() throws IOException {
    try (InputStream in = SarifReportTest.class.getResourceAsStream("/sarif/sarif-schema-2.1.0.json")) {
      schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4).getSchema(in, InputFormat.JSON);
    }
  }

  private String sarif(Path root, String... more) {
    List<String> args = new ArrayList<>(List.of("scan", "--no-progress", "-f", "sarif"));
    if (root != null) {
      args.add("--sarif-root");
      args.add(root.toString());
    }
    args.addAll(List.of(more));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Main.run(args.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
    assertThat(err.toString()).doesNotContain("Exception");
    return out.toString();
  }

  private static void assertValid(String sarif) {
    List<com.networknt.schema.Error> errors = schema.validate(sarif, InputFormat.JSON);
    assertThat(errors).as("SARIF schema errors").isEmpty();
  }

  private Path repo(String name) throws IOException {
    Path repo = Files.createDirectories(dir.resolve(name).resolve("models"));
    for (String s : List.of("os_system.pkl", "checkpoint_payload.pt")) {
      Files.copy(SAMPLES.resolve("malicious").resolve(s), repo.resolve(s));
    }
    Files.copy(SAMPLES.resolve("clean").resolve("linear.safetensors"), repo.resolve("linear.safetensors"));
    return repo.getParent();
  }

  @Test
  void theSchemaRejectsWhatItShould() {
    // The validator and schema are live: a log without runs, and a result with an unknown level, are refused.
    assertThat(schema.validate("{\"version\":\"2.1.0\"}", InputFormat.JSON)).isNotEmpty();
    assertThat(
            schema.validate(
                "{\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{\"name\":\"x\"}},"
                    + "\"results\":[{\"message\":{\"text\":\"m\"},\"level\":\"fatal\"}]}]}",
                InputFormat.JSON))
        .isNotEmpty();
  }

  @Test
  void aReportOverRealSamplesIsValidWithRelativeUrisAndHelp() throws IOException {
    Path root = repo("checkout");
    String sarif = sarif(root, root.resolve("models").toString());
    assertValid(sarif);
    JsonNode run = JSON.readTree(sarif).path("runs").get(0);

    assertThat(run.path("originalUriBaseIds").path("%SRCROOT%").path("uri").asText())
        .isEqualTo(root.toAbsolutePath().toUri().toString());
    List<String> uris = new ArrayList<>();
    for (JsonNode a : run.path("artifacts")) {
      uris.add(a.path("location").path("uri").asText());
      assertThat(a.path("location").path("uriBaseId").asText()).isEqualTo("%SRCROOT%");
      assertThat(a.path("hashes").path("sha-256").asText()).hasSize(64);
    }
    assertThat(uris)
        .containsExactly("models/checkpoint_payload.pt", "models/linear.safetensors", "models/os_system.pkl");

    for (JsonNode rule : run.path("tool").path("driver").path("rules")) {
      assertThat(rule.path("help").path("text").asText()).contains("What to do:");
      assertThat(rule.path("help").path("markdown").asText()).contains("**What to do:**");
      assertThat(rule.path("helpUri").asText())
          .startsWith("https://github.com/modelscan-dev/modelscan/blob/main/docs/rules.md#")
          .endsWith(rule.path("id").asText().toLowerCase(java.util.Locale.ROOT));
    }

    // Every result points at its artifact; a finding inside the checkpoint's pickle names the member logically.
    JsonNode nested = null;
    for (JsonNode r : run.path("results")) {
      JsonNode loc = r.path("locations").get(0);
      JsonNode art = loc.path("physicalLocation").path("artifactLocation");
      assertThat(uris.get(art.path("index").asInt())).isEqualTo(art.path("uri").asText());
      assertThat(loc.path("physicalLocation").path("region").path("startLine").asInt()).isEqualTo(1);
      assertThat(r.path("partialFingerprints").path("modelscan/v1").asText()).hasSize(64);
      if (art.path("uri").asText().endsWith(".pt") && r.path("ruleId").asText().equals("PICKLE-DANGEROUS-GLOBAL")) {
        nested = loc;
      }
    }
    assertThat(nested).as("a pickle finding inside the PyTorch zip").isNotNull();
    JsonNode logical = nested.path("logicalLocations");
    assertThat(logical.get(logical.size() - 1).path("fullyQualifiedName").asText()).endsWith("data.pkl");
    assertThat(logical.get(logical.size() - 1).path("kind").asText()).isEqualTo("resource");
  }

  @Test
  void fingerprintsAreStableAcrossRunsAndCheckouts() throws IOException {
    Path a = repo("checkout-a");
    Path b = repo("checkout-b");
    List<String> first = fingerprints(sarif(a, a.resolve("models").toString()));
    List<String> again = fingerprints(sarif(a, a.resolve("models").toString()));
    List<String> elsewhere = fingerprints(sarif(b, b.resolve("models").toString()));
    assertThat(first).isNotEmpty().doesNotHaveDuplicates();
    assertThat(again).isEqualTo(first);
    assertThat(elsewhere).isEqualTo(first);
  }

  private static List<String> fingerprints(String sarif) throws IOException {
    List<String> out = new ArrayList<>();
    for (JsonNode r : JSON.readTree(sarif).path("runs").get(0).path("results")) {
      out.add(r.path("ruleId").asText() + " " + r.path("partialFingerprints").path("modelscan/v1").asText());
    }
    return out;
  }

  @Test
  void filesOutsideTheRootKeepAbsoluteUris() throws IOException {
    Path root = repo("checkout");
    Path other = Files.createDirectories(dir.resolve("elsewhere"));
    String sarif = sarif(other, root.resolve("models").resolve("os_system.pkl").toString());
    assertValid(sarif);
    JsonNode art = JSON.readTree(sarif).path("runs").get(0).path("artifacts").get(0).path("location");
    assertThat(art.path("uri").asText()).startsWith("file:/").endsWith("/models/os_system.pkl");
    assertThat(art.has("uriBaseId")).isFalse();
  }

  @Test
  void theDefaultRootIsTheCurrentFolder() throws IOException {
    // Relative paths as the user typed them: the module folder is the current folder of the test JVM.
    String sarif = sarif(null, Path.of("..", "samples", "malicious", "os_system.pkl").toString());
    assertValid(sarif);
    JsonNode run = JSON.readTree(sarif).path("runs").get(0);
    assertThat(run.path("originalUriBaseIds").path("%SRCROOT%").path("uri").asText())
        .isEqualTo(Path.of("").toAbsolutePath().toUri().toString());
    // ../samples is outside the current folder: an absolute URI.
    assertThat(run.path("artifacts").get(0).path("location").path("uri").asText()).startsWith("file:/");
  }

  @Test
  void baselinedFindingsAreSuppressionsAndTheLogStaysValid() throws IOException {
    Path root = repo("checkout");
    Path baseline = dir.resolve("baseline.json");
    StringWriter out = new StringWriter();
    Main.run(
        new String[] {"scan", "--no-progress", "-f", "json", "-o", baseline.toString(), root.resolve("models").toString()},
        new PrintWriter(out, true),
        new PrintWriter(new StringWriter(), true));
    String sarif = sarif(root, "--baseline", baseline.toString(), root.resolve("models").toString());
    assertValid(sarif);
    JsonNode results = JSON.readTree(sarif).path("runs").get(0).path("results");
    assertThat(results.size()).isPositive();
    for (JsonNode r : results) {
      JsonNode s = r.path("suppressions").get(0);
      assertThat(s.path("kind").asText()).isEqualTo("external");
      assertThat(s.path("status").asText()).isEqualTo("accepted");
      assertThat(s.path("justification").asText()).contains("baseline");
    }
  }

  @Test
  void hostileNamesStayValid() throws IOException {
    Path root = Files.createDirectories(dir.resolve("checkout"));
    Path weird = Files.createDirectories(root.resolve("we ird#dir%20"));
    Files.copy(SAMPLES.resolve("malicious").resolve("os_system.pkl"), weird.resolve("a b?c.pkl"));
    String sarif = sarif(root, weird.toString());
    assertValid(sarif);
    JsonNode art = JSON.readTree(sarif).path("runs").get(0).path("artifacts").get(0).path("location");
    assertThat(art.path("uri").asText()).isEqualTo("we%20ird%23dir%2520/a%20b%3Fc.pkl");
    assertThat(java.net.URI.create(art.path("uri").asText()).getPath()).isEqualTo("we ird#dir%20/a b?c.pkl");
    assertThat(StandardCharsets.UTF_8.newEncoder().canEncode(sarif)).isTrue();
  }
}
