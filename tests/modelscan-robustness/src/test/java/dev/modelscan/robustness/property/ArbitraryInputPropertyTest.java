package dev.modelscan.robustness.property;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.FileResult;
import dev.modelscan.robustness.Hex;
import dev.modelscan.robustness.Scans;
import dev.modelscan.testkit.SeededCases;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Any bytes at all, under any name, through the whole engine with every scanner on the class path: a result always
 * comes back and satisfies {@link Scans#assertSane}. Random bytes rarely reach a parser, so most tries start with a
 * real format's magic and continue with random bytes: that is where length fields and counts are attacker-chosen.
 */
class ArbitraryInputPropertyTest {

  /** Magic prefixes that make a scanner claim the content, so that its parser sees the random rest. */
  private static final List<byte[]> MAGICS =
      List.of(
          new byte[0],
          new byte[] {(byte) 0x80, 2},
          new byte[] {(byte) 0x80, 4, (byte) 0x95},
          new byte[] {'c', 'o', 's', '\n'},
          new byte[] {'P', 'K', 3, 4},
          new byte[] {'P', 'K', 5, 6},
          new byte[] {0x1f, (byte) 0x8b, 8, 0},
          new byte[] {'7', 'z', (byte) 0xBC, (byte) 0xAF, 0x27, 0x1C, 0, 4},
          new byte[] {(byte) 0xFD, '7', 'z', 'X', 'Z', 0},
          new byte[] {'B', 'Z', 'h', '9'},
          new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0},
          new byte[] {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'},
          new byte[] {'G', 'G', 'U', 'F', 3, 0, 0, 0},
          new byte[] {0x20, 0, 0, 0, 0, 0, 0, 0, '{', '"'},
          new byte[] {'{', '"', 'c', 'l', 'a', 's', 's', '_', 'n', 'a', 'm', 'e', '"', ':'},
          new byte[] {0x08, 0x07, 0x12, 0x04},
          new byte[] {0x1c, 0, 0, 0, 'T', 'F', 'L', '3'});

  private static final List<String> NAMES =
      List.of(
          "model.pkl", "model.pt", "weights.safetensors", "x.npy", "m.h5", "m.keras", "a.zip", "a.tar.gz", "a.7z",
          "config.json", "m.onnx", "m.gguf", "m.tflite", "saved_model.pb", "noext", "");

  /** A real format's magic followed by up to 2 KiB of random bytes. */
  private static byte[] hostile(SeededCases g) {
    return concat(g.pick(MAGICS), g.bytes(2048));
  }

  static LongStream anyCases() {
    return SeededCases.seeds("anyBytesGiveASaneResult", 300);
  }

  static LongStream prefixedCases() {
    return SeededCases.seeds("formatPrefixedRandomBytesGiveASaneResult", 400);
  }

  static LongStream tinyCases() {
    return SeededCases.seeds("tinyLimitsStillGiveASaneResult", 300);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("anyCases")
  void anyBytesGiveASaneResult(long seed) {
    SeededCases.check(
        seed,
        g -> {
          byte[] content = g.bytes(4096);
          String name = g.pick(NAMES);
          FileResult r = Scans.DEFAULT.scanBytes(content, name);
          Scans.assertSane(r, name + " " + Hex.dump(content));
          assertThat(r.size()).isEqualTo(content.length);
        });
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("prefixedCases")
  void formatPrefixedRandomBytesGiveASaneResult(long seed) {
    SeededCases.check(
        seed,
        g -> {
          byte[] content = hostile(g);
          String name = g.pick(NAMES);
          Scans.assertSane(Scans.DEFAULT.scanBytes(content, name), name + " " + Hex.dump(content));
        });
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("tinyCases")
  void tinyLimitsStillGiveASaneResult(long seed) {
    SeededCases.check(
        seed,
        g -> {
          byte[] content = hostile(g);
          String name = g.pick(NAMES);
          Scans.assertWithinTinyLimits(Scans.TINY.scanBytes(content, name), name + " " + Hex.dump(content));
        });
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
