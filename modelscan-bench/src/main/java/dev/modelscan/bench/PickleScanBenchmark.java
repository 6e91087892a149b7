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
 * The pickle scanner's opcode loop, through the engine (one dispatch per scan, negligible at these sizes):
 *
 * <ul>
 *   <li>{@code dense}: 4 MiB of small opcodes (ints, short strings, tuples, memo puts and gets, APPENDS batches) in
 *       memory; cost per opcode decides it. Target 300 MB/s on one thread: at most 14 ms per scan.
 *   <li>{@code bulkInMemory}: 256 MiB in 64 MiB BINBYTES arguments in memory; the arguments must be skipped, not
 *       copied. Target 5 GB/s effective: at most 54 ms per scan.
 *   <li>{@code bulkFile}: the same shape at 2 GiB in a sparse file through {@link ModelScan#scanFile}; the time
 *       must not grow with the size of the arguments.
 * </ul>
 *
 * <p>MB/s = size / time; the sizes are printed in setup.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class PickleScanBenchmark {

  private ModelScan scan;
  private byte[] dense;
  private byte[] bulk;
  private Path bulkFile;

  /** Creates the benchmark state (JMH). */
  public PickleScanBenchmark() {}

  /**
   * Builds the streams and prints how each was dispatched.
   *
   * @throws IOException when the temporary file cannot be written
   */
  @Setup
  public void setup() throws IOException {
    scan = ModelScan.builder().build();
    dense = Fixtures.densePickle(4 << 20, 42);
    bulk = Fixtures.bulkPickle(256 << 20, 64 << 20, 42);
    bulkFile = Files.createTempFile("modelscan-bench-", ".pkl");
    Fixtures.writeBulkPickle(bulkFile, 2L << 30, 64 << 20, true);
    for (FileResult r :
        new FileResult[] {
          scan.scanBytes(dense, "dense.pkl"), scan.scanBytes(bulk, "bulk.pkl"), scan.scanFile(bulkFile)
        }) {
      System.err.println(
          "dispatched " + r.path() + " (" + r.size() + " bytes): " + r.format() + " " + r.status() + " "
              + r.statusReason() + ", findings " + r.findings().size());
    }
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
   * The opcode-dense stream.
   *
   * @return the result
   */
  @Benchmark
  public FileResult dense() {
    return scan.scanBytes(dense, "dense.pkl");
  }

  /**
   * The bulk stream in memory.
   *
   * @return the result
   */
  @Benchmark
  public FileResult bulkInMemory() {
    return scan.scanBytes(bulk, "bulk.pkl");
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
