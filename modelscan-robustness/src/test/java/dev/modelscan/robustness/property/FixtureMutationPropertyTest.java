package dev.modelscan.robustness.property;

import dev.modelscan.api.FileResult;
import dev.modelscan.robustness.Hex;
import dev.modelscan.robustness.Mutation;
import dev.modelscan.robustness.Scans;
import dev.modelscan.robustness.Seeds;
import dev.modelscan.robustness.Seeds.Seed;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Every committed fixture of every scanner module (read in place, see {@link Fixtures}) and every generated sample,
 * mutated the way fuzzers mutate: bit flips, truncation, deletion, duplicated ranges, spliced foreign bytes, boundary
 * values. Scanned under default and under tiny limits: a result always comes back and is sane.
 */
class FixtureMutationPropertyTest {

  @Provide
  Arbitrary<Seed> seed() {
    return Arbitraries.of(Seeds.all());
  }

  /** A range of another seed: splicing two formats into each other finds polyglot and confusion bugs. */
  @Provide
  Arbitrary<Mutation> spliceFromOtherSeed() {
    return Arbitraries.of(Seeds.all())
        .flatMap(
            s ->
                Arbitraries.integers()
                    .between(0, Math.max(0, s.bytes().length - 1))
                    .flatMap(
                        from ->
                            Arbitraries.integers()
                                .between(0, Math.min(512, s.bytes().length - from))
                                .flatMap(
                                    len ->
                                        Arbitraries.integers()
                                            .between(0, 1 << 20)
                                            .map(
                                                at ->
                                                    (Mutation)
                                                        new Mutation.Splice(
                                                            java.util.Arrays.copyOfRange(
                                                                s.bytes(), from, from + len),
                                                            at)))));
  }

  @Provide
  Arbitrary<List<Mutation>> mutations() {
    return Arbitraries.oneOf(Mutation.any(), Mutation.any(), Mutation.any(), spliceFromOtherSeed())
        .list()
        .ofMinSize(1)
        .ofMaxSize(4);
  }

  @Property(tries = 500)
  void mutatedFixturesGiveASaneResult(@ForAll("seed") Seed seed, @ForAll("mutations") List<Mutation> mutations) {
    byte[] input = Mutation.applyAll(seed.bytes(), mutations);
    FileResult r = Scans.DEFAULT.scanBytes(input, seed.name());
    Scans.assertSane(r, seed + " after " + mutations + ": " + Hex.dump(input));
  }

  @Property(tries = 300)
  void mutatedFixturesUnderTinyLimitsGiveASaneResult(
      @ForAll("seed") Seed seed, @ForAll("mutations") List<Mutation> mutations) {
    byte[] input = Mutation.applyAll(seed.bytes(), mutations);
    FileResult r = Scans.TINY.scanBytes(input, seed.name());
    Scans.assertWithinTinyLimits(r, seed + " after " + mutations + ": " + Hex.dump(input));
  }

  /** Streams are spooled, byte arrays wrapped: the same content must give the same result either way. */
  @Property(tries = 100)
  void aStreamAndTheSameBytesGiveTheSameResult(
      @ForAll("seed") Seed seed, @ForAll("mutations") List<Mutation> mutations) {
    byte[] input = Mutation.applyAll(seed.bytes(), mutations);
    FileResult bytes = Scans.DEFAULT.scanBytes(input, seed.name());
    FileResult stream = Scans.DEFAULT.scanStream(new java.io.ByteArrayInputStream(input), seed.name());
    org.assertj.core.api.Assertions.assertThat(stream).as("%s after %s", seed, mutations).isEqualTo(bytes);
  }

  /** The seeds themselves: real fixtures under tiny limits must hit limits cleanly, never crash. */
  @Example
  void unmutatedSeedsGiveASaneResultUnderBothLimits() {
    for (Seed seed : Seeds.all()) {
      Scans.assertWithinTinyLimits(Scans.TINY.scanBytes(seed.bytes(), seed.name()), seed + " (tiny limits)");
      Scans.assertSane(Scans.DEFAULT.scanBytes(seed.bytes(), seed.name()), seed.toString());
    }
  }
}
