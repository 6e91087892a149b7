package dev.modelscan.api.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Utf8Test {

  private static byte[] bytes(int... v) {
    byte[] b = new byte[v.length];
    for (int i = 0; i < v.length; i++) {
      b[i] = (byte) v[i];
    }
    return b;
  }

  /** The JDK's decoder with REPORT is strict in the same way (Table 3-7); the reference for the sweeps below. */
  private static boolean jdkValid(byte[] b) {
    try {
      StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private static boolean streamValid(byte[] b) {
    Utf8.Validator v = new Utf8.Validator();
    for (byte x : b) {
      if (!v.accept(x & 0xFF)) {
        return false;
      }
    }
    return v.complete();
  }

  @Test
  void wellFormedTextOfEveryLength() {
    byte[] b = "a\u00e9\u20ac\ud83d\ude00".getBytes(StandardCharsets.UTF_8);
    assertThat(Utf8.isValid(b)).isTrue();
    assertThat(streamValid(b)).isTrue();
    assertThat(Utf8.sequenceLength(b, 0, b.length)).isEqualTo(1);
    assertThat(Utf8.sequenceLength(b, 1, b.length)).isEqualTo(2);
    assertThat(Utf8.sequenceLength(b, 3, b.length)).isEqualTo(3);
    assertThat(Utf8.sequenceLength(b, 6, b.length)).isEqualTo(4);
    assertThat(Utf8.decodeOrNull(b)).isEqualTo("a\u00e9\u20ac\ud83d\ude00");
    assertThat(Utf8.isValid(new byte[0])).isTrue();
  }

  @Test
  void overlongFormsAreRefused() {
    // '/' as two, three and four bytes: the classic path-traversal disguise.
    for (byte[] b : new byte[][] {bytes(0xC0, 0xAF), bytes(0xE0, 0x80, 0xAF), bytes(0xF0, 0x80, 0x80, 0xAF),
        bytes(0xC1, 0xBF), bytes(0xE0, 0x9F, 0xBF), bytes(0xF0, 0x8F, 0xBF, 0xBF)}) {
      assertThat(Utf8.isValid(b)).as("%s", java.util.Arrays.toString(b)).isFalse();
      assertThat(streamValid(b)).isFalse();
      assertThat(Utf8.firstInvalid(b, 0, b.length)).isZero();
      assertThat(Utf8.decodeOrNull(b)).isNull();
    }
    // The smallest non-overlong forms are fine.
    assertThat(Utf8.isValid(bytes(0xC2, 0x80, 0xE0, 0xA0, 0x80, 0xF0, 0x90, 0x80, 0x80))).isTrue();
  }

  @Test
  void surrogatesAndCodePointsAboveTheRangeAreRefused() {
    assertThat(Utf8.isValid(bytes(0xED, 0xA0, 0x80))).isFalse(); // U+D800
    assertThat(Utf8.isValid(bytes(0xED, 0xBF, 0xBF))).isFalse(); // U+DFFF
    assertThat(Utf8.isValid(bytes(0xED, 0x9F, 0xBF))).isTrue(); // U+D7FF
    assertThat(Utf8.isValid(bytes(0xF4, 0x8F, 0xBF, 0xBF))).isTrue(); // U+10FFFF
    assertThat(Utf8.isValid(bytes(0xF4, 0x90, 0x80, 0x80))).isFalse(); // U+110000
    assertThat(Utf8.isValid(bytes(0xF5, 0x80, 0x80, 0x80))).isFalse();
    assertThat(Utf8.isValid(bytes(0xFF))).isFalse();
    assertThat(streamValid(bytes(0xED, 0xA0, 0x80))).isFalse();
  }

  @Test
  void truncatedSequencesAreTellApartFromBadOnes() {
    byte[] cut = bytes('a', 0xE2, 0x82);
    assertThat(Utf8.sequenceLength(cut, 1, cut.length)).isEqualTo(-1);
    assertThat(Utf8.firstInvalid(cut, 0, cut.length)).isEqualTo(1);
    assertThat(Utf8.isValid(cut)).isFalse();
    assertThat(streamValid(cut)).isFalse();
    // Completed by the next byte, the same start is well-formed; a wrong next byte makes it bad, not cut.
    assertThat(Utf8.sequenceLength(bytes(0xE2, 0x82, 0xAC), 0, 3)).isEqualTo(3);
    assertThat(Utf8.sequenceLength(bytes(0xE2, 0x82, 0x41), 0, 3)).isEqualTo(0);
    // The range end cuts, not the array end.
    assertThat(Utf8.sequenceLength(bytes(0xE2, 0x82, 0xAC), 0, 2)).isEqualTo(-1);
    assertThat(Utf8.isValid(bytes(0xE2, 0x82, 0xAC), 0, 2)).isFalse();
    assertThat(Utf8.isValid(bytes(0x80))).isFalse(); // a lone continuation byte
    assertThatThrownBy(() -> Utf8.isValid(new byte[2], 0, 3)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void agreesWithTheJdkDecoderOnEveryTwoByteStringAndOnRandomOnes() {
    for (int a = 0; a < 256; a++) {
      for (int c = 0; c < 256; c++) {
        byte[] b = bytes(a, c);
        assertThat(Utf8.isValid(b)).as("%02x %02x", a, c).isEqualTo(jdkValid(b));
        assertThat(streamValid(b)).as("%02x %02x", a, c).isEqualTo(jdkValid(b));
      }
    }
    long seed = 20261205L;
    Random r = new Random(seed);
    for (int n = 0; n < 20_000; n++) {
      byte[] b = new byte[1 + r.nextInt(6)];
      for (int i = 0; i < b.length; i++) {
        // Mostly lead and continuation bytes, where the cases are.
        b[i] = (byte) (r.nextInt(4) == 0 ? r.nextInt(256) : 0x80 + r.nextInt(0x78));
      }
      assertThat(Utf8.isValid(b)).as("seed %d case %d %s", seed, n, java.util.Arrays.toString(b))
          .isEqualTo(jdkValid(b));
      assertThat(streamValid(b)).as("seed %d case %d", seed, n).isEqualTo(jdkValid(b));
    }
  }
}
