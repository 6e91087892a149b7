package dev.modelscan.flax;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.Finding;
import dev.modelscan.api.ScanLimits;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.StandardRules;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.Recognition;
import dev.modelscan.testkit.RecordingScanContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FlaxMsgpackScannerTest {
  private final FlaxMsgpackScanner scanner = new FlaxMsgpackScanner();

  static byte[] fixture(String name) {
    try (InputStream in = FlaxMsgpackScannerTest.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing fixture " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new IllegalStateException("not found: " + new String(needle, StandardCharsets.ISO_8859_1));
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  // A tiny msgpack encoder, enough for the shapes flax writes.

  static byte[] cat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  static byte[] str(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return b.length < 32 ? cat(new byte[] {(byte) (0xa0 | b.length)}, b)
        : cat(new byte[] {(byte) 0xda, (byte) (b.length >> 8), (byte) b.length}, b);
  }

  /** A map of one str key. */
  static byte[] map1(String key, byte[] value) {
    return cat(new byte[] {(byte) 0x81}, str(key), value);
  }

  /** Ext (ext16 header) of the given type. */
  static byte[] ext(int type, byte[] payload) {
    return cat(new byte[] {(byte) 0xc8, (byte) (payload.length >> 8), (byte) payload.length, (byte) type}, payload);
  }

  /** flax's (shape, dtype name, buffer) triple with small dims and a zero buffer of bufLen bytes (bin16). */
  static byte[] ndarray(int[] shape, String dtype, int bufLen) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x93);
    out.write(0x90 | shape.length);
    for (int d : shape) {
      out.write(d);
    }
    out.writeBytes(str(dtype));
    out.writeBytes(new byte[] {(byte) 0xc5, (byte) (bufLen >> 8), (byte) bufLen});
    out.writeBytes(new byte[bufLen]);
    return out.toByteArray();
  }

  /** A map of a well-formed int8 array under "w" (what makes the content a checkpoint) and one more entry. */
  static byte[] withArray(byte[] rawKey, byte[] value) {
    return cat(new byte[] {(byte) 0x82}, str("w"), ext(1, ndarray(new int[] {2}, "int8", 2)), rawKey, value);
  }

  /** {"params": {"w": ext 1 of an object array}}. */
  static byte[] objectDtype() {
    return map1("params", map1("w", ext(1, ndarray(new int[] {2}, "object", 16))));
  }

  /** The clean fixture with a nil after the top-level map. */
  static byte[] trailing() {
    byte[] clean = fixture("clean.msgpack");
    byte[] out = Arrays.copyOf(clean, clean.length + 1);
    out[clean.length] = (byte) 0xc0;
    return out;
  }

  private RecordingScanContext scan(byte[] content) {
    return RecordingScanContext.scan(scanner, content, "flax_model.msgpack");
  }

  private RecordingScanContext scan(byte[] content, ScanLimits limits) {
    return RecordingScanContext.scan(
        scanner, content, "flax_model.msgpack", ScanSettings.builder().limits(limits).build());
  }

  private static void assertMalformed(RecordingScanContext ctx, String detail) {
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(ctx.findings()).extracting(Finding::ruleId).containsExactly(StandardRules.MALFORMED_CONTENT.id());
    assertThat(ctx.findings().get(0).message()).contains(detail);
  }

  @ParameterizedTest
  @ValueSource(strings = {"clean.msgpack", "scalars.msgpack", "chunked.msgpack"})
  void fixturesAreCompleteWithoutFindings(String name) {
    RecordingScanContext ctx = scan(fixture(name));
    assertThat(ctx.findings()).isEmpty();
    assertThat(ctx.partialReasons()).isEmpty();
    assertThat(ctx.status()).isEqualTo(ScanStatus.COMPLETE);
  }

  @ParameterizedTest
  @ValueSource(strings = {"flax_model.msgpack", "weights.bin", "noext", ""})
  void fixturesAreRecognisedStronglyByContentUnderAnyName(String name) {
    for (String fixture : new String[] {"clean.msgpack", "scalars.msgpack", "chunked.msgpack"}) {
      Recognition r = scanner.recognize(ContentHead.ofBytes(fixture(fixture), name));
      assertThat(r.format()).as(fixture).isEqualTo("flax-msgpack");
      assertThat(r.confidence()).as(fixture).isEqualTo(Recognition.STRONG);
    }
  }

  @Test
  void aLargeArrayRunningPastTheHeadIsStillRecognised() {
    byte[] big = map1("params", map1("kernel", ext(1, ndarray(new int[] {100, 100}, "float32", 40_000))));
    ContentHead head = ContentHead.ofBytes(big, "x.bin");
    assertThat(head.isComplete()).isFalse();
    assertThat(scanner.recognize(head).confidence()).isEqualTo(Recognition.STRONG);
    assertThat(scan(big).status()).isEqualTo(ScanStatus.COMPLETE);
  }

  @Test
  void theNameOnlyRaisesABorderlineHead() {
    // A first key longer than the head: nothing but a map and a str is seen.
    byte[] longKey = map1("k".repeat(10_000), ext(1, ndarray(new int[] {1}, "float32", 4)));
    assertThat(scanner.recognize(ContentHead.ofBytes(longKey, "flax_model.msgpack")).confidence())
        .isEqualTo(Recognition.PROBABLE);
    assertThat(scanner.recognize(ContentHead.ofBytes(longKey, "x.bin")).recognised()).isFalse();
    // A whole msgpack map without any array is not a checkpoint, whatever its name.
    assertThat(scanner.recognize(ContentHead.ofBytes(map1("a", new byte[] {1}), "flax_model.msgpack"))
        .recognised()).isFalse();
  }

  @Test
  void otherFormatsAreNotClaimed() {
    assertNotClaimed(ascii("hello world, this is plain text\n"));
    assertNotClaimed(ascii("{\"params\": {\"kernel\": [1, 2, 3]}}"));
    assertNotClaimed(new byte[] {'P', 'K', 3, 4, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
    // Pickle protocol 4: PROTO (0x80 = an empty fixmap) 4, FRAME, EMPTY_DICT, STOP.
    assertNotClaimed(new byte[] {(byte) 0x80, 4, (byte) 0x95, 2, 0, 0, 0, 0, 0, 0, 0, '}', '.'});
    // Protobuf (a SentencePiece ModelProto starts with field 1 LEN: a piece).
    assertNotClaimed(new byte[] {0x0a, 0x0b, 0x0a, 5, '<', 'u', 'n', 'k', '>', 0x15, 0, 0, 0, 0, 0x18, 2});
    // safetensors whose header length byte 0x88 reads as a fixmap of 8 entries.
    byte[] json = ascii("{\"__metadata__\":{\"format\":\"pt\"}}" + " ".repeat(136 - 33));
    byte[] st = cat(new byte[] {(byte) 0x88, 0, 0, 0, 0, 0, 0, 0}, json);
    assertNotClaimed(st);
    assertNotClaimed(cat(ascii("GGUF"), new byte[] {3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
    Random random = new Random(42);
    for (int i = 0; i < 2000; i++) {
      byte[] b = new byte[1 + random.nextInt(600)];
      random.nextBytes(b);
      if (i % 2 == 0) {
        b[0] = (byte) (0x81 + random.nextInt(15)); // a map start: the rest must still fail
      }
      assertNotClaimed(b);
    }
  }

  private void assertNotClaimed(byte[] content) {
    for (String name : new String[] {"flax_model.msgpack", "x.bin"}) {
      assertThat(scanner.recognize(ContentHead.ofBytes(content, name)).recognised())
          .as("claim on %s named %s", Arrays.toString(Arrays.copyOf(content, Math.min(16, content.length))), name)
          .isFalse();
    }
  }

  @Test
  void truncatedContentIsMalformed() {
    byte[] clean = fixture("clean.msgpack");
    assertMalformed(scan(Arrays.copyOf(clean, clean.length - 12)), "bytes");
  }

  @Test
  void anUnknownDtypeIsMalformed() {
    byte[] b = fixture("clean.msgpack");
    int at = indexOf(b, ascii("float32"));
    b[at + 6] = '1';
    assertMalformed(scan(b), "dtype \"float31\"");
  }

  @Test
  void anObjectDtypeIsMalformed() {
    assertMalformed(scan(objectDtype()), "has dtype object");
  }

  @Test
  void aBufferThatDoesNotMatchTheShapeIsMalformed() {
    byte[] b = fixture("clean.msgpack");
    // The first kernel is (4, 8) float32: 128 bytes. Declare (4, 7).
    int at = indexOf(b, new byte[] {(byte) 0x93, (byte) 0x92, 4, 8});
    b[at + 3] = 7;
    assertMalformed(scan(b), "buffer of 128 bytes; its shape and float32 need 112");
  }

  @Test
  void aShapeOverflowingSixtyFourBitsIsMalformed() {
    byte[] payload = cat(new byte[] {(byte) 0x93, (byte) 0x92,
        (byte) 0xcf, 0x7f, -1, -1, -1, -1, -1, -1, -1, (byte) 0xcf, 0x7f, -1, -1, -1, -1, -1, -1, -1},
        str("float32"), new byte[] {(byte) 0xc4, 0});
    assertMalformed(scan(withArray(str("v"), ext(1, payload))), "overflows 64 bits");
  }

  @Test
  void aNegativeDimensionIsMalformed() {
    byte[] payload = cat(new byte[] {(byte) 0x93, (byte) 0x91, (byte) 0xff}, str("int8"), new byte[] {(byte) 0xc4, 0});
    assertMalformed(scan(withArray(str("v"), ext(1, payload))), "negative dimension");
  }

  @Test
  void trailingDataIsMalformed() {
    assertMalformed(scan(trailing()), "1 bytes after the checkpoint");
  }

  @Test
  void aNonStrKeyIsMalformed() {
    byte[] intKey = withArray(new byte[] {7}, new byte[] {2});
    assertMalformed(scan(intKey), "not a str");
  }

  @Test
  void aRepeatedKeyIsMalformed() {
    byte[] repeated = withArray(str("w"), ext(1, ndarray(new int[] {1}, "int8", 1)));
    assertMalformed(scan(repeated), "map key \"w\" is repeated");
  }

  @Test
  void anExtTypeFlaxDoesNotWriteIsMalformed() {
    byte[] b = fixture("clean.msgpack");
    // The first bias, (8,) float32, after the first kernel: the kernel keeps the content a checkpoint.
    int at = indexOf(b, new byte[] {(byte) 0x93, (byte) 0x91, 8});
    assertThat(b[at - 1]).isEqualTo((byte) 1);
    b[at - 1] = 4;
    assertMalformed(scan(b), "ext type 4");
  }

  @Test
  void extraBytesInsideAnExtPayloadAreMalformed() {
    byte[] payload = cat(ndarray(new int[] {1}, "int8", 1), new byte[] {(byte) 0xc0});
    assertMalformed(scan(withArray(str("v"), ext(1, payload))), "bytes after the value inside ext type 1");
  }

  @Test
  void aComplexExtIsChecked() {
    byte[] ok = withArray(str("c"), ext(2, new byte[] {(byte) 0x92, (byte) 0xcb, 0, 0, 0, 0, 0, 0, 0, 0, 3}));
    RecordingScanContext clean = scan(ok);
    assertThat(clean.findings()).isEmpty();
    assertThat(clean.status()).isEqualTo(ScanStatus.COMPLETE);
    byte[] bad = withArray(str("c"), ext(2, cat(new byte[] {(byte) 0x92, 1}, str("x"))));
    assertMalformed(scan(bad), "no number");
  }

  @Test
  void aLyingCountIsFoundBeforeAnyLoop() {
    assertMalformed(scan(withArray(str("a"), new byte[] {(byte) 0xdf, -1, -1, -1, -1, (byte) 0xa1, 'a', 1})),
        "a count of 4294967295 elements in 3 remaining bytes");
    assertMalformed(scan(withArray(str("a"), new byte[] {(byte) 0xdd, 0x7f, -1, -1, -1})), "elements in 0 remaining");
  }

  @Test
  void malformedUtf8InAKeyIsMalformed() {
    assertMalformed(scan(withArray(new byte[] {(byte) 0xa2, (byte) 0xc0, (byte) 0x80}, new byte[] {1})), "UTF-8");
  }

  @Test
  void findingsBeforeAMalformedValueAreKept() {
    // A key over the string limit is recorded, then an object dtype further on is still found.
    RecordingScanContext ctx = scan(objectDtype(), ScanLimits.builder().maxStringBytes(4).build());
    assertThat(ctx.findings()).extracting(Finding::ruleId)
        .containsExactly(StandardRules.LIMIT_REACHED.id(), StandardRules.MALFORMED_CONTENT.id());
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
  }

  @Test
  void nestingOverTheDepthLimitIsPartial() {
    RecordingScanContext ctx = scan(fixture("clean.msgpack"), ScanLimits.builder().maxJsonDepth(2).build());
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(ctx.partialReasons()).anyMatch(r -> r.contains("maxJsonDepth"));
    byte[] deep = new byte[] {1};
    for (int i = 0; i < 300; i++) {
      deep = map1("a", deep);
    }
    RecordingScanContext ctx2 = scan(withArray(str("d"), deep));
    assertThat(ctx2.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(ctx2.partialReasons()).anyMatch(r -> r.contains("maxJsonDepth"));
  }

  @Test
  void stringsOverTheLimitAreRecordedAndTheWalkGoesOn() {
    RecordingScanContext ctx = scan(fixture("clean.msgpack"), ScanLimits.builder().maxStringBytes(4).build());
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(ctx.partialReasons()).anyMatch(r -> r.contains("maxStringBytes"));
    assertThat(ctx.findings()).extracting(Finding::ruleId).contains(StandardRules.LIMIT_REACHED.id())
        .doesNotContain(StandardRules.MALFORMED_CONTENT.id());
  }

  @Test
  void deadlineIsCheckedWhileWalking() {
    ScanLimits expired = ScanLimits.builder().scanTimeout(Duration.ofNanos(1)).build();
    RecordingScanContext ctx = scan(fixture("clean.msgpack"), expired);
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(ctx.partialReasons()).anyMatch(r -> r.contains("scanTimeout"));
  }
}
