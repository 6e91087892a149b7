package dev.modelscan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing a scanned file controls (its name, a member name, a string inside a pickle) can write a line of the text
 * report or move the terminal's cursor; the JSON report keeps those strings exact, and names that are not UTF-8
 * distinguishable.
 */
class ReportForgeryTest {

  /** What an attacker puts in a name: a new line that claims the verdict, and "erase the line" for the real one. */
  static final String FORGED = "\nVerdict: CLEAN\u001b[2K\r";

  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  /** {@code os.system('echo')}, protocol 2, written opcode by opcode. */
  static byte[] osSystemPickle() {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(new byte[] {(byte) 0x80, 2});
    b.writeBytes("cos\nsystem\n".getBytes(StandardCharsets.US_ASCII));
    b.write('X');
    b.writeBytes(new byte[] {4, 0, 0, 0});
    b.writeBytes("echo".getBytes(StandardCharsets.US_ASCII));
    b.write(0x85); // TUPLE1
    b.write('R'); // REDUCE
    b.write('.');
    return b.toByteArray();
  }

  /** A protocol-4 pickle whose STACK_GLOBAL names a module made of {@code module} (it may hold any character). */
  static byte[] stackGlobalPickle(String module, String name) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(new byte[] {(byte) 0x80, 4});
    for (String s : new String[] {module, name}) {
      byte[] u = s.getBytes(StandardCharsets.UTF_8);
      b.write(0x8c); // SHORT_BINUNICODE
      b.write(u.length);
      b.writeBytes(u);
    }
    b.write(0x93); // STACK_GLOBAL
    b.write(')'); // EMPTY_TUPLE
    b.write('R');
    b.write('.');
    return b.toByteArray();
  }

  private static List<String> verdictLines(String report) {
    List<String> lines = new ArrayList<>();
    for (String line : report.split("\n", -1)) {
      if (line.strip().startsWith("Verdict:")) {
        lines.add(line);
      }
    }
    return lines;
  }

  @Test
  void aFileNameCannotForgeTheVerdictLine() throws IOException {
    Path evil = Files.write(dir.resolve("model" + FORGED + ".pkl"), osSystemPickle());
    assertThat(run("scan", "--no-progress", "--no-color", evil.toString())).isEqualTo(1);
    String text = out.toString();
    assertThat(verdictLines(text)).containsExactly("Verdict: UNSAFE (threshold MEDIUM)");
    assertThat(text).doesNotContain("\u001b", "\r");
    assertThat(text).contains("model\\nVerdict: CLEAN\\x1b[2K\\r.pkl", "os", "system");
  }

  @Test
  void picklesStringsQuotedInMessagesCannotForgeLines() throws IOException {
    Path evil = Files.write(dir.resolve("model.pkl"), stackGlobalPickle("evil" + FORGED, "run\u202e"));
    int code = run("scan", "--no-progress", "--no-color", evil.toString());
    String text = out.toString();
    assertThat(code).isNotZero();
    assertThat(verdictLines(text)).hasSize(1).allMatch(l -> !l.contains("CLEAN"));
    assertThat(text).doesNotContain("\u001b", "\r", "\u202e");
    assertThat(text).contains("\\x1b[2K", "\\u202e");
  }

  @Test
  void aBidiOverrideInAFileNameIsShownNotObeyed() throws IOException {
    // "model\u202Egpj.pkl" displays as "modellkp.jpg" on a terminal that obeys the override.
    Path evil = Files.write(dir.resolve("model\u202egpj.pkl"), osSystemPickle());
    assertThat(run("scan", "--no-progress", "--no-color", evil.toString())).isEqualTo(1);
    assertThat(out.toString()).contains("model\\u202egpj.pkl").doesNotContain("\u202e");
  }

  @Test
  void theJsonReportKeepsNamesExact() throws IOException {
    Path evil = Files.write(dir.resolve("model" + FORGED + ".pkl"), osSystemPickle());
    Path report = dir.resolve("r.json");
    assertThat(run("scan", "--no-progress", "-f", "json", "-o", report.toString(), evil.toString())).isEqualTo(1);
    JsonNode result = new ObjectMapper().readTree(report.toFile()).path("results").get(0);
    assertThat(result.path("path").asText()).isEqualTo(evil.toString());
    assertThat(result.has("exactPath")).isFalse();
    assertThat(Files.readString(report)).doesNotContain("\u001b").contains("\\u001B[2K");
    // SARIF, too, is JSON: the name is escaped there and stays exact.
    out.getBuffer().setLength(0);
    assertThat(run("scan", "--no-progress", "-f", "sarif", evil.toString())).isEqualTo(1);
    assertThat(out.toString()).doesNotContain("\u001b");
    JsonNode run = new ObjectMapper().readTree(out.toString()).path("runs").get(0);
    assertThat(run.path("results").get(0).path("message").path("text").asText()).contains("os");
  }

  @Test
  void namesThatAreNotUtf8StayDistinguishable() throws Exception {
    // Java cannot name these files (it would encode U+FFFD), so the shell makes them from bytes.
    Path src = Files.write(dir.resolve("src.bin"), osSystemPickle());
    Path models = Files.createDirectory(dir.resolve("models"));
    Process p =
        new ProcessBuilder(
                "sh", "-c", "cp \"$1\" \"$2/$(printf 'a\\377.pkl')\" && cp \"$1\" \"$2/$(printf 'a\\376.pkl')\"",
                "sh", src.toString(), models.toString())
            .redirectErrorStream(true)
            .start();
    assertThat(p.waitFor()).isZero();
    try (Stream<Path> files = Files.list(models)) {
      assertThat(files.count()).isEqualTo(2);
    }
    Path report = dir.resolve("r.json");
    assertThat(run("scan", "--no-progress", "-f", "json", "-o", report.toString(), models.toString())).isEqualTo(1);
    JsonNode results = new ObjectMapper().readTree(report.toFile()).path("results");
    assertThat(results).hasSize(2);
    // Both display as "a\uFFFD.pkl"; their exact forms differ and name the bytes.
    assertThat(results.get(0).path("path").asText()).isEqualTo(results.get(1).path("path").asText());
    List<String> exact = List.of(results.get(0).path("exactPath").asText(), results.get(1).path("exactPath").asText());
    assertThat(exact)
        .containsExactlyInAnyOrder(models + "/a\\xfe.pkl", models + "/a\\xff.pkl");
    // The text report shows the exact forms too.
    out.getBuffer().setLength(0);
    assertThat(run("scan", "--no-progress", "--no-color", models.toString())).isEqualTo(1);
    assertThat(out.toString()).contains("a\\xfe.pkl", "a\\xff.pkl");
  }
}
