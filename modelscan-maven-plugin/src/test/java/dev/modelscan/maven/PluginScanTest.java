package dev.modelscan.maven;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.Rule;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.core.report.ReportPolicy;
import dev.modelscan.api.Severity;
import dev.modelscan.api.ThreatType;
import dev.modelscan.api.Verdict;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.api.spi.Recognition;
import dev.modelscan.api.spi.ScanContext;
import dev.modelscan.api.spi.ScannerDescriptor;
import dev.modelscan.core.ScannerRegistry;
import dev.modelscan.core.WalkOptions;
import dev.modelscan.core.report.ReportFormat;
import dev.modelscan.archive.code.TextScanner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin's scan, report and verdict logic, with the real engine and report writers and a toy format scanner, so
 * it runs without any format module. The integration tests under src/it run the real plugin in real Maven builds.
 */
class PluginScanTest {

  static final Rule EXEC =
      Rule.of("TOY-EXEC", "Toy exec", "A toy command line.", Severity.CRITICAL, ThreatType.CODE_INJECTION);

  static final Rule NOTE = Rule.of("TOY-NOTE", "Toy note", "A toy remark.", Severity.LOW, ThreatType.OBFUSCATION);

  /** "TOYM" files: every line starting with "exec " is a CRITICAL finding, "note " a LOW one. */
  public static final class ToyScanner implements ModelScanner {
    @Override
    public ScannerDescriptor descriptor() {
      return ScannerDescriptor.of("toy", "1", "toy", List.of("toy"), List.of("toy"));
    }

    @Override
    public Recognition recognize(ContentHead head) {
      return head.startsWith("TOYM".getBytes(StandardCharsets.US_ASCII))
          ? Recognition.of("toy", Recognition.CERTAIN)
          : Recognition.none();
    }

    @Override
    public void scan(ScanContext context) throws IOException {
      String text =
          new String(context.source().readBytes(0, (int) context.source().size()), StandardCharsets.UTF_8);
      int offset = 0;
      for (String line : text.split("\n", -1)) {
        if (line.startsWith("exec ")) {
          context.report(context.finding(EXEC).offset(offset).operator("exec").message("runs " + line).build());
        }
        if (line.startsWith("note ")) {
          context.report(context.finding(NOTE).offset(offset).message(line).build());
        }
        offset += line.length() + 1;
      }
    }

    @Override
    public List<Rule> rules() {
      return List.of(EXEC, NOTE);
    }
  }

  @TempDir Path project;
  private Path models;
  private Path reports;
  private final List<String> log = new ArrayList<>();
  private final ScannerRegistry registry =
      ScannerRegistry.builder().discover(false).add(new ToyScanner()).add(new TextScanner()).build();

  @BeforeEach
  void layout() throws IOException {
    models = Files.createDirectories(project.resolve("src/main/resources/models"));
    reports = project.resolve("target/modelscan");
  }

  private PluginScan.Outcome scan(boolean failOnIncomplete, ScanSettings settings) throws IOException {
    return scan(failOnIncomplete, settings, ReportPolicy.defaults());
  }

  private PluginScan.Outcome scan(boolean failOnIncomplete, ScanSettings settings, ReportPolicy policy)
      throws IOException {
    return new PluginScan(registry, settings, policy, failOnIncomplete, project)
        .run(List.of(project.resolve("src/main/resources")), reports, EnumSet.of(ReportFormat.SARIF,
            ReportFormat.JSON), log::add);
  }

  private void write(String name, String content) throws IOException {
    Files.writeString(models.resolve(name), content, StandardCharsets.UTF_8);
  }

  @Test
  void cleanFilesPassAndReportsAreWritten() throws IOException {
    write("notes.txt", "nothing to see\n");
    write("ok.toy", "TOYM\nprint hello\n");

    PluginScan.Outcome o = scan(true, ScanSettings.defaults());

    assertThat(o.failure()).isNull();
    assertThat(new PluginScan(registry, ScanSettings.defaults(), ReportPolicy.defaults(), false, project).incompleteWarning(o.report()))
        .isNull();
    assertThat(o.report().verdict()).isEqualTo(Verdict.CLEAN);
    assertThat(o.reportFiles()).containsExactlyInAnyOrder(reports.resolve("modelscan.sarif"),
        reports.resolve("modelscan.json"));
    String sarif = Files.readString(reports.resolve("modelscan.sarif"));
    assertThat(sarif).contains("\"2.1.0\"").contains("TOY-EXEC"); // known rules are listed even without findings
    assertThat(Files.readString(reports.resolve("modelscan.json"))).contains("ok.toy");
    assertThat(log).anyMatch(l -> l.contains("2 file(s)") && l.contains("CLEAN"));
  }

  @Test
  void aFindingAtTheThresholdFailsWithSeverityRuleLocationAndMessage() throws IOException {
    write("evil.toy", "TOYM\nexec echo pwned\n");

    PluginScan.Outcome o = scan(true, ScanSettings.defaults());

    assertThat(o.report().verdict()).isEqualTo(Verdict.UNSAFE);
    assertThat(o.failure())
        .contains("1 finding(s) at or above MEDIUM")
        .contains("CRITICAL  TOY-EXEC  src/main/resources/models/evil.toy @5  exec")
        .contains("runs exec echo pwned")
        .contains("Reports: ")
        .contains("target/modelscan/modelscan.sarif");
    assertThat(Files.readString(reports.resolve("modelscan.sarif")))
        .contains("\"uri\" : \"src/main/resources/models/evil.toy\"")
        .contains("%SRCROOT%");
  }

  @Test
  void excludesKeepALogoFromFailingTheBuildAndListItInTheReports() throws IOException {
    write("evil.toy", "TOYM\nexec echo pwned\n");
    Files.write(models.resolve("logo.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2});

    PluginScan.Outcome all = scan(true, ScanSettings.defaults());
    assertThat(all.report().verdict()).isEqualTo(Verdict.UNSAFE);

    WalkOptions walk = WalkOptions.builder().include("**/*.png", "**/*.toy").exclude("*.toy").build();
    PluginScan.Outcome o =
        new PluginScan(registry, ScanSettings.defaults(), ReportPolicy.defaults(), false, project, walk)
            .run(List.of(project.resolve("src/main/resources")), reports, EnumSet.of(ReportFormat.JSON), log::add);
    assertThat(o.report().results()).singleElement()
        .satisfies(r -> assertThat(r.path()).endsWith("logo.png"));
    assertThat(o.failure()).isNull();
    assertThat(o.report().excluded()).singleElement().satisfies(e -> {
      assertThat(e.path()).endsWith("evil.toy");
      assertThat(e.reason()).contains("'*.toy'");
    });
    assertThat(Files.readString(reports.resolve("modelscan.json"))).contains("\"excluded\"").contains("evil.toy");
    assertThat(log).anyMatch(l -> l.contains("1 excluded (listed in the reports)"));
  }

  @Test
  void failOnSeverityDecides() throws IOException {
    write("remark.toy", "TOYM\nnote odd but harmless\n");

    PluginScan.Outcome medium = scan(true, ScanSettings.defaults());
    assertThat(medium.failure()).isNull();
    assertThat(medium.report().findings()).hasSize(1);

    PluginScan.Outcome low = scan(true, ScanSettings.defaults(), ReportPolicy.builder().severityThreshold(Severity.LOW).build());
    assertThat(low.failure()).contains("1 finding(s) at or above LOW").contains("LOW  TOY-NOTE");
  }

  @Test
  void anUnrecognisedFileFailsTheBuildWhenFailOnIncomplete() throws IOException {
    write("notes.txt", "text\n");
    Files.write(models.resolve("weights.bin"), new byte[] {0, 1, 2, 3, (byte) 0xFF, 0});

    PluginScan.Outcome strict = scan(true, ScanSettings.defaults());
    // Text is seen but is not a model: text beside an unrecognised file is "no model content" (the CLI's 3), and
    // the skipped file still fails the build through failOnIncomplete.
    assertThat(strict.report().verdict()).isEqualTo(Verdict.NOTHING_SCANNED);
    assertThat(strict.failure())
        .contains("1 file(s) not completely scanned")
        .contains("SKIPPED  src/main/resources/models/weights.bin  no scanner recognised the content")
        .contains("failOnIncomplete");

    PluginScan.Outcome lenient = scan(false, ScanSettings.defaults());
    assertThat(lenient.failure()).isNull();
    assertThat(new PluginScan(registry, ScanSettings.defaults(), ReportPolicy.defaults(), false, project).incompleteWarning(lenient.report()))
        .contains("1 file(s) not completely scanned (failOnIncomplete=false, so the build goes on")
        .contains("SKIPPED  src/main/resources/models/weights.bin");
  }

  @Test
  void aLimitMakesTheFileIncompleteNotClean() throws IOException {
    write("big.toy", "TOYM\n" + "print x\n".repeat(100));
    PluginScan.Outcome o = scan(true, ScanSettings.builder().maxFileSize(10).build());
    assertThat(o.failure()).contains("SKIPPED  src/main/resources/models/big.toy").contains("maxFileSize");
  }

  @Test
  void longListsAreCutAndPointToTheReports() throws IOException {
    write("many.toy", "TOYM\n" + "exec x\n".repeat(PluginScan.MAX_LISTED + 7));
    PluginScan.Outcome o = scan(true, ScanSettings.defaults());
    assertThat(o.failure()).contains("... and 7 more, see the reports");
  }

  @Test
  void noReportsWhenNoneAreAsked() throws IOException {
    write("notes.txt", "text\n");
    PluginScan.Outcome o =
        new PluginScan(registry, ScanSettings.defaults(), ReportPolicy.defaults(), true, project)
            .run(List.of(models), reports, Set.of(), log::add);
    assertThat(o.reportFiles()).isEmpty();
    assertThat(reports).doesNotExist();
  }

  /** "TOYX" files: the scan fails as reading a memory-mapped file that was truncated under it does. */
  static final class MappedFaultScanner implements ModelScanner {
    @Override
    public ScannerDescriptor descriptor() {
      return ScannerDescriptor.of("toyx", "1", "toyx", List.of("toyx"), List.of());
    }

    @Override
    public Recognition recognize(ContentHead head) {
      return head.startsWith("TOYX".getBytes(StandardCharsets.US_ASCII))
          ? Recognition.of("toyx", Recognition.CERTAIN)
          : Recognition.none();
    }

    @Override
    public void scan(ScanContext context) {
      throw new InternalError("a fault occurred in an unsafe memory access operation");
    }
  }

  @Test
  void aJvmErrorInOneFileFailsThatFileKeepsTheOthersAndTheReportsAreWritten() throws IOException {
    // Issue 14 item 3: the InternalError used to escape the engine and the plugin: no report, the build failed with a
    // stack trace instead of the findings of the other files.
    write("evil.toy", "TOYM\nexec echo pwned\n");
    write("mapped.bin", "TOYX");
    ScannerRegistry withFault =
        ScannerRegistry.builder().discover(false).add(new ToyScanner()).add(new MappedFaultScanner()).build();

    PluginScan.Outcome o =
        new PluginScan(withFault, ScanSettings.defaults(), ReportPolicy.defaults(), true, project)
            .run(List.of(project.resolve("src/main/resources")), reports, EnumSet.of(ReportFormat.JSON), log::add);

    assertThat(o.report().verdict()).isEqualTo(Verdict.UNSAFE);
    assertThat(o.failure()).contains("TOY-EXEC", "FAILED", "mapped.bin", "InternalError");
    assertThat(Files.readString(reports.resolve("modelscan.json"))).contains("InternalError", "TOY-EXEC");
  }
}
