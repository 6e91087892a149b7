package dev.modelscan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.core.options.ConfigFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code modelscan.toml} through the command line: found, given, overridden, refused, written. */
class ConfigFileCliTest {

  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  private Path model() throws IOException {
    return Files.writeString(dir.resolve("model.toy"), "TOY!\nexec echo pwned\n");
  }

  private Path config(String toml) throws IOException {
    return Files.writeString(dir.resolve("custom.toml"), toml);
  }

  @Test
  void aConfigFileChangesTheExitCode() throws IOException {
    Path model = model();
    assertThat(run("scan", "--no-progress", model.toString())).isEqualTo(1);
    Path cfg = config("severity-threshold = \"CRITICAL\"\n");
    assertThat(run("scan", "--no-progress", "--config", cfg.toString(), model.toString())).isEqualTo(0);
    assertThat(out.toString()).contains("TOY-EXEC");
  }

  @Test
  void flagsOverrideTheFile() throws IOException {
    Path model = model();
    Path cfg = config("severity-threshold = \"CRITICAL\"\nmax-file-size = \"1M\"\n");
    assertThat(run("scan", "--no-progress", "--config", cfg.toString(), "-t", "high", model.toString()))
        .isEqualTo(1);
    // and --no-config ignores it altogether
    Path small = config("max-file-size = \"4\"\n");
    assertThat(run("scan", "--no-progress", "--config", small.toString(), model.toString())).isEqualTo(3);
    assertThat(run("scan", "--no-progress", "--no-config", model.toString())).isEqualTo(1);
  }

  @Test
  void listsAndBooleansAndLimitsReachTheScan() throws IOException {
    Path model = model();
    Files.writeString(dir.resolve("skip.toy"), "TOY!\nexec echo other\n");
    Path cfg =
        config(
            """
            exclude = ["skip.*"]
            mode = "quick"
            format = "json"
            max-nesting-depth = 4
            color = false
            verbose = true
            """);
    assertThat(run("scan", "--no-progress", "--config", cfg.toString(), dir.toString())).isEqualTo(1);
    assertThat(out.toString()).startsWith("{").contains("model.toy").doesNotContain("exec echo other");
  }

  @Test
  void unknownKeysAndBadValuesAreUsageErrorsNamingTheKey() throws IOException {
    Path model = model();
    Path cfg = config("severity-treshold = \"HIGH\"\n");
    assertThat(run("scan", "--config", cfg.toString(), model.toString())).isEqualTo(4);
    assertThat(err.toString())
        .contains("custom.toml", "unknown key 'severity-treshold'", "Try 'modelscan scan --help'")
        .doesNotContain("Usage:");
    err.getBuffer().setLength(0);
    config("max-file-size = \"2X\"\n");
    assertThat(run("scan", "--config", cfg.toString(), model.toString())).isEqualTo(4);
    assertThat(err.toString()).contains("custom.toml", "--max-file-size", "2X");
    config("verbose = \"yes\"\n");
    assertThat(run("scan", "--config", cfg.toString(), model.toString())).isEqualTo(4);
    config("severity-threshold = [\"HIGH\", \"LOW\"]\n");
    assertThat(run("scan", "--config", cfg.toString(), model.toString())).isEqualTo(4);
    assertThat(run("scan", "--config", dir.resolve("none.toml").toString(), model.toString())).isEqualTo(4);
    assertThat(run("scan", "--config", cfg.toString(), "--no-config", model.toString())).isEqualTo(4);
    config("[[suppress]]\nsha256 = \"00\"\nrule = \"TOY-EXEC\"\nreason = \"x\"\n");
    assertThat(run("scan", "--config", cfg.toString(), model.toString())).isEqualTo(4);
    assertThat(err.toString()).contains("[[suppress]] entry 1", "64 hex digits");
  }

  @Test
  void theKeysAreTheLongOptionNamesOfScan() {
    assertThat(ConfigFlags.keys())
        .contains("severity-threshold", "max-file-size", "allow-global", "deny-global", "include", "exclude", "mode",
            "max-pickle-opcodes", "scan-timeout", "plugin-path", "color", "follow-dir-links")
        .doesNotContain("config", "no-config", "help", "version", "list-scanners");
  }

  @Test
  void configInitWritesAFileThatReadsBackAndNeverOverwrites() throws IOException {
    Path file = dir.resolve("modelscan.toml");
    assertThat(run("config", "init", file.toString())).isEqualTo(0);
    String text = Files.readString(file);
    assertThat(text).contains("# severity-threshold = \"MEDIUM\"", "# allow-global = []", "# mode = \"thorough\"",
        "# max-member-bytes = \"2G\"", "# max-nesting-depth = 10", "# scan-timeout = \"10m\"", "[[suppress]]");
    // Every option is there, commented out: the file as written changes nothing.
    for (String key : ConfigFlags.keys()) {
      assertThat(text).contains("# " + key + " = ");
    }
    assertThat(run("scan", "--no-progress", "--config", file.toString(), model().toString())).isEqualTo(1);
    // Uncommented, each default line is valid and means the default.
    StringBuilder uncommented = new StringBuilder();
    for (String line : text.lines().toList()) {
      if (line.matches("# [a-z0-9-]+ = .*") && !line.contains("default: built in")
          && ConfigFlags.keys().contains(line.substring(2, line.indexOf(" = ")))) {
        uncommented.append(line.substring(2)).append('\n');
      }
    }
    Path all = Files.writeString(dir.resolve("all.toml"), uncommented);
    assertThat(run("scan", "--no-progress", "--config", all.toString(), model().toString()))
        .as(err.toString()).isEqualTo(1);
    Files.writeString(file, "# mine\n");
    assertThat(run("config", "init", file.toString())).isEqualTo(4);
    assertThat(Files.readString(file)).isEqualTo("# mine\n");
    assertThat(err.toString()).contains("already exists");
  }

  @Test
  void suppressionsAreHandedToTheScan() throws IOException {
    String sha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    Path cfg = config("[[suppress]]\nsha256 = \"" + sha + "\"\nrule = \"TOY-EXEC\"\nreason = \"reviewed\"\n");
    ConfigArguments.Expanded e = ConfigArguments.expand(new String[] {"scan", "--config", cfg.toString(), "x"});
    assertThat(e.file().suppressions())
        .containsExactly(new dev.modelscan.core.report.SuppressionEntry(sha, "TOY-EXEC", "reviewed"));
  }

  @Test
  void aSuppressionInTheFileAcceptsThatFileOnlyAndIsShownWithItsReason() throws Exception {
    Path model = model();
    String sha =
        java.util.HexFormat.of()
            .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(model)));
    Path cfg = config("[[suppress]]\nsha256 = \"" + sha + "\"\nrule = \"TOY-EXEC\"\nreason = \"our own test model\"\n");
    assertThat(run("scan", "--no-progress", "--config", cfg.toString(), model.toString())).isEqualTo(0);
    assertThat(out.toString()).contains("TOY-EXEC", "our own test model");
    // Other bytes (another hash) are judged as ever, and so is another rule in the accepted file.
    Files.writeString(dir.resolve("other.toy"), "TOY!\nexec echo other\n");
    assertThat(run("scan", "--no-progress", "--config", cfg.toString(), dir.resolve("other.toy").toString()))
        .isEqualTo(1);
    Path wrongRule = config("[[suppress]]\nsha256 = \"" + sha + "\"\nrule = \"TOY-OTHER\"\nreason = \"x\"\n");
    assertThat(run("scan", "--no-progress", "--config", wrongRule.toString(), model.toString())).isEqualTo(1);
  }

  @Test
  void theFileInTheCurrentFolderIsFoundAndPathsAreRelativeToIt() throws Exception {
    Path model = model();
    Files.writeString(dir.resolve(ConfigFile.FILE_NAME), "severity-threshold = \"CRITICAL\"\noutput = \"r.json\"\n"
        + "format = \"json\"\n");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Path log = Files.createTempFile("modelscan-config", ".log");
    try {
      Process p =
          new ProcessBuilder(
                  List.of(java.toString(), "-cp", System.getProperty("java.class.path"), Main.class.getName(), "scan",
                      "--no-progress", model.getFileName().toString()))
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
      assertThat(p.exitValue()).as(Files.readString(log)).isEqualTo(0);
      assertThat(Files.readString(dir.resolve("r.json"), StandardCharsets.UTF_8)).contains("TOY-EXEC");
      // A file nobody named is announced: a scanned folder could carry one that raises the threshold.
      assertThat(Files.readString(log)).contains("options read from", ConfigFile.FILE_NAME, "--no-config ignores it");
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
