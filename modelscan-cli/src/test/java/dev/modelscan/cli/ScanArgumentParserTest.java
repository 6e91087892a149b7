package dev.modelscan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The table-driven reading of {@code modelscan scan} ({@link ScanArgumentParser}, {@link ScanFlags}) is only a faster
 * way to the same run: it must read every command line it accepts exactly as picocli reads it, leave every other one to
 * picocli, and keep picocli off a plain scan's start-up.
 */
class ScanArgumentParserTest {

  private static CommandSpec scanSpec() {
    return new CommandLine(new RootCommand()).getSubcommands().get("scan").getCommandSpec();
  }

  @Test
  void theTableNamesEveryOptionOfTheAnnotatedCommandWithItsKindAndDefault() {
    Set<String> seen = new HashSet<>();
    for (OptionSpec o : scanSpec().options()) {
      ScanFlags.Flag f = ScanFlags.find(o.longestName()).orElse(null);
      assertThat(f).as("%s in ScanFlags", o.longestName()).isNotNull();
      seen.add(f.longName());
      assertThat(Set.of(o.names()))
          .as(o.longestName())
          .isEqualTo(f.shortName() == null ? Set.of(f.longName()) : Set.of(f.longName(), f.shortName()));
      ScanFlags.Kind kind =
          o.arity().max() == 0
              ? (o.negatable() ? ScanFlags.Kind.NEGATABLE : ScanFlags.Kind.FLAG)
              : o.isMultiValue() ? ScanFlags.Kind.LIST : ScanFlags.Kind.VALUE;
      assertThat(f.kind()).as(o.longestName()).isEqualTo(kind);
      boolean path = o.type() == Path.class || (o.isMultiValue() && o.auxiliaryTypes()[0] == Path.class);
      assertThat(f.path()).as("%s takes paths", o.longestName()).isEqualTo(path);
      if (kind == ScanFlags.Kind.VALUE) {
        assertThat(f.defaultValue()).as("default of %s", o.longestName()).isEqualTo(o.defaultValue());
      }
    }
    assertThat(seen).containsExactlyInAnyOrderElementsOf(ScanFlags.ALL.stream().map(ScanFlags.Flag::longName).toList());
  }

  static List<List<String>> accepted() {
    List<List<String>> lines = new ArrayList<>(List.of(
        List.of("scan", "a.pkl"),
        List.of("scan"),
        List.of("scan", "-f", "json", "-o", "out.json", "dir1", "dir2"),
        List.of("scan", "--format=sarif", "--output=r.sarif", "--sarif-root=.", "x"),
        List.of("scan", "-t", "HIGH", "-m", "quick", "--max-file-size", "10M", "--scan-timeout", "30s", "x"),
        List.of("scan", "--allow-global", "a.b", "--allow-global", "c.d", "--deny-global", "e.f", "--include",
            "**/*.pt", "--exclude", "cache/**", "x"),
        List.of("scan", "--follow-dir-links", "-v", "-q", "--color", "--no-progress", "-j", "2", "--baseline",
            "b.json", "x"),
        List.of("scan", "--no-color", "--progress", "--plugin-path", "p1", "--plugin-path=p2", "x", "-"),
        List.of("scan", "-"),
        List.of("scan", "x", "--unknown-global-severity", "LOW", "--max-pickle-memo-size", "64M", "y",
            "--max-hdf5-objects", "5", "z"),
        List.of("scan", "--no-config", "x"),
        List.of("scan", "--config", "c.toml", "x"),
        List.of("scan", "--threads=12", "--verbose", "--quiet", "--mode=thorough", "--severity-threshold=LOW", "x"),
        List.of("scan", "--max-file-size=-1", "x"),
        List.of("scan", "dir with spaces/model.pkl", "")));
    // Every single-valued option the engine reads, alone.
    for (ScanFlags.Flag f : ScanFlags.ALL) {
      if (f.kind() == ScanFlags.Kind.VALUE && !f.path() && f.key().startsWith("max-")) {
        lines.add(List.of("scan", f.longName(), "7", "model.pkl"));
      }
    }
    return lines;
  }

  @ParameterizedTest
  @MethodSource("accepted")
  void readsWhatItAcceptsExactlyAsPicocliDoes(List<String> line) {
    String[] args = line.toArray(String[]::new);
    ScanArguments quick = ScanArgumentParser.parseOnly(args);
    assertThat(quick).as("accepted by the table").isNotNull();
    CommandLine cl = new CommandLine(new RootCommand());
    CommandLine.ParseResult parsed = cl.parseArgs(args);
    ScanCommand command = parsed.subcommand().commandSpec().commandLine().getCommand();
    assertThat(quick).isEqualTo(command.arguments());
  }

  static List<List<String>> declined() {
    return List.of(
        List.of(),
        List.of("--help"),
        List.of("scan", "--help"),
        List.of("scan", "-h"),
        List.of("scan", "-V"),
        List.of("scan", "--list-scanners"),
        List.of("config", "init"),
        List.of("--plugin-path", "p", "scan", "x"),
        List.of("scan", "-vq", "x"),
        List.of("scan", "-j2", "x"),
        List.of("scan", "-j", "02", "x"),
        List.of("scan", "-j", "+2", "x"),
        List.of("scan", "-j", "0", "x"),
        List.of("scan", "-j", "many", "x"),
        List.of("scan", "--", "x"),
        List.of("scan", "@args.txt"),
        List.of("scan", "-o", "a", "x", "-o", "b"),
        List.of("scan", "--verbose", "--verbose", "x"),
        List.of("scan", "--color=true", "x"),
        List.of("scan", "--output"),
        List.of("scan", "-o", "-x", "y"),
        List.of("scan", "--max-file-size", "-1", "x"),
        List.of("scan", "--frobnicate", "x"),
        List.of("scan", "--no-verbose", "x"),
        List.of("scan", "-f", "xml", "x"),
        List.of("scan", "-x"),
        List.of("scan", "x\u0000y"));
  }

  @ParameterizedTest
  @MethodSource("declined")
  void leavesEverythingElseToPicocli(List<String> line) {
    assertThat(ScanArgumentParser.parseOnly(line.toArray(String[]::new))).isNull();
  }

  @Test
  void aRunThroughTheTableAndOneThroughPicocliPrintTheSameAndExitTheSame() {
    Path sample = Path.of("..", "samples", "malicious", "os_system.pkl").toAbsolutePath().normalize();
    Path clean = Path.of("..", "samples", "clean").toAbsolutePath().normalize();
    List<List<String>> lines = List.of(
        List.of("scan", "--no-progress", "--no-color", "-q", sample.toString(), clean.toString()),
        List.of("scan", "--no-progress", "--no-color", "-t", "CRITICAL", "--no-config", clean.toString()),
        // accepted by the table, refused by the option layer: picocli's path prints the message
        List.of("scan", "--no-progress", "--max-file-size", "lots", sample.toString()),
        List.of("scan", "--no-progress", "-o", "/nonexistent-folder/r.json", sample.toString()),
        List.of("scan", "--no-progress", "-", "-", sample.toString()),
        // left to picocli by the table
        List.of("scan", "--no-progress", "--frobnicate", sample.toString()));
    for (List<String> line : lines) {
      String[] args = line.toArray(String[]::new);
      StringWriter out1 = new StringWriter();
      StringWriter err1 = new StringWriter();
      int main = Main.run(args, new PrintWriter(out1, true), new PrintWriter(err1, true));
      StringWriter out2 = new StringWriter();
      StringWriter err2 = new StringWriter();
      int picocli = PicocliRun.run(args, new PrintWriter(out2, true), new PrintWriter(err2, true));
      assertThat(main).as("exit of %s", line).isEqualTo(picocli);
      assertThat(err1.toString()).as("stderr of %s", line).isEqualTo(err2.toString());
      assertThat(out1.toString().replaceAll("\\d+ ms", "N ms"))
          .as("stdout of %s", line)
          .isEqualTo(out2.toString().replaceAll("\\d+ ms", "N ms"));
    }
  }

  @Test
  void aPlainScanLoadsNoPicocliClass() throws Exception {
    Path sample = Path.of("..", "samples", "malicious", "os_system.pkl").toAbsolutePath().normalize();
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p =
        new ProcessBuilder(
                List.of(java.toString(), "-Xshare:off", "-verbose:class", "-cp", System.getProperty("java.class.path"),
                    Main.class.getName(), "scan", "--no-config", "-f", "json", sample.toString()))
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as(out).isEqualTo(1); // the sample's os.system call was found
    assertThat(out).contains("dev.modelscan.cli.ScanRun").doesNotContain("picocli.");
  }
}
