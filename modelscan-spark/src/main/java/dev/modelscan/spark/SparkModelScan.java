package dev.modelscan.spark;

import dev.modelscan.api.FileResult;
import dev.modelscan.api.Finding;
import dev.modelscan.api.Location;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.StandardRules;
import dev.modelscan.api.spi.SiblingFiles;
import dev.modelscan.core.InputScan;
import dev.modelscan.core.ModelScan;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;

/**
 * Scans model files with Apache Spark, reading each where it lives through Hadoop's file system API: local, HDFS,
 * S3A, GCS, ABFS, whatever the session's Hadoop configuration provides.
 *
 * <p>The driver lists the inputs (paths, directories walked recursively, glob patterns); Spark distributes the paths;
 * each executor scans its files with the library through positional reads, so a multi-gigabyte checkpoint is never
 * copied to local disk or loaded whole, and archive members are read in place. The result is two tables with the
 * schemas of {@link ScanRows}: one row per file and one per finding.
 *
 * <p>Faults stay in their row: a file that cannot be read, that a scanner fails on, or that runs out of its time
 * budget is a {@code FAILED} or {@code PARTIAL} row; no task and no job fails for a file. A scan is a function of the
 * file's bytes and the settings, so a retried or speculative task produces the same rows (up to files that hit the
 * per-file time limit, whose cut-off point depends on the machine). Progress shows in the Spark UI as the
 * accumulators {@code modelscan files}, {@code modelscan bytes} and {@code modelscan findings}.
 *
 * <p>Instances are immutable and serialisable; build one with {@link #of(ScanJobConfig)}.
 */
public final class SparkModelScan implements Serializable {

  private static final long serialVersionUID = 1L;

  /** One engine per executor JVM and configuration: the registry is loaded once, scanners are stateless. */
  private static final Map<ScanJobConfig, ModelScan> ENGINES = new ConcurrentHashMap<>();

  private final ScanJobConfig config;

  private SparkModelScan(ScanJobConfig config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  /**
   * A scanner with these settings.
   *
   * @param config the settings, as the CLI's options
   * @return the scanner
   */
  public static SparkModelScan of(ScanJobConfig config) {
    return new SparkModelScan(config);
  }

  /**
   * The settings this job scans with.
   *
   * @return the configuration
   */
  public ScanJobConfig config() {
    return config;
  }

  /**
   * The two tables of a scan, computed once: {@link #files()} and {@link #findings()} read the same scanned rows
   * (persisted in memory and on disk), so using both does not scan twice. {@link #release()} frees them.
   *
   * @param files one row per file, {@link ScanRows#FILE_SCHEMA}, sorted by path
   * @param findings one row per finding, {@link ScanRows#FINDING_SCHEMA}, sorted by path, entry, offset and rule
   * @param combined the persisted rows both are read from
   */
  public record Tables(Dataset<Row> files, Dataset<Row> findings, Dataset<Row> combined) {
    /** Frees the persisted rows. */
    public void release() {
      combined.unpersist();
    }
  }

  /**
   * Lists and scans files. Each input is a file, a directory (every file below it, recursively) or a glob pattern
   * ({@code s3a://bucket/models/**}{@code /*.pt} style patterns as Hadoop's {@code globStatus} reads them). A
   * pattern or path that matches nothing is an error: a typo must not look like an empty, clean registry.
   *
   * @param spark the session; its Hadoop configuration reaches the file systems
   * @param inputs paths, directories or patterns
   * @return the two tables
   * @throws IOException when listing fails or an input matches nothing
   */
  public Tables scan(SparkSession spark, List<String> inputs) throws IOException {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    TreeSet<String> files = new TreeSet<>();
    for (String input : inputs) {
      Path pattern = new Path(input);
      FileSystem fs = pattern.getFileSystem(hadoop);
      FileStatus[] matches = fs.globStatus(pattern);
      if (matches == null || matches.length == 0) {
        throw new IOException("no such file or nothing matches: " + input);
      }
      for (FileStatus match : matches) {
        if (match.isDirectory()) {
          listRecursively(fs, match.getPath(), files);
        } else {
          files.add(match.getPath().toString());
        }
      }
    }
    Dataset<Row> paths =
        spark.createDataset(new ArrayList<>(files), Encoders.STRING()).toDF("path");
    return scanPaths(paths, "path");
  }

  /**
   * Every file below a directory. Walked with plain status listings rather than {@code listFiles}: that one builds a
   * located status per file, which on the local file system without Hadoop's native library runs a shell command per
   * file to read its permissions (most of the job's time on a folder of small files).
   */
  private static void listRecursively(FileSystem fs, Path dir, TreeSet<String> files) throws IOException {
    java.util.ArrayDeque<Path> pending = new java.util.ArrayDeque<>();
    pending.add(dir);
    while (!pending.isEmpty()) {
      RemoteIterator<FileStatus> it = fs.listStatusIterator(pending.poll());
      while (it.hasNext()) {
        FileStatus st = it.next();
        if (st.isDirectory()) {
          pending.add(st.getPath());
        } else {
          files.add(st.getPath().toString());
        }
      }
    }
  }

  /**
   * Scans the files named in a column of a DataFrame (for example a model registry's table of artifact locations).
   *
   * @param table the table
   * @param pathColumn the column holding file paths or URIs
   * @return the two tables
   */
  public Tables scanPaths(Dataset<Row> table, String pathColumn) {
    SparkSession spark = table.sparkSession();
    Dataset<String> paths = table.select(functions.col(pathColumn).cast("string")).as(Encoders.STRING()).distinct();
    int partitions = Math.max(1, spark.sparkContext().defaultParallelism() * 4);
    Map<String, String> hadoopEntries = new HashMap<>();
    for (Map.Entry<String, String> e : spark.sparkContext().hadoopConfiguration()) {
      hadoopEntries.put(e.getKey(), e.getValue());
    }
    Broadcast<Map<String, String>> hadoop =
        spark.sparkContext().broadcast(hadoopEntries, scala.reflect.ClassTag$.MODULE$.apply(Map.class));
    LongAccumulator filesDone = spark.sparkContext().longAccumulator("modelscan files");
    LongAccumulator bytesDone = spark.sparkContext().longAccumulator("modelscan bytes");
    LongAccumulator findingsFound = spark.sparkContext().longAccumulator("modelscan findings");
    ScanJobConfig cfg = config;
    MapPartitionsFunction<String, Row> scanPartition =
        it -> new ScanIterator(it, cfg, hadoop.value(), filesDone, bytesDone, findingsFound);
    Dataset<Row> combined =
        paths
            .repartition(partitions)
            .mapPartitions(scanPartition, Encoders.row(ScanRows.COMBINED_SCHEMA))
            .persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> fileTable = ScanRows.coverCompanions(combined).sort("path");
    Dataset<Row> findingTable =
        combined
            .select(functions.explode(functions.col("findings")).as("f"))
            .select("f.*")
            .sort("path", "entry", "offset", "ruleId", "message");
    return new Tables(fileTable, findingTable, combined);
  }

  /** Scans the paths of one partition lazily, one file at a time, so a partition never holds more than one result. */
  private static final class ScanIterator implements Iterator<Row> {
    private final Iterator<String> paths;
    private final ScanJobConfig config;
    private final Configuration hadoop;
    private final LongAccumulator filesDone;
    private final LongAccumulator bytesDone;
    private final LongAccumulator findingsFound;

    ScanIterator(
        Iterator<String> paths,
        ScanJobConfig config,
        Map<String, String> hadoopEntries,
        LongAccumulator filesDone,
        LongAccumulator bytesDone,
        LongAccumulator findingsFound) {
      this.paths = paths;
      this.config = config;
      this.hadoop = new Configuration(false);
      hadoopEntries.forEach(this.hadoop::set);
      this.filesDone = filesDone;
      this.bytesDone = bytesDone;
      this.findingsFound = findingsFound;
    }

    @Override
    public boolean hasNext() {
      return paths.hasNext();
    }

    @Override
    public Row next() {
      String path = paths.next();
      ModelScan engine =
          ENGINES.computeIfAbsent(
              config,
              c -> ModelScan.builder().settings(c.toSettings()).reportPolicy(c.reportPolicy()).build());
      InputScan scan = scanOne(engine, path, hadoop);
      FileResult r = scan.result();
      // Taken by the engine from the bytes it scanned (no second read of the file); empty when not read to its end.
      String sha = r.sha256().isEmpty() ? null : r.sha256();
      filesDone.add(1);
      bytesDone.add(Math.max(0, r.size()));
      findingsFound.add(r.findings().size());
      return ScanRows.combined(path, sha, scan, engine.reportPolicy().severityThreshold());
    }
  }

  /**
   * Scans one file; whatever goes wrong becomes the file's status, never an exception that would fail the task
   * (and, after retries, the job and every other file's result).
   */
  static InputScan scanOne(ModelScan engine, String path, Configuration hadoop) {
    long size = -1;
    try {
      Path p = new Path(path);
      FileSystem fs = readable(p.getFileSystem(hadoop));
      FileStatus st = fs.getFileStatus(p);
      size = st.getLen();
      if (!st.isFile()) {
        return plain(new FileResult(
            path, -1, "unknown", ScanStatus.SKIPPED, "not a regular file, not opened", List.of(), List.of()));
      }
      // The folder around the file, so that an index finds its shards and an ONNX graph its external data where
      // they are, as the CLI does on a local disk.
      Optional<SiblingFiles> siblings = Optional.ofNullable(HadoopSiblingFiles.of(fs, p));
      try (FSDataInputStream in = fs.open(p);
          HadoopByteSource source = HadoopByteSource.of(in, size)) {
        return engine.scanSource(source, path, siblings);
      }
    } catch (OutOfMemoryError | StackOverflowError e) {
      return plain(failed(path, size, "the scan ran out of resources: " + e));
    } catch (IOException | RuntimeException | LinkageError e) {
      return plain(failed(path, size, "could not read or scan the file: " + e));
    } catch (Error e) {
      // InternalError from a mapped or native read, and the like: this file's scan broke, the others go on.
      return plain(failed(path, size, "the scan broke down: " + e));
    }
  }

  /** A result that declares no companion and is nobody's. */
  private static InputScan plain(FileResult r) {
    return new InputScan(r, "", List.of(), false);
  }

  /**
   * The file system to read from: for the local one, its raw form. The checksummed local file system serves every
   * positional read by opening the file and its {@code .crc} side file anew, which made each scan hundreds of opens;
   * a scan only reads, so the checksum side files have nothing to protect here.
   */
  private static FileSystem readable(FileSystem fs) {
    return fs instanceof org.apache.hadoop.fs.ChecksumFileSystem checksummed ? checksummed.getRawFileSystem() : fs;
  }

  private static FileResult failed(String path, long size, String reason) {
    Finding f =
        Finding.builder(StandardRules.SCANNER_ERROR)
            .location(new Location(path, "", -1))
            .scanner("spark")
            .message("The file was not fully scanned: " + reason)
            .build();
    return new FileResult(path, size, "unknown", ScanStatus.FAILED, reason, List.of(f), List.of());
  }
}
