package dev.modelscan.robustness.property;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.ScanReport;
import dev.modelscan.core.ModelScan;
import dev.modelscan.robustness.Mutation;
import dev.modelscan.robustness.Scans;
import dev.modelscan.robustness.Seeds;
import dev.modelscan.testkit.SeededCases;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Scanning the same files with two worker threads and with one gives identical reports (apart from the elapsed time):
 * scanners are stateless and the engine keeps per-file state per file, so a race would show as a difference here.
 */
class ParallelScanPropertyTest {

  private static final ModelScan SEQUENTIAL = ModelScan.builder().registry(Scans.REGISTRY).parallelism(1).build();
  private static final ModelScan PARALLEL = ModelScan.builder().registry(Scans.REGISTRY).parallelism(2).build();

  static LongStream cases() {
    return SeededCases.seeds("parallelAndSequentialReportsAreIdentical", 3);
  }

  /** One mutated twin per seed file, with up to three mutations. */
  @ParameterizedTest(name = "seed {0}")
  @MethodSource("cases")
  void parallelAndSequentialReportsAreIdentical(long caseSeed) throws IOException {
    SeededCases g = SeededCases.of(caseSeed);
    List<List<Mutation>> mutationSets = List.of(g.listOf(3, Mutation::any));
    Path dir = Files.createTempDirectory("modelscan-parallel-");
    try {
      int i = 0;
      for (Seeds.Seed seed : Seeds.all()) {
        String base = String.format("%03d-", i++) + seed.name().replaceAll("[^A-Za-z0-9._-]", "_");
        Files.write(dir.resolve(base), seed.bytes());
        int k = 0;
        for (List<Mutation> ms : mutationSets) {
          Files.write(dir.resolve("m" + k++ + "-" + base), Mutation.applyAll(seed.bytes(), ms));
        }
      }
      ScanReport seq = SEQUENTIAL.scan(List.of(dir));
      ScanReport par = PARALLEL.scan(List.of(dir));
      String why = "seed " + caseSeed + " (replay with -D" + SeededCases.SEED_PROPERTY + "=" + caseSeed + ")";
      assertThat(par.results()).as(why).hasSize(seq.results().size());
      for (int j = 0; j < seq.results().size(); j++) {
        assertThat(par.results().get(j)).as(why).isEqualTo(seq.results().get(j));
      }
      assertThat(par.verdict()).as(why).isEqualTo(seq.verdict());
    } finally {
      try (Stream<Path> walk = Files.walk(dir)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
