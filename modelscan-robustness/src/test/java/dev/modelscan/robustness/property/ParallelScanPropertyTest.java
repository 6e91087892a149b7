package dev.modelscan.robustness.property;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.ScanReport;
import dev.modelscan.core.ModelScan;
import dev.modelscan.robustness.Mutation;
import dev.modelscan.robustness.Scans;
import dev.modelscan.robustness.Seeds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Scanning the same files with two worker threads and with one gives identical reports (apart from the elapsed time):
 * scanners are stateless and the engine keeps per-file state per file, so a race would show as a difference here.
 */
class ParallelScanPropertyTest {

  private static final ModelScan SEQUENTIAL = ModelScan.builder().registry(Scans.REGISTRY).parallelism(1).build();
  private static final ModelScan PARALLEL = ModelScan.builder().registry(Scans.REGISTRY).parallelism(2).build();

  @Provide
  Arbitrary<List<List<Mutation>>> mutationSets() {
    return Mutation.any().list().ofMaxSize(3).list().ofMinSize(1).ofMaxSize(1);
  }

  @Property(tries = 3)
  void parallelAndSequentialReportsAreIdentical(@ForAll("mutationSets") List<List<Mutation>> mutationSets)
      throws IOException {
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
      assertThat(par.results()).hasSize(seq.results().size());
      for (int j = 0; j < seq.results().size(); j++) {
        assertThat(par.results().get(j)).isEqualTo(seq.results().get(j));
      }
      assertThat(par.verdict()).isEqualTo(seq.verdict());
    } finally {
      try (Stream<Path> walk = Files.walk(dir)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
