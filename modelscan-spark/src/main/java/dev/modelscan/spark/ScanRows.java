package dev.modelscan.spark;

import dev.modelscan.api.FileResult;
import dev.modelscan.api.Finding;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.Severity;
import dev.modelscan.api.spi.ScanContext;
import dev.modelscan.api.spi.SiblingFile;
import dev.modelscan.core.InputScan;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The schemas of the job's two tables, and the conversion of one file's result into rows. Column names are those of
 * the CLI's JSON report ({@code path}, {@code size}, {@code format}, {@code status}, {@code statusReason},
 * {@code ruleId}, {@code severity}, ...), so that a query written against one reads the other.
 */
public final class ScanRows {

  /**
   * One row per file: {@code path, size, sha256, format, status, statusReason, verdict, critical, high, medium, low}.
   * {@code verdict} is the file's own: {@code FINDINGS} when a finding is at or above the threshold, else {@code
   * CLEAN} when the file was completely scanned, else {@code INCOMPLETE}. {@code sha256} is the engine's {@link
   * FileResult#sha256()} (taken from the bytes it scanned), null when the file was not read to its end (unreadable,
   * larger than the file-size limit, changed while scanned).
   */
  public static final StructType FILE_SCHEMA =
      new StructType(
          new StructField[] {
            DataTypes.createStructField("path", DataTypes.StringType, false),
            DataTypes.createStructField("size", DataTypes.LongType, false),
            DataTypes.createStructField("sha256", DataTypes.StringType, true),
            DataTypes.createStructField("format", DataTypes.StringType, false),
            DataTypes.createStructField("status", DataTypes.StringType, false),
            DataTypes.createStructField("statusReason", DataTypes.StringType, true),
            DataTypes.createStructField("verdict", DataTypes.StringType, false),
            DataTypes.createStructField("critical", DataTypes.IntegerType, false),
            DataTypes.createStructField("high", DataTypes.IntegerType, false),
            DataTypes.createStructField("medium", DataTypes.IntegerType, false),
            DataTypes.createStructField("low", DataTypes.IntegerType, false)
          });

  /**
   * One row per finding: {@code path, entry, offset, ruleId, severity, threatType, cwe, owasp, module, operator,
   * message, scanner}. {@code entry} is the nested member path ({@code ""} for the file itself); {@code cwe} and
   * {@code owasp} are the rule's ids ({@code CWE-502}, {@code ML06}).
   */
  public static final StructType FINDING_SCHEMA =
      new StructType(
          new StructField[] {
            DataTypes.createStructField("path", DataTypes.StringType, false),
            DataTypes.createStructField("entry", DataTypes.StringType, false),
            DataTypes.createStructField("offset", DataTypes.LongType, false),
            DataTypes.createStructField("ruleId", DataTypes.StringType, false),
            DataTypes.createStructField("severity", DataTypes.StringType, false),
            DataTypes.createStructField("threatType", DataTypes.StringType, false),
            DataTypes.createStructField("cwe", DataTypes.StringType, true),
            DataTypes.createStructField("owasp", DataTypes.StringType, true),
            DataTypes.createStructField("module", DataTypes.StringType, true),
            DataTypes.createStructField("operator", DataTypes.StringType, true),
            DataTypes.createStructField("message", DataTypes.StringType, false),
            DataTypes.createStructField("scanner", DataTypes.StringType, true)
          });

  /**
   * Both tables in one row, so that each file is scanned once: the file's columns, its findings as an array, and what
   * its scan says about its neighbours: {@code location} (where the file is, given only when no scanner recognised
   * it), {@code declared} (the locations of the files its scanner declared as the model's data) and {@code
   * companionVerdict} (the file's verdict as such data). {@link #coverCompanions} turns them into the file table.
   */
  static final StructType COMBINED_SCHEMA =
      FILE_SCHEMA
          .add(DataTypes.createStructField("findings", DataTypes.createArrayType(FINDING_SCHEMA, false), false))
          .add(DataTypes.createStructField("location", DataTypes.StringType, true))
          .add(DataTypes.createStructField("declared", DataTypes.createArrayType(DataTypes.StringType, false), false))
          .add(DataTypes.createStructField("companionVerdict", DataTypes.StringType, true));

  private ScanRows() {}

  /**
   * The combined row of one file.
   *
   * @param path the file's path as listed (a URI such as {@code hdfs://nn/models/a.pt})
   * @param sha256 the file's SHA-256 in hex, or null
   * @param scan the scan's result, with the companions it declared
   * @param threshold findings at or above it make the file's verdict {@code FINDINGS}
   * @return the row in {@link #COMBINED_SCHEMA}
   */
  static Row combined(String path, String sha256, InputScan scan, Severity threshold) {
    FileResult r = scan.result();
    int[] counts = new int[Severity.values().length];
    List<Row> findings = new ArrayList<>(r.findings().size());
    for (Finding f : r.findings()) {
      counts[f.severity().ordinal()]++;
      findings.add(
          RowFactory.create(
              path,
              f.location().entry(),
              f.location().offset(),
              f.ruleId(),
              f.severity().name(),
              f.threatType().name(),
              f.rule().cwe().tag(),
              f.rule().owasp().id(),
              f.module(),
              f.operator(),
              f.message(),
              f.scanner()));
    }
    String verdict = verdict(r, threshold);
    boolean coverable = scan.unrecognised() && !scan.location().isEmpty();
    List<String> declared = new ArrayList<>(scan.companions().size());
    for (SiblingFile f : scan.companions()) {
      declared.add(f.location());
    }
    return RowFactory.create(
        path,
        r.size(),
        sha256,
        r.format(),
        r.status().name(),
        r.statusReason(),
        verdict,
        counts[Severity.CRITICAL.ordinal()],
        counts[Severity.HIGH.ordinal()],
        counts[Severity.MEDIUM.ordinal()],
        counts[Severity.LOW.ordinal()],
        // Spark's row encoder takes a Scala sequence for an array column, not a java.util.List.
        scala.jdk.javaapi.CollectionConverters.asScala(findings).toSeq(),
        coverable ? scan.location() : null,
        scala.jdk.javaapi.CollectionConverters.asScala(declared).toSeq(),
        coverable ? verdict(scan.asCompanion(), threshold) : null);
  }

  private static String verdict(FileResult r, Severity threshold) {
    return r.hasFindingAtLeast(threshold)
        ? "FINDINGS"
        : r.status() == ScanStatus.COMPLETE ? "CLEAN" : "INCOMPLETE";
  }

  /**
   * The file table from the combined rows, with the CLI's cross-file rule applied: a file that no scanner recognised
   * but that another file of the same job declared as its model's data (ONNX external data, SavedModel variables) is
   * complete with format {@value ScanContext#COMPANION_FORMAT}, as {@link InputScan#asCompanion()} makes it. The
   * declarations of every partition are matched by location, in one join, so which task scanned which file does not
   * matter.
   *
   * @param combined rows in {@link #COMBINED_SCHEMA}
   * @return rows in {@link #FILE_SCHEMA}
   */
  static Dataset<Row> coverCompanions(Dataset<Row> combined) {
    Dataset<Row> declared =
        combined.select(functions.explode(functions.col("declared")).as("declaredLocation")).distinct();
    Dataset<Row> joined =
        combined.join(declared, combined.col("location").equalTo(declared.col("declaredLocation")), "left_outer");
    Column covered = functions.col("declaredLocation").isNotNull();
    List<Column> columns = new ArrayList<>();
    for (StructField f : FILE_SCHEMA.fields()) {
      Column c = functions.col(f.name());
      switch (f.name()) {
        case "format" -> c = functions.when(covered, functions.lit(ScanContext.COMPANION_FORMAT)).otherwise(c);
        case "status" -> c = functions.when(covered, functions.lit(ScanStatus.COMPLETE.name())).otherwise(c);
        case "statusReason" -> c = functions.when(covered, functions.lit("")).otherwise(c);
        case "verdict" -> c = functions.when(covered, functions.col("companionVerdict")).otherwise(c);
        default -> {
          // unchanged
        }
      }
      columns.add(c.as(f.name()));
    }
    return joined.select(columns.toArray(new Column[0]));
  }
}
