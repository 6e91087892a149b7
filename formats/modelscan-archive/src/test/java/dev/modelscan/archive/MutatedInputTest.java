package dev.modelscan.archive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.archive.code.ExecutableScanner;
import dev.modelscan.testkit.RecordingScanContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile input is the normal case: every fixture, with bytes flipped, runs cut short or headers overwritten, must
 * leave each scanner that still claims it with a result (findings and a status), never an exception or a hang.
 * Seeded, so a failure reproduces.
 */
class MutatedInputTest {

  private static final String[] FIXTURES = {
    "zip/torch_state_dict.pt", "zip/torchscript.pt", "zip/prepended_pickle.pt", "zip/data_descriptors.zip",
    "zip/zip64_extra.zip", "zip/methods.zip", "zip/deflate64.zip", "zip/local_only_member.zip",
    "zip/arrays_compressed.npz", "tar/basic.tar", "tar/pax_longname.tar", "tar/gnu_longname.tar",
    "tar/links_and_traversal.tar", "compressed/payload.pkl.gz", "compressed/payload.pkl.bz2",
    "compressed/payload.pkl.xz", "compressed/payload.pkl.lzma", "compressed/payload.pkl.lz4",
    "compressed/payload.pkl.zlib", "compressed/old_joblib.zfile", "7z/payload.7z", "7z/two_files.7z"
  };

  private static final List<ModelScanner> SCANNERS =
      List.of(
          new ZipScanner(), new TarScanner(), new CompressedStreamScanner(), new SevenZipScanner(),
          new ExecutableScanner());

  static Stream<Arguments> fixtures() {
    return Stream.of(FIXTURES).map(Arguments::of);
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void mutatedFixturesNeverBreakAScanner(String fixture) {
    byte[] original = Fixtures.bytes(fixture);
    Random random = new Random(fixture.hashCode());
    ScanSettings settings = Fixtures.limits(l -> l.maxMemberBytes(1 << 20).maxArchiveMembers(200));
    List<String> failures = new ArrayList<>();
    for (int round = 0; round < 150; round++) {
      byte[] mutated = mutate(original, random);
      for (ModelScanner scanner : SCANNERS) {
        if (!scanner.recognize(ContentHead.ofBytes(mutated, fixture)).recognised()) {
          continue;
        }
        try {
          RecordingScanContext ctx = RecordingScanContext.scan(scanner, mutated, fixture, settings);
          assertThat(ctx.status()).isNotNull();
        } catch (RuntimeException e) {
          failures.add(scanner.descriptor().name() + " round " + round + ": " + e);
        }
      }
    }
    assertThat(failures).isEmpty();
  }

  private static byte[] mutate(byte[] original, Random random) {
    byte[] b = original.clone();
    switch (random.nextInt(4)) {
      case 0 -> {
        for (int i = 0; i < 1 + random.nextInt(8); i++) {
          b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
        }
      }
      case 1 -> b = java.util.Arrays.copyOf(b, random.nextInt(b.length));
      case 2 -> {
        // Overwrite a run with 0xFF: sizes, counts and offsets become huge.
        int at = random.nextInt(b.length);
        for (int i = at; i < Math.min(b.length, at + 1 + random.nextInt(8)); i++) {
          b[i] = (byte) 0xFF;
        }
      }
      default -> {
        int at = random.nextInt(b.length);
        for (int i = at; i < Math.min(b.length, at + 1 + random.nextInt(8)); i++) {
          b[i] = 0;
        }
      }
    }
    return b;
  }
}
