package dev.modelscan.bench;

import dev.modelscan.api.FileResult;
import dev.modelscan.api.ScanReport;
import dev.modelscan.core.ModelScan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A directory of 10,000 small files (1–4 KB; pickles, PyTorch zips, SafeTensors, JSON, gzipped pickles and unknown
 * blobs, in 100 subdirectories) through {@link ModelScan#scan}: the directory walk, opening each file, dispatch, the
 * scanners, and result collection, with 1 and with 2 worker threads. This is the CI case of a model repository; the
 * target is 2,000 files/s with both cores busy. The score is files per second (one operation = one file). The files
 * stay in the page cache after the first iteration, so this measures CPU cost, not the disk.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
public class DirectoryScanBenchmark {

  static final int FILES = 10_000;

  /** Worker threads of the scan. */
  @Param({"1", "2"})
  public int parallelism;

  private Path dir;
  private ModelScan scan;

  /** Creates the benchmark state (JMH). */
  public DirectoryScanBenchmark() {}

  /**
   * Writes the files and prints which formats they were dispatched to, so that a run shows what it measured.
   *
   * @throws IOException when the temporary directory cannot be written
   */
  @Setup
  public void setup() throws IOException {
    dir = Files.createTempDirectory("modelscan-bench-dir");
    Fixtures.writeSmallFiles(dir, FILES, 42);
    scan = ModelScan.builder().parallelism(parallelism).build();
    ScanReport r = scan.scan(dir);
    Map<String, Integer> formats = new TreeMap<>();
    for (FileResult f : r.results()) {
      formats.merge(f.format() + "/" + f.status(), 1, Integer::sum);
    }
    System.err.println("dispatched: " + formats);
  }

  /**
   * Deletes the files.
   *
   * @throws IOException when deleting fails
   */
  @TearDown
  public void tearDown() throws IOException {
    Fixtures.deleteTree(dir);
  }

  /**
   * One scan of the whole directory.
   *
   * @return the report
   */
  @Benchmark
  @OperationsPerInvocation(FILES)
  public ScanReport scanDirectory() {
    return scan.scan(dir);
  }
}
