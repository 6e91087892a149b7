package dev.modelscan.bench;

import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.core.ScannerRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
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
 * Dispatch of one piece of content: every registered scanner's {@code recognize} on its {@link ContentHead}, then the
 * claims sorted. This runs for every file and every archive member, so for a directory of small files or an archive
 * of many members it is a fixed cost per item that must stay in the microseconds. The engine's cost around it
 * (reading head and tail, building results) is {@link EngineOverheadBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class RegistryDispatchBenchmark {

  /** The content's format: decides which recognisers say yes and how far they look. */
  @Param({"pickle", "zip", "safetensors", "hdf5", "gzip", "text", "unknown"})
  public String format;

  private ScannerRegistry registry;
  private ContentHead head;

  /** Creates the benchmark state (JMH). */
  public RegistryDispatchBenchmark() {}

  /** Builds 1 MiB of content of the format and its head. */
  @Setup
  public void setup() {
    registry = ScannerRegistry.loadDefault();
    byte[] content = content(format, 1 << 20, new Random(7));
    head = ContentHead.ofBytes(content, "model." + format);
  }

  static byte[] content(String format, int size, Random rnd) {
    byte[] c = new byte[size];
    rnd.nextBytes(c);
    switch (format) {
      case "pickle" -> {
        byte[] p = Fixtures.densePickle(size, 7);
        System.arraycopy(p, 0, c, 0, Math.min(p.length, size));
      }
      case "zip" -> c = Fixtures.smallFile("pt", size, rnd); // a checkpoint with a 1 MiB tensor
      case "safetensors" -> c = Fixtures.safetensors(200, 4096, 7);
      case "hdf5" -> System.arraycopy(new byte[] {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'}, 0, c, 0, 8);
      case "gzip" -> {
        c[0] = 0x1f;
        c[1] = (byte) 0x8b;
        c[2] = 8;
        c[3] = 0;
      }
      case "text" -> {
        byte[] t = "{\"vocab\": [\"the\", \"of\", \"and\"]}\n".repeat(size / 36).getBytes(StandardCharsets.UTF_8);
        c = t;
      }
      default -> c[0] = (byte) 0xF1;
    }
    return c;
  }

  /**
   * The recognisers.
   *
   * @return the claims
   */
  @Benchmark
  public List<ScannerRegistry.Claim> claims() {
    return registry.claims(head);
  }
}
