package dev.modelscan.bench;

import dev.modelscan.api.FileResult;
import dev.modelscan.core.ModelScan;
import java.util.Random;
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
 * The engine's fixed cost per item, with no scanner work: content that no scanner claims goes through {@link
 * ModelScan#scanBytes} (read the head and tail, ask every recogniser, build the result). Every file of a directory and
 * every member of an archive pays this, so it bounds how many small items per second a scan can reach. Sizes: a 2 KB
 * item (head only) and a 1 MiB item (head plus the 64 KiB tail that zip recognition needs).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class EngineOverheadBenchmark {

  /** Size of the unclaimed content in bytes. */
  @Param({"2048", "1048576"})
  public int size;

  private ModelScan scan;
  private byte[] content;

  /** Creates the benchmark state (JMH). */
  public EngineOverheadBenchmark() {}

  /** Builds the scanner and random content without any known magic. */
  @Setup
  public void setup() {
    scan = ModelScan.builder().build();
    content = RegistryDispatchBenchmark.content("unknown", size, new Random(11));
  }

  /**
   * One unclaimed item through the engine.
   *
   * @return the result
   */
  @Benchmark
  public FileResult scanUnclaimed() {
    return scan.scanBytes(content, "blob.bin");
  }
}
