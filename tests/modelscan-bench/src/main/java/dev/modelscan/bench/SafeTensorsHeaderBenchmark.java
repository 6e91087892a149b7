package dev.modelscan.bench;

import dev.modelscan.api.FileResult;
import dev.modelscan.core.ModelScan;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * A SafeTensors file through the engine: the scanner parses and validates the JSON header (dtypes, shapes, offsets
 * that tile the data without gaps or overlaps) and must not touch the tensor data. The header grows with the number
 * of tensors (a large language model has thousands), so the cost should be linear in the header and flat in the data:
 * each tensor has 64 bytes of data here, so the time is the header's.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class SafeTensorsHeaderBenchmark {

  /** Number of tensors described by the header. */
  @Param({"10", "1000", "10000"})
  public int tensors;

  private ModelScan scan;
  private byte[] file;

  /** Creates the benchmark state (JMH). */
  public SafeTensorsHeaderBenchmark() {}

  /** Builds the file and prints how it was dispatched. */
  @Setup
  public void setup() {
    scan = ModelScan.builder().build();
    file = Fixtures.safetensors(tensors, 64, 42);
    FileResult r = scan.scanBytes(file, "model.safetensors");
    System.err.println(
        "dispatched (" + file.length + " bytes): " + r.format() + " " + r.status() + " " + r.statusReason()
            + ", findings " + r.findings().size());
  }

  /**
   * One scan of the file.
   *
   * @return the result
   */
  @Benchmark
  public FileResult scanHeader() {
    return scan.scanBytes(file, "model.safetensors");
  }
}
