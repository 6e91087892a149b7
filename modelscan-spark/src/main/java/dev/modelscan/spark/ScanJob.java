package dev.modelscan.spark;

import dev.modelscan.core.ScannerRegistry;
import dev.modelscan.core.options.ScanOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * The job that {@code spark-submit} runs: {@code ScanJob [options] INPUT... OUTPUT}. It scans every file under the
 * inputs (paths, directories, glob patterns on any Hadoop file system) and writes {@code OUTPUT/files} and {@code
 * OUTPUT/findings}, JSON lines by default.
 *
 * <p>Options have the CLI's names and meanings, read by the engine's option layer ({@code ScanOptions}): {@code
 * -m/--mode}, {@code -t/--severity-threshold}, every {@code --max-*} limit, {@code --scan-timeout}, {@code
 * --allow-global}, {@code --deny-global}, {@code --unknown-global-severity}, in {@code --name value} or {@code
 * --name=value} form; and its own: {@code --format json|parquet}, {@code --overwrite}.
 *
 * <p>Exit codes as the CLI's: 0 every file complete and below the threshold, 1 a finding at or above it, 2 some file
 * not completely scanned, 3 nothing scanned, 4 a usage error.
 */
public final class ScanJob {

  /** Exit code of a usage error, as the CLI's. */
  static final int EXIT_USAGE = 4;

  private ScanJob() {}

  /**
   * Runs the job and exits with its code.
   *
   * @param args options, inputs, then the output folder
   */
  public static void main(String[] args) {
    int code;
    try {
      code = run(args, System.out, System.err);
    } catch (IOException e) {
      System.err.println("modelscan-spark: " + e.getMessage());
      code = 2;
    }
    System.exit(code);
  }

  /** Parsed command line. */
  record Arguments(ScanJobConfig config, List<String> inputs, String output, String format, boolean overwrite) {}

  /**
   * Runs the job in the current (or a new) Spark session.
   *
   * @param args the command line
   * @param out where the summary goes
   * @param err where errors go
   * @return the exit code
   * @throws IOException when listing the inputs or writing the output fails
   */
  static int run(String[] args, PrintStream out, PrintStream err) throws IOException {
    Arguments a;
    try {
      a = parse(args);
    } catch (IllegalArgumentException e) {
      err.println("modelscan-spark: " + e.getMessage());
      err.println("usage: ScanJob [options] INPUT... OUTPUT   (see docs/spark.md)");
      return EXIT_USAGE;
    }
    SparkSession spark = SparkSession.builder().appName("modelscan").getOrCreate();
    if (!a.overwrite()) {
      // Checked before anything is scanned: an hour of scanning must not end in "the folder exists".
      for (String table : List.of("/files", "/findings")) {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(a.output() + table);
        if (p.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(p)) {
          err.println("modelscan-spark: " + p + " exists; choose another OUTPUT or give --overwrite");
          return EXIT_USAGE;
        }
      }
    }
    SparkModelScan.Tables t = SparkModelScan.of(a.config()).scan(spark, a.inputs());
    try {
      SaveMode mode = a.overwrite() ? SaveMode.Overwrite : SaveMode.ErrorIfExists;
      t.files().write().mode(mode).format(a.format()).save(a.output() + "/files");
      t.findings().write().mode(mode).format(a.format()).save(a.output() + "/findings");
      Row s =
          t.files()
              .selectExpr(
                  "count(*)",
                  "sum(if(verdict = 'FINDINGS', 1, 0))",
                  "sum(if(status <> 'COMPLETE', 1, 0))",
                  "sum(if(format = 'unknown' and status = 'SKIPPED', 1, 0))",
                  "sum(critical)", "sum(high)", "sum(medium)", "sum(low)")
              .first();
      long files = s.getLong(0);
      long withFindings = s.isNullAt(1) ? 0 : s.getLong(1);
      long incomplete = s.isNullAt(2) ? 0 : s.getLong(2);
      long unrecognised = s.isNullAt(3) ? 0 : s.getLong(3);
      out.printf(
          Locale.ROOT,
          "Scanned %d files: %d with findings at or above %s, %d not completely scanned;"
              + " findings: %d critical, %d high, %d medium, %d low. Tables in %s/files and %s/findings (%s).%n",
          files, withFindings, a.config().severityThreshold(), incomplete, s.isNullAt(4) ? 0 : s.getLong(4),
          s.isNullAt(5) ? 0 : s.getLong(5), s.isNullAt(6) ? 0 : s.getLong(6), s.isNullAt(7) ? 0 : s.getLong(7),
          a.output(), a.output(), a.format());
      if (withFindings > 0) {
        return 1;
      }
      if (files == 0 || unrecognised == files) {
        return 3;
      }
      return incomplete > 0 ? 2 : 0;
    } finally {
      t.release();
    }
  }

  /** Reads the command line; every error is an {@link IllegalArgumentException} with a message for the user. */
  static Arguments parse(String[] args) {
    Map<String, List<String>> options = new LinkedHashMap<>();
    String format = "json";
    boolean overwrite = false;
    List<String> positional = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("-") || arg.equals("-")) {
        positional.add(arg);
        continue;
      }
      String name = arg;
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        name = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      }
      if (name.equals("--overwrite")) {
        overwrite = true;
        continue;
      }
      if (value == null) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(name + " needs a value");
        }
        value = args[++i];
      }
      switch (name) {
        case "-f", "--format" -> {
          format = value.toLowerCase(Locale.ROOT);
          if (!format.equals("json") && !format.equals("parquet")) {
            throw new IllegalArgumentException("--format must be json or parquet, not " + value);
          }
        }
        case "-m" -> options.computeIfAbsent("mode", k -> new ArrayList<>()).add(value);
        case "-t" -> options.computeIfAbsent("severity-threshold", k -> new ArrayList<>()).add(value);
        default -> {
          // Every other option is the CLI's, read by the engine's option layer (which rejects unknown names).
          if (!name.startsWith("--") || name.length() == 2) {
            throw new IllegalArgumentException("unknown option " + name);
          }
          options.computeIfAbsent(name.substring(2), k -> new ArrayList<>()).add(value);
        }
      }
    }
    if (positional.size() < 2) {
      throw new IllegalArgumentException("give at least one INPUT and the OUTPUT folder");
    }
    // A single-valued option given twice keeps its last value, as on the command line.
    Map<String, List<String>> resolved = new LinkedHashMap<>();
    ScanOptions known = ScanOptions.forRegistry(ScannerRegistry.loadDefault());
    options.forEach(
        (k, v) -> {
          if (!known.knows(k)) {
            throw new IllegalArgumentException("unknown option --" + k);
          }
          boolean repeatable =
              known.descriptors().stream().anyMatch(d -> d.name().equals(k) && d.repeatable());
          resolved.put(k, repeatable ? v : List.of(v.get(v.size() - 1)));
        });
    ScanJobConfig config = new ScanJobConfig(resolved);
    return new Arguments(
        config, List.copyOf(positional.subList(0, positional.size() - 1)), positional.get(positional.size() - 1),
        format, overwrite);
  }
}
