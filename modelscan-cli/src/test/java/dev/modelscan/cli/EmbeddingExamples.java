package dev.modelscan.cli;

import dev.modelscan.api.FileResult;
import dev.modelscan.api.Rule;
import dev.modelscan.api.ScanLimits;
import dev.modelscan.api.ScanListener;
import dev.modelscan.api.ScanMode;
import dev.modelscan.api.ScanReport;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.Severity;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.api.spi.Recognition;
import dev.modelscan.api.spi.ScanContext;
import dev.modelscan.api.spi.ScannerDescriptor;
import dev.modelscan.core.ModelScan;
import dev.modelscan.core.ScannerRegistry;
import dev.modelscan.core.report.Baseline;
import dev.modelscan.core.report.JsonReportWriter;
import dev.modelscan.core.report.ReportPolicy;
import dev.modelscan.core.report.RuleHelp;
import dev.modelscan.core.report.SarifReportWriter;
import dev.modelscan.core.report.SuppressionEntry;
import dev.modelscan.core.report.TextReportWriter;
import dev.modelscan.pickle.settings.PickleSettings;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Java snippets of README.md and docs/embedding.md. Each region between {@code tag::NAME[]} and {@code
 * end::NAME[]} is what the markdown shows (DocSnippetsTest compares them), and DocSnippetsTest calls each method, so
 * every snippet compiles against the current API and does what its text says.
 */
final class EmbeddingExamples {

  private EmbeddingExamples() {}

  /** The README's library example (it prints to System.out); returns the result of scanBytes. */
  static FileResult readme(Path models, byte[] bytes) {
    // tag::readme[]
    ModelScan scanner = ModelScan.builder()                       // scanners found on the class path
        .reportPolicy(ReportPolicy.builder().severityThreshold(Severity.HIGH).build())
        .build();                                                  // immutable, thread-safe: share it
    ScanReport report = scanner.scan(models);                      // directories are scanned in parallel
    switch (report.verdict()) {
      case CLEAN -> System.out.println("ok");
      case UNSAFE -> report.findings().forEach(f ->
          System.out.println(f.severity() + " " + f.ruleId() + " " + f.location() + ": " + f.message()));
      case INCOMPLETE, NOTHING_SCANNED -> report.results().stream()
          .filter(r -> r.status() != ScanStatus.COMPLETE)
          .forEach(r -> System.out.println(r.path() + ": " + r.status() + " " + r.statusReason()));
    }
    FileResult upload = scanner.scanBytes(bytes, "upload.pt");    // or scanStream(in, name)
    // end::readme[]
    return upload;
  }

  static ModelScan configuration() {
    // tag::configuration[]
    ScanSettings settings = ScanSettings.builder()
        .mode(ScanMode.THOROUGH)                  // THOROUGH (default): also unknown references; QUICK: known-dangerous only
        .maxFileSize(4L << 30)                    // larger files are SKIPPED, never clean (default: no limit)
        .limits(ScanLimits.builder()              // format-neutral limits
            .maxNestingDepth(5)
            .maxMemberBytes(512L << 20)
            .scanTimeout(Duration.ofMinutes(2))
            .build())
        .extension(PickleSettings.class, PickleSettings.builder()   // the pickle scanners' own settings
            .allowGlobals("mypkg.layers.Custom")  // Python globals you vouch for; built-in dangerous ones stay dangerous
            .denyGlobals("mypkg.unsafe.load")     // globals to report as CRITICAL
            .maxPickleOpcodes(50_000_000)
            .build())
        .build();

    ModelScan modelScan = ModelScan.builder()
        .settings(settings)
        .reportPolicy(ReportPolicy.builder().severityThreshold(Severity.HIGH).build())  // what makes the verdict UNSAFE
        .parallelism(2)
        .build();
    // end::configuration[]
    return modelScan;
  }

  static ScannerRegistry registry(ClassLoader pluginLoader) {
    // tag::registry[]
    ScannerRegistry registry = ScannerRegistry.builder()
        .classLoader(pluginLoader)     // where to discover (default: the loader of modelscan-core)
        .exclude("hdf5")               // leave a scanner out by its name (modelscan --list-scanners)
        .add(new MyInHouseScanner())   // register one by hand
        .build();
    registry.problems().forEach(System.err::println);  // broken provider jars, duplicate names, SPI mismatches
    ModelScan modelScan = ModelScan.builder().registry(registry).build();
    // end::registry[]
    return modelScan == null ? null : registry;
  }

  /** What an application's progress bar offers; stands for yours. */
  interface ProgressBar {
    void start(int files, long bytes);

    void current(String path);

    void advance(long bytesDone);
  }

  static ModelScan progress(ProgressBar bar) {
    // tag::progress[]
    AtomicLong bytesDone = new AtomicLong();
    ScanListener progress = new ScanListener() {
      @Override public void scanStarted(int fileCount, long totalBytes) { bar.start(fileCount, totalBytes); }
      @Override public void fileStarted(String path, long size) { bar.current(path); }
      @Override public void fileFinished(FileResult result) { bar.advance(bytesDone.addAndGet(Math.max(0, result.size()))); }
    };
    ModelScan modelScan = ModelScan.builder().listener(progress).build();
    // end::progress[]
    return modelScan;
  }

  static void reports(ScanReport report, ScannerRegistry registry, Path dir, Writer writer) throws IOException {
    // tag::reports[]
    List<Rule> rules = RuleHelp.rules(registry);                   // the engine's and every scanner's rules
    try (Writer out = Files.newBufferedWriter(dir.resolve("modelscan.sarif"))) {
      new SarifReportWriter(rules, dir).write(report, out);         // SARIF 2.1.0; URIs relative to dir (%SRCROOT%)
    }
    new JsonReportWriter().write(report, writer);                   // modelscan JSON, schema version 1.1
    new TextReportWriter(false, true).write(report, writer);        // for people (colour, verbose)
    // end::reports[]
  }

  /** Baselines and suppressions: returns the judged report. */
  static ScanReport policy(ModelScan modelScan, List<Path> paths, Path baselineJson, String sha256)
      throws IOException {
    // tag::policy[]
    ReportPolicy policy = ReportPolicy.builder()
        .baseline(Baseline.read(baselineJson))                      // a JSON report of an earlier scan (schema 1.1)
        .suppress(new SuppressionEntry(sha256, "PICKLE-DANGEROUS-GLOBAL", "vendor model reviewed in SEC-142"))
        .build();
    ScanReport judged = policy.apply(modelScan.scan(paths));
    judged.verdict();                 // suppressed findings do not count
    judged.suppressedFindings();      // how many were baselined or accepted
    // end::policy[]
    return judged;
  }

  /** Stands for a scanner of the embedding application's own. */
  static final class MyInHouseScanner implements ModelScanner {
    @Override
    public ScannerDescriptor descriptor() {
      return ScannerDescriptor.of("in-house", "1", "an in-house format", List.of("in-house"), List.of("inh"));
    }

    @Override
    public Recognition recognize(ContentHead head) {
      return head.startsWith(new byte[] {'I', 'N', 'H', '!'}) ? Recognition.of("in-house", Recognition.CERTAIN)
          : Recognition.none();
    }

    @Override
    public void scan(ScanContext context) {}

    @Override
    public List<Rule> rules() {
      return List.of();
    }
  }
}
