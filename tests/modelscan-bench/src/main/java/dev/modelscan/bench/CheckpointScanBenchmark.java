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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A PyTorch zip checkpoint (stored members, data.pkl plus 8 tensor members of zeros, data aligned to 64 bytes as
 * torch writes it) through {@link ModelScan#scanFile}. The scan must cost the same for 10 MB as for 2 GB: the zip
 * reader reads the central directory, data.pkl is scanned, and the tensor members are sliced and recognised by their
 * head and tail only. A time that grows with the size means tensor bytes are being read or copied. The 2 GB file is
 * sparse (holes, no disk used) and deleted in tear-down; it is never committed. The fork runs with -Xmx64m: a scan
 * of any single file must fit in it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx64m")
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class CheckpointScanBenchmark {

  /** Total tensor bytes in MiB. */
  @Param({"10", "2048"})
  public int sizeMib;

  private Path file;
  private ModelScan scan;

  /** Creates the benchmark state (JMH). */
  public CheckpointScanBenchmark() {}

  /**
   * Writes the sparse checkpoint and prints how it was dispatched.
   *
   * @throws IOException when the temporary file cannot be written
   */
  @Setup
  public void setup() throws IOException {
    file = Files.createTempFile("modelscan-bench-", ".pt");
    Fixtures.writeCheckpoint(file, (long) sizeMib << 20, 8, true);
    scan = ModelScan.builder().build();
    FileResult r = scan.scanFile(file);
    System.err.println(
        "dispatched: " + r.format() + " " + r.status() + " " + r.statusReason() + ", members " + r.members().size());
  }

  /**
   * Deletes the checkpoint.
   *
   * @throws IOException when deleting fails
   */
  @TearDown
  public void tearDown() throws IOException {
    Files.deleteIfExists(file);
  }

  /**
   * One scan of the checkpoint.
   *
   * @return the result
   */
  @Benchmark
  public FileResult scanCheckpoint() {
    return scan.scanFile(file);
  }
}
