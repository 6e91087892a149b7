package dev.modelscan.bench;

import dev.modelscan.api.FileResult;
import dev.modelscan.core.ModelScan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A 2 GiB pickle whose bulk is large BINBYTES arguments (32 × 64 MiB, a sparse file) through {@link
 * ModelScan#scanFile}: the file source, the engine and the pickle scanner together. The arguments must be skipped by
 * position, never read, so the time must not grow with their size; target 5 GB/s effective, which is at most 430 ms
 * for this file. The opcode loop itself (opcode-dense and in-memory bulk streams) is {@code PickleMachineBenchmark},
 * written with the pickle module.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx64m")
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class PickleScanBenchmark {

  private ModelScan scan;
  private Path bulkFile;

  /** Creates the benchmark state (JMH). */
  public PickleScanBenchmark() {}

  /**
   * Writes the sparse file and prints how it was dispatched.
   *
   * @throws IOException when the temporary file cannot be written
   */
  @Setup
  public void setup() throws IOException {
    scan = ModelScan.builder().build();
    bulkFile = Files.createTempFile("modelscan-bench-", ".pkl");
    Fixtures.writeBulkPickle(bulkFile, 2L << 30, 64 << 20, true);
    FileResult r = scan.scanFile(bulkFile);
    System.err.println(
        "dispatched " + r.path() + " (" + r.size() + " bytes): " + r.format() + " " + r.status() + " "
            + r.statusReason() + ", findings " + r.findings().size());
  }

  /**
   * Deletes the bulk file.
   *
   * @throws IOException when deleting fails
   */
  @TearDown
  public void tearDown() throws IOException {
    Files.deleteIfExists(bulkFile);
  }

  /**
   * The 2 GiB bulk stream in a sparse file.
   *
   * @return the result
   */
  @Benchmark
  public FileResult bulkFile() {
    return scan.scanFile(bulkFile);
  }
}
