package dev.modelscan.robustness.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.robustness.Fixtures;
import dev.modelscan.robustness.Scans;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Keeps the robustness suite in step with the scanners: a scanner that lands without a fuzz target fails here, and
 * every fuzz target's body runs over every committed fixture of every module (so a fixture added later is replayed
 * without being copied into a seed directory).
 */
class ScannerCoverageTest {

  @Test
  void everyScannerOnTheClassPathHasAFuzzTarget() {
    List<String> names = Scans.REGISTRY.scanners().stream().map(s -> s.descriptor().name()).toList();
    assertThat(names).as("scanners without a fuzz target in FuzzTargets").allMatch(FuzzTargets.BY_SCANNER::containsKey);
    // A provider that fails to load is a scanner this suite silently does not test.
    assertThat(Scans.REGISTRY.problems()).as("registry problems").noneMatch(p -> p.contains("could not be loaded"));
  }

  @Test
  void everyFuzzTargetAcceptsEveryFixture() {
    for (ModelScanner s : Scans.REGISTRY.scanners()) {
      for (Fixtures.Fixture f : Fixtures.all()) {
        FuzzHarness.scan(s.descriptor().name(), f.bytes(), f.fileName());
      }
    }
  }
}
