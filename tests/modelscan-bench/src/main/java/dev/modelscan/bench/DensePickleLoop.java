package dev.modelscan.bench;

import dev.modelscan.api.FileResult;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.core.ModelScan;

/**
 * Scans the opcode-dense pickle of {@link Fixtures#densePickle} through {@link ModelScan#scanBytes} again and again
 * for a number of seconds and prints the best time and the throughput it means. On a shared machine the best of many
 * scans is the figure closest to what the code costs; the JMH mean includes the time other processes held the CPU.
 *
 * <pre>
 * java -cp tests/modelscan-bench/target/benchmarks.jar dev.modelscan.bench.DensePickleLoop SECONDS [MIB]
 * </pre>
 */
public final class DensePickleLoop {

  private DensePickleLoop() {}

  /**
   * Runs the loop.
   *
   * @param args seconds to run, optionally the stream size in MiB (default 4)
   */
  public static void main(String[] args) {
    long seconds = Long.parseLong(args[0]);
    int mib = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    byte[] dense = Fixtures.densePickle(mib << 20, 42);
    ModelScan scan = ModelScan.builder().build();
    FileResult first = scan.scanBytes(dense, "dense.pkl");
    if (!first.format().equals("pickle") || first.status() != ScanStatus.COMPLETE) {
      throw new IllegalStateException("not scanned as a complete pickle: " + first.format() + " " + first.status());
    }
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    int n = 0;
    long best = Long.MAX_VALUE;
    while (System.nanoTime() < end) {
      long t0 = System.nanoTime();
      scan.scanBytes(dense, "dense.pkl");
      best = Math.min(best, System.nanoTime() - t0);
      n++;
    }
    double mbPerSecond = dense.length / (best / 1e9) / 1e6;
    System.out.printf("%d scans of %d bytes, best %.1f ms = %.0f MB/s%n", n, dense.length, best / 1e6, mbPerSecond);
  }
}
