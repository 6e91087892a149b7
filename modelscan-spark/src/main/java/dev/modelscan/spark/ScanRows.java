package dev.modelscan.spark;

import dev.modelscan.api.FileResult;
import dev.modelscan.api.Finding;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.Severity;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
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

  /** Both tables in one row, so that each file is scanned once: the file's columns and its findings as an array. */
  static final StructType COMBINED_SCHEMA =
      FILE_SCHEMA.add(
          DataTypes.createStructField("findings", DataTypes.createArrayType(FINDING_SCHEMA, false), false));

  private ScanRows() {}

  /**
   * The combined row of one file.
   *
   * @param path the file's path as listed (a URI such as {@code hdfs://nn/models/a.pt})
   * @param sha256 the file's SHA-256 in hex, or null
   * @param r the scan's result
   * @param threshold findings at or above it make the file's verdict {@code FINDINGS}
   * @return the row in {@link #COMBINED_SCHEMA}
   */
  static Row combined(String path, String sha256, FileResult r, Severity threshold) {
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
    String verdict =
        r.hasFindingAtLeast(threshold)
            ? "FINDINGS"
            : r.status() == ScanStatus.COMPLETE ? "CLEAN" : "INCOMPLETE";
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
        scala.jdk.javaapi.CollectionConverters.asScala(findings).toSeq());
  }
}
