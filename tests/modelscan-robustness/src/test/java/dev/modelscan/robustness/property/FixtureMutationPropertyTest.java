package dev.modelscan.robustness.property;

import dev.modelscan.api.FileResult;
import dev.modelscan.robustness.Hex;
import dev.modelscan.robustness.Mutation;
import dev.modelscan.robustness.Scans;
import dev.modelscan.robustness.Seeds;
import dev.modelscan.robustness.Seeds.Seed;
import dev.modelscan.testkit.SeededCases;
import java.util.Arrays;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every committed fixture of every scanner module (read in place, see {@link Fixtures}) and every generated sample,
 * mutated the way fuzzers mutate: bit flips, truncation, deletion, duplicated ranges, spliced foreign bytes, boundary
 * values. Scanned under default and under tiny limits: a result always comes back and is sane.
 */
class FixtureMutationPropertyTest {

  /** A range of another seed: splicing two formats into each other finds polyglot and confusion bugs. */
  static Mutation spliceFromOtherSeed(SeededCases g) {
    byte[] other = g.pick(Seeds.all()).bytes();
    int from = g.intBetween(0, Math.max(0, other.length - 1));
    int len = g.intBetween(0, Math.max(0, Math.min(512, other.length - from)));
    return new Mutation.Splice(Arrays.copyOfRange(other, from, from + len), g.intBetween(0, 1 << 20));
  }

  /** One to four mutations; one in four splices another seed, the rest are {@link Mutation#any}. */
  static List<Mutation> mutations(SeededCases g) {
    int n = g.sizeBetween(1, 4);
    List<Mutation> out = new java.util.ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(g.oneIn(4) ? spliceFromOtherSeed(g) : Mutation.any(g));
    }
    return out;
  }

  static LongStream saneCases() {
    return SeededCases.seeds("mutatedFixturesGiveASaneResult", 500);
  }

  static LongStream tinyCases() {
    return SeededCases.seeds("mutatedFixturesUnderTinyLimitsGiveASaneResult", 300);
  }

  static LongStream streamCases() {
    return SeededCases.seeds("aStreamAndTheSameBytesGiveTheSameResult", 100);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("saneCases")
  void mutatedFixturesGiveASaneResult(long caseSeed) {
    SeededCases.check(
        caseSeed,
        g -> {
          Seed seed = g.pick(Seeds.all());
          List<Mutation> mutations = mutations(g);
          byte[] input = Mutation.applyAll(seed.bytes(), mutations);
          FileResult r = Scans.DEFAULT.scanBytes(input, seed.name());
          Scans.assertSane(r, seed + " after " + mutations + ": " + Hex.dump(input));
        });
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("tinyCases")
  void mutatedFixturesUnderTinyLimitsGiveASaneResult(long caseSeed) {
    SeededCases.check(
        caseSeed,
        g -> {
          Seed seed = g.pick(Seeds.all());
          List<Mutation> mutations = mutations(g);
          byte[] input = Mutation.applyAll(seed.bytes(), mutations);
          FileResult r = Scans.TINY.scanBytes(input, seed.name());
          Scans.assertWithinTinyLimits(r, seed + " after " + mutations + ": " + Hex.dump(input));
        });
  }

  /** Streams are spooled, byte arrays wrapped: the same content must give the same result either way. */
  @ParameterizedTest(name = "seed {0}")
  @MethodSource("streamCases")
  void aStreamAndTheSameBytesGiveTheSameResult(long caseSeed) {
    SeededCases.check(
        caseSeed,
        g -> {
          Seed seed = g.pick(Seeds.all());
          List<Mutation> mutations = mutations(g);
          byte[] input = Mutation.applyAll(seed.bytes(), mutations);
          FileResult bytes = Scans.DEFAULT.scanBytes(input, seed.name());
          FileResult stream = Scans.DEFAULT.scanStream(new java.io.ByteArrayInputStream(input), seed.name());
          org.assertj.core.api.Assertions.assertThat(stream).as("%s after %s", seed, mutations).isEqualTo(bytes);
        });
  }

  /** The seeds themselves: real fixtures under tiny limits must hit limits cleanly, never crash. */
  @Test
  void unmutatedSeedsGiveASaneResultUnderBothLimits() {
    for (Seed seed : Seeds.all()) {
      Scans.assertWithinTinyLimits(Scans.TINY.scanBytes(seed.bytes(), seed.name()), seed + " (tiny limits)");
      Scans.assertSane(Scans.DEFAULT.scanBytes(seed.bytes(), seed.name()), seed.toString());
    }
  }
}
