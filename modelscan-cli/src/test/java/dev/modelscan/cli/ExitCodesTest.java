package dev.modelscan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exit codes of the README's table, each through the command line. */
class ExitCodesTest {

  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  private Path file(String name, String content) throws IOException {
    return Files.write(dir.resolve(name), content.getBytes(StandardCharsets.ISO_8859_1));
  }

  @Test
  void aMissingPathFailsWithTwoNotThree() {
    assertThat(run("scan", "--no-progress", dir.resolve("no-such-model.pkl").toString())).isEqualTo(2);
    assertThat(out.toString()).contains("no-such-model.pkl", "failed", "Verdict: INCOMPLETE");
  }

  @Test
  void aBrokenLinkNamedOnTheCommandLineFailsWithTwo() throws IOException {
    Path link = Files.createSymbolicLink(dir.resolve("model.pkl"), dir.resolve("gone.pkl"));
    assertThat(run("scan", "--no-progress", link.toString())).isEqualTo(2);
    assertThat(out.toString()).contains("failed", "Verdict: INCOMPLETE");
  }

  @Test
  void aScanThatRunsOutOfMemoryFailsWithTwoNotThree() throws IOException {
    Path model = file("model.toy", "TOY!\nlayer dense\noom\n");
    assertThat(run("scan", "--no-progress", model.toString())).isEqualTo(2);
    assertThat(out.toString()).contains("OutOfMemoryError", "Verdict: INCOMPLETE");
    // Beside a clean model too: the failure is not hidden by the file that did scan.
    file("other.toy", "TOY!\nlayer dense\n");
    assertThat(run("scan", "--no-progress", dir.toString())).isEqualTo(2);
  }

  @Test
  void aFolderOfOnlyTextIsNothingScanned() throws IOException {
    file("README.md", "# A model card\nNo weights here.\n");
    file("LICENSE", "Apache License 2.0\n");
    assertThat(run("scan", "--no-progress", dir.toString())).isEqualTo(3);
    assertThat(out.toString()).contains("Verdict: NOTHING_SCANNED");
    // With a model beside it, text is seen and the scan is clean.
    file("model.toy", "TOY!\nlayer dense\n");
    assertThat(run("scan", "--no-progress", dir.toString())).isEqualTo(0);
  }

  @Test
  void usageErrorsAreFourAndNothingIsScanned() throws IOException {
    Path model = file("model.toy", "TOY!\nexec echo pwned\n");
    Files.createDirectory(dir.resolve("out.json"));
    List<String[]> bad =
        List.of(
            new String[] {"-j", "0"},
            new String[] {"--threads", "-2"},
            new String[] {"--max-string-bytes", "3G"},
            new String[] {"--max-member-bytes", "99999999T"},
            new String[] {"--max-file-size", "-1"},
            new String[] {"--max-file-size", "5X"},
            new String[] {"--scan-timeout", "5d"},
            new String[] {"--scan-timeout", "30"},
            new String[] {"--scan-timeout", "-5s"},
            new String[] {"--max-nesting-depth", "-1"},
            new String[] {"--max-archive-members", "99999999999"},
            new String[] {"-o", dir.resolve("no-such-folder").resolve("r.json").toString()},
            new String[] {"-o", dir.resolve("out.json").toString()});
    for (String[] option : bad) {
      out.getBuffer().setLength(0);
      err.getBuffer().setLength(0);
      String[] args =
          Stream.of(Stream.of("scan", "--no-progress"), Stream.of(option), Stream.of(model.toString()))
              .flatMap(s -> s)
              .toArray(String[]::new);
      assertThat(run(args)).as(String.join(" ", option)).isEqualTo(4);
      // Detected before the scan: no report at all, and the error names what is wrong.
      assertThat(out.toString()).as(String.join(" ", option)).isEmpty();
      assertThat(err.toString()).as(String.join(" ", option)).startsWith("modelscan: ");
    }
    assertThat(run("scan", "--scan-timeout", "5d", model.toString())).isEqualTo(4);
    assertThat(err.toString()).contains("'5d' is not a duration");
    assertThat(run("scan", "-j", "0", model.toString())).isEqualTo(4);
    assertThat(err.toString()).contains("-j/--threads must be at least 1, was 0");
    assertThat(run("scan", "--max-string-bytes", "3G", model.toString())).isEqualTo(4);
    assertThat(err.toString()).contains("'3G' is too large");
  }

  @Test
  void theReportFileIsReplacedInOneStepAndNoTemporaryFileStays() throws IOException {
    file("model.toy", "TOY!\nexec echo pwned\n");
    Path report = dir.resolve("report.json");
    Files.writeString(report, "an old report");
    assertThat(run("scan", "--no-progress", "-f", "json", "-o", report.toString(), dir.resolve("model.toy").toString()))
        .isEqualTo(1);
    JsonNode root = new ObjectMapper().readTree(report.toFile());
    assertThat(root.path("summary").path("verdict").asText()).isEqualTo("UNSAFE");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("model.toy", "report.json");
    }
  }

  @Test
  void aReportThatCannotBeWrittenKeepsFindingsAtOneAndMakesCleanTwo() throws IOException {
    Path model = file("model.toy", "TOY!\nlayer dense\n");
    Path evil = file("evil.toy", "TOY!\nexec echo pwned\n");
    assertThat(runInto(new FailingWriter(), model)).isEqualTo(2);
    assertThat(err.toString()).contains("the report could not be written", "standard output");
    err.getBuffer().setLength(0);
    assertThat(runInto(new FailingWriter(), evil)).isEqualTo(1);
    assertThat(err.toString()).contains("the report could not be written");
    // Nothing scanned is not clean, but a missing report still must not pass for it: 2.
    Path blob = Files.write(dir.resolve("blob.bin"), new byte[] {0, 1, 2, (byte) 0xFE});
    assertThat(runInto(new FailingWriter(), blob)).isEqualTo(2);
  }

  @Test
  void aReportFileThatCannotBeMovedIntoPlaceIsAnErrorAndLeavesNoTemporaryFile() throws IOException {
    file("model.toy", "TOY!\nlayer dense\n");
    Path report = dir.resolve("report.txt");
    String problem =
        ScanRun.writeFile(
            (r, w) -> {
              w.write("half a rep");
              throw new IOException("No space left on device");
            },
            new dev.modelscan.api.ScanReport(
                "t", dev.modelscan.api.Severity.MEDIUM, List.of(), java.time.Duration.ZERO),
            report);
    assertThat(problem).contains("No space left on device");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("model.toy");
    }
  }

  private int runInto(Writer sink, Path model) {
    return Main.run(
        new String[] {"scan", "--no-progress", model.toString()},
        new PrintWriter(sink, true),
        new PrintWriter(err, true));
  }

  /** Standard output behind a closed pipe or a full disk. */
  private static final class FailingWriter extends Writer {
    @Override
    public void write(char[] cbuf, int off, int len) throws IOException {
      throw new IOException("Broken pipe");
    }

    @Override
    public void flush() throws IOException {
      throw new IOException("Broken pipe");
    }

    @Override
    public void close() {}
  }
}
