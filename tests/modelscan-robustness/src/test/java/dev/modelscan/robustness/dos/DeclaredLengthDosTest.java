package dev.modelscan.robustness.dos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.FileResult;
import dev.modelscan.api.Severity;
import dev.modelscan.robustness.Pickles;
import dev.modelscan.robustness.RequiresScanner;
import dev.modelscan.robustness.Scans;
import dev.modelscan.robustness.ZipBytes;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Length fields that claim far more than the file holds: a parser that allocates what it is told fails with
 * OutOfMemoryError under the 128 MiB heap (the engine would record it as a scanner error, which the assertions
 * reject); one that trusts it for a loop runs forever (the timeout).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
class DeclaredLengthDosTest {

  private static final long TWO_TO_62 = 1L << 62;

  private static byte[] le8(long v) {
    return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
  }

  @Test
  @RequiresScanner("safetensors")
  void aSafeTensorsHeaderClaimingTwoToThe62BytesIsRefused() {
    byte[] tail = "{\"a\":{}}".getBytes(StandardCharsets.US_ASCII);
    byte[] content = new byte[8 + tail.length];
    System.arraycopy(le8(TWO_TO_62), 0, content, 0, 8);
    System.arraycopy(tail, 0, content, 8, tail.length);
    FileResult r = Scans.DEFAULT.scanBytes(content, "model.safetensors");
    Dos.assertPartialWithFinding(r, "SafeTensors header length 2^62");
  }

  @Test
  @RequiresScanner("numpy")
  void aNumpyVersion2HeaderClaimingFourGibibytesIsRefused() {
    byte[] head = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0, (byte) 0xF0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
    byte[] dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }".getBytes(StandardCharsets.US_ASCII);
    byte[] content = new byte[head.length + dict.length];
    System.arraycopy(head, 0, content, 0, head.length);
    System.arraycopy(dict, 0, content, head.length, dict.length);
    FileResult r = Scans.DEFAULT.scanBytes(content, "x.npy");
    Dos.assertPartialWithFinding(r, "NumPy header length 0xFFFFFFF0");
  }

  /** BINBYTES8, BINUNICODE8, BYTEARRAY8 and FRAME with 2^62, LONG4 and BINUNICODE with 2^31 - 1 and 2^32 - 1. */
  @ParameterizedTest
  @ValueSource(strings = {"8e", "8d", "96", "95", "8b", "58", "42"})
  @RequiresScanner("pickle")
  void pickleOpcodesClaimingHugeLengthsAreRefused(String opcodeHex) {
    int opcode = Integer.parseInt(opcodeHex, 16);
    Pickles.Writer w = new Pickles.Writer().op(0x80).le(4, 1).op(opcode);
    if (opcode == 0x8e || opcode == 0x8d || opcode == 0x96 || opcode == 0x95) {
      w.le(TWO_TO_62, 8);
    } else if (opcode == 0x8b) {
      w.le(0x7FFF_FFFFL, 4);
    } else {
      w.le(0xFFFF_FFFFL, 4);
    }
    w.raw("just a few bytes".getBytes(StandardCharsets.US_ASCII));
    FileResult r = Scans.DEFAULT.scanBytes(w.program().bytes(), "model.pkl");
    Dos.assertPartialWithFinding(r, "pickle opcode 0x" + opcodeHex + " with a huge length");
  }

  /** The call before the huge length is still reported: findings made before an error are kept. */
  @Test
  @RequiresScanner("pickle")
  void aCallBeforeAHugeLengthIsStillFound() {
    byte[] call = Pickles.ascii("cos\nsystem\n(S'echo pwned'\ntR");
    Pickles.Writer w = new Pickles.Writer().op(0x80).le(4, 1).raw(call).op(0x8e).le(TWO_TO_62, 8).raw(new byte[16]);
    FileResult r = Scans.DEFAULT.scanBytes(w.program().bytes(), "model.pkl");
    Dos.assertPartialWithFinding(r, "call then BINBYTES8 2^62");
    assertThat(r.hasFindingAtLeast(Severity.HIGH)).as(Dos.describe(r)).isTrue();
  }

  /** A stored member whose sizes claim 0xFFFFFFFF bytes while five follow: its data runs past the end. */
  @Test
  @RequiresScanner("zip")
  void aZipMemberClaimingFourGibibytesStoredIsPartial() {
    byte[] data = "hello".getBytes(StandardCharsets.US_ASCII);
    ZipBytes z = new ZipBytes();
    z.local("a.txt", 0, 0x3610a686L, 0xFFFF_FFFEL, 0xFFFF_FFFEL, new byte[0], data);
    int cd = z.offset();
    z.central("a.txt", 0, 0x3610a686L, 0xFFFF_FFFEL, 0xFFFF_FFFEL, 0, new byte[0]);
    z.eocd(1, z.offset() - cd, cd);
    FileResult r = Scans.DEFAULT.scanBytes(z.bytes(), "claims.zip");
    Dos.assertPartialWithFinding(r, "zip member claiming 4 GiB");
  }

  /** ZIP64 sizes of one terabyte for a deflated member that inflates to five bytes. */
  @Test
  @RequiresScanner("zip")
  void zip64SizesClaimingATerabyteAreNotTrusted() {
    byte[] deflated = {(byte) 0xcb, 0x48, (byte) 0xcd, (byte) 0xc9, (byte) 0xc9, 0x07, 0x00}; // "hello"
    long tb = 1L << 40;
    ZipBytes z = new ZipBytes();
    z.local("a.txt", 8, 0x3610a686L, 0xFFFF_FFFFL, 0xFFFF_FFFFL, ZipBytes.zip64Sizes(tb, tb), deflated);
    int cd = z.offset();
    z.central("a.txt", 8, 0x3610a686L, 0xFFFF_FFFFL, 0xFFFF_FFFFL, 0, ZipBytes.zip64Sizes(tb, tb));
    z.eocd(1, z.offset() - cd, cd);
    FileResult r = Scans.DEFAULT.scanBytes(z.bytes(), "claims.zip");
    Dos.assertPartialWithFinding(r, "zip64 member claiming 1 TiB");
  }
}
