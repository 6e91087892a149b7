// The quick start of docs/embedding.md: included there between the tags below (DocSnippetsTest in modelscan-cli
// compares them), compiled by this project's build and run by verify.groovy, which compares what it prints with the
// output shown in the guide.
// tag::quickstart[]
import dev.modelscan.api.FileResult;
import dev.modelscan.api.Finding;
import dev.modelscan.api.ScanReport;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.core.ModelScan;
import dev.modelscan.core.report.ReportPolicy;
import java.nio.file.Path;

public class ScanModels {
  public static void main(String[] args) {
    ModelScan modelScan = ModelScan.builder().build();        // scanners from the class path, default settings
    ScanReport report = modelScan.scan(Path.of(args[0]));     // a file or a directory (walked recursively)

    for (Finding f : report.findings()) {
      System.out.println(f.severity() + " " + f.ruleId() + " " + f.location() + ": " + f.message());
    }
    for (FileResult r : report.results()) {
      if (r.status() != ScanStatus.COMPLETE) {
        System.out.println(r.status() + " " + r.path() + ": " + r.statusReason());
      }
    }
    System.out.println("verdict: " + report.verdict());       // CLEAN, UNSAFE, INCOMPLETE or NOTHING_SCANNED
    System.exit(ReportPolicy.defaults().exitCode(report)); // 0 clean, 1 unsafe, 2 incomplete, 3 nothing scanned
  }
}
// end::quickstart[]
