package dev.modelscan.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the inputs of the whole-process measurements (measure.sh) with the same generators the benchmarks use.
 *
 * <pre>
 * java -cp tests/modelscan-bench/target/benchmarks.jar dev.modelscan.bench.Generate checkpoint BYTES FILE [sparse|dense]
 * java -cp tests/modelscan-bench/target/benchmarks.jar dev.modelscan.bench.Generate bulk-pickle BYTES FILE [sparse|dense]
 * java -cp tests/modelscan-bench/target/benchmarks.jar dev.modelscan.bench.Generate dense-pickle BYTES FILE
 * java -cp tests/modelscan-bench/target/benchmarks.jar dev.modelscan.bench.Generate small-files COUNT DIR
 * java -cp tests/modelscan-bench/target/benchmarks.jar dev.modelscan.bench.Generate records COUNT FILE
 * java -cp tests/modelscan-bench/target/benchmarks.jar dev.modelscan.bench.Generate vocabulary COUNT FILE
 * java -cp tests/modelscan-bench/target/benchmarks.jar dev.modelscan.bench.Generate records-bytes BYTES FILE
 * java -cp tests/modelscan-bench/target/benchmarks.jar dev.modelscan.bench.Generate vocabulary-bytes BYTES FILE
 * </pre>
 *
 * <p>The {@code -bytes} kinds write the streams {@link PickleMachineBenchmark} scans for {@code mebibytes} =
 * BYTES / 2^20: the same bytes, so a baseline in another process (scripts/genops_baseline.py) reads what JMH scans.
 */
public final class Generate {

  private Generate() {}

  /**
   * Runs the generator.
   *
   * @param args kind, size or count, target, optional sparse|dense (default dense)
   * @throws IOException when writing fails
   */
  public static void main(String[] args) throws IOException {
    if (args.length < 3) {
      System.err.println(
          "usage: Generate checkpoint|bulk-pickle|dense-pickle|small-files|records|vocabulary|records-bytes"
              + "|vocabulary-bytes SIZE TARGET"
              + " [sparse|dense]");
      System.exit(2);
    }
    long n = Long.parseLong(args[1]);
    Path target = Path.of(args[2]);
    boolean sparse = args.length > 3 && args[3].equals("sparse");
    switch (args[0]) {
      case "checkpoint" -> Fixtures.writeCheckpoint(target, n, 8, sparse);
      case "bulk-pickle" -> Fixtures.writeBulkPickle(target, n, 64 << 20, sparse);
      case "dense-pickle" -> Files.write(target, Fixtures.densePickle(Math.toIntExact(n), 42));
      case "records" -> Files.write(target, PickleMachineBenchmark.records(Math.toIntExact(n), Integer.MAX_VALUE - 8));
      case "vocabulary" ->
          Files.write(target, PickleMachineBenchmark.vocabulary(Math.toIntExact(n), Integer.MAX_VALUE - 8));
      case "records-bytes" ->
          Files.write(target, PickleMachineBenchmark.records(Integer.MAX_VALUE, Math.toIntExact(n)));
      case "vocabulary-bytes" ->
          Files.write(target, PickleMachineBenchmark.vocabulary(Integer.MAX_VALUE, Math.toIntExact(n)));
      case "small-files" -> {
        Files.createDirectories(target);
        Fixtures.writeSmallFiles(target, Math.toIntExact(n), 42);
      }
      default -> {
        System.err.println("unknown kind " + args[0]);
        System.exit(2);
      }
    }
  }
}
