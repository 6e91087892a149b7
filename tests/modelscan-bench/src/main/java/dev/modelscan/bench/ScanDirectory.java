package dev.modelscan.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.modelscan.api.ScanReport;
import dev.modelscan.core.ModelScan;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;

/**
 * Scans a directory repeatedly and prints files per second of wall time and of process CPU time. On a shared machine
 * the wall time depends on the other load; CPU time per file does much less, so both are printed and before/after
 * comparisons of engine changes use the CPU figure.
 *
 * <pre>
 * java -cp tests/modelscan-bench/target/benchmarks.jar dev.modelscan.bench.ScanDirectory DIR PARALLELISM ROUNDS
 * </pre>
 */
public final class ScanDirectory {

  private ScanDirectory() {}

  /**
   * Runs the scans.
   *
   * @param args directory, parallelism, rounds (the first third of the rounds are warm-up)
   */
  public static void main(String[] args) {
    Path dir = Path.of(args[0]);
    int parallelism = Integer.parseInt(args[1]);
    int rounds = Integer.parseInt(args[2]);
    ModelScan scan = ModelScan.builder().parallelism(parallelism).build();
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    int warm = Math.max(1, rounds / 3);
    long files = 0;
    long wall = 0;
    long cpu = 0;
    for (int i = 0; i < rounds; i++) {
      long w0 = System.nanoTime();
      long c0 = os.getProcessCpuTime();
      ScanReport r = scan.scan(dir);
      long w1 = System.nanoTime();
      long c1 = os.getProcessCpuTime();
      if (i >= warm) {
        files += r.results().size();
        wall += w1 - w0;
        cpu += c1 - c0;
      }
    }
    System.out.printf(
        "parallelism %d: %.0f files/s wall, %.0f files per CPU-second, %.1f us CPU per file (%d files)%n",
        parallelism, files * 1e9 / wall, files * 1e9 / cpu, cpu / 1e3 / files, files);
  }
}
