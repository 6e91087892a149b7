package dev.modelscan.robustness;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.FileResult;
import dev.modelscan.api.Finding;
import dev.modelscan.api.MemberResult;
import dev.modelscan.api.ScanLimits;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.Severity;
import dev.modelscan.api.StandardRules;
import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.core.ModelScan;
import dev.modelscan.core.ScannerRegistry;
import dev.modelscan.archive.code.TextScanner;
import java.time.Duration;
import java.util.Optional;

/** Shared scanners, settings and the invariants every result must satisfy whatever the input. */
public final class Scans {

  /** The scanners on the test class path: the engine's own plus every scanner module this module depends on. */
  public static final ScannerRegistry REGISTRY = ScannerRegistry.loadDefault();

  /** Default settings, one thread: the reference for all properties. */
  public static final ModelScan DEFAULT = ModelScan.builder().registry(REGISTRY).parallelism(1).build();

  /**
   * Limits far below the defaults, so that every limit can be hit by a fixture-sized input. The timeout stays
   * generous: on a loaded machine a short deadline would make results depend on timing.
   */
  public static final ScanLimits TINY_LIMITS =
      ScanLimits.builder()
          .maxNestingDepth(2)
          .maxArchiveMembers(4)
          .maxMemberBytes(4096)
          .maxTotalDecompressedBytes(16 * 1024)
          .maxCompressionRatio(4)
          .maxHeaderBytes(256)
          .maxStringBytes(64)
          .maxJsonDepth(4)
          .scanTimeout(Duration.ofSeconds(30))
          .build();

  /** The pickle scanners' limits at the same scale as {@link #TINY_LIMITS}. */
  public static final dev.modelscan.pickle.settings.PickleSettings TINY_PICKLE =
      dev.modelscan.pickle.settings.PickleSettings.builder().maxPickleStackSize(16).maxPickleMemoSize(8).maxPickleOpcodes(64).build();

  /** A scan with {@link #TINY_LIMITS}. */
  public static final ModelScan TINY =
      ModelScan.builder()
          .registry(REGISTRY)
          .parallelism(1)
          .settings(
              ScanSettings.builder().limits(TINY_LIMITS).extension(dev.modelscan.pickle.settings.PickleSettings.class, TINY_PICKLE).build())
          .build();

  private Scans() {}

  /**
   * The scanner with this descriptor name on the class path.
   *
   * @param name e.g. {@code "zip"}
   * @return the scanner, or empty when its module has not landed yet
   */
  public static Optional<ModelScanner> scanner(String name) {
    return REGISTRY.scanners().stream().filter(s -> s.descriptor().name().equals(name)).findFirst();
  }

  /**
   * A facade that dispatches to one scanner plus the text scanner, so that a fuzz target exercises exactly one parser
   * and what it hands back.
   *
   * @param scanner the scanner under test
   * @param settings the settings
   * @return the facade
   */
  public static ModelScan only(ModelScanner scanner, ScanSettings settings) {
    ScannerRegistry r = ScannerRegistry.builder().discover(false).add(scanner).add(new TextScanner()).build();
    return ModelScan.builder().registry(r).settings(settings).parallelism(1).build();
  }

  /**
   * Whether the result would pass as clean: complete, with nothing at or above MEDIUM.
   *
   * @param r the result
   * @return true when a user would read it as "nothing wrong, everything seen"
   */
  public static boolean completeAndClean(FileResult r) {
    return r.status() == ScanStatus.COMPLETE && !r.hasFindingAtLeast(Severity.MEDIUM);
  }

  /**
   * Asserts that a scan under {@link #TINY_LIMITS} stayed within them structurally: at most {@code maxArchiveMembers}
   * members per archive over {@code maxNestingDepth} levels (plus the refused ones one level deeper, and a second
   * reading of polyglots), so that no limit was ignored.
   *
   * @param r the result
   * @param input a description of the input
   */
  public static void assertWithinTinyLimits(FileResult r, String input) {
    assertSane(r, input);
    int perLevel = TINY_LIMITS.maxArchiveMembers() + 1;
    int bound = 0;
    int level = 1;
    for (int d = 0; d <= TINY_LIMITS.maxNestingDepth(); d++) {
      level *= perLevel;
      bound += level;
    }
    assertThat(r.members().size()).as("members of %s under tiny limits", input).isLessThanOrEqualTo(2 * bound);
  }

  /**
   * Asserts what must hold for any input: a status and format are set, a status other than COMPLETE says why, limit
   * findings and scanner failures never sit on a COMPLETE result, no scanner crashed (a crash is a bug even though the
   * engine contains it), and no member is COMPLETE under a parent that lost part of it.
   *
   * @param r the result
   * @param input a description of the input, for the failure message
   */
  public static void assertSane(FileResult r, String input) {
    assertThat(r).as("result for %s", input).isNotNull();
    assertThat(r.status()).as("status for %s", input).isNotNull();
    assertThat(r.format()).as("format for %s", input).isNotEmpty();
    if (r.status() != ScanStatus.COMPLETE) {
      assertThat(r.statusReason()).as("reason of %s for %s", r.status(), input).isNotEmpty();
    }
    for (Finding f : r.findings()) {
      if (KnownBugs.isKnown(f)) {
        assertThat(r.status()).as("known bug on %s", input).isNotEqualTo(ScanStatus.COMPLETE);
        continue;
      }
      assertThat(f.ruleId())
          .as("a scanner crashed on %s: %s", input, f.message())
          .isNotEqualTo(StandardRules.SCANNER_ERROR.id());
      if (f.ruleId().equals(StandardRules.LIMIT_REACHED.id())
          || f.ruleId().equals(StandardRules.DECOMPRESSION_BOMB.id())) {
        assertThat(r.status()).as("a limit was reached on %s but the result is %s", input, r.status())
            .isNotEqualTo(ScanStatus.COMPLETE);
      }
    }
    for (MemberResult m : r.members()) {
      assertThat(m.status()).as("member status of %s in %s", m.entry(), input).isNotNull();
      if (m.status() != ScanStatus.COMPLETE) {
        assertThat(r.status()).as("member %s is %s but %s is COMPLETE", m.entry(), m.status(), input)
            .isNotEqualTo(ScanStatus.COMPLETE);
      }
    }
  }
}
