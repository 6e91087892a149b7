package dev.modelscan.archive.code;

import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.testkit.ScannerContractTest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/** The text scanner keeps the scanner contract that every scanner, ours and third parties', must keep. */
class TextScannerContractTest extends ScannerContractTest {

  @Override
  protected ModelScanner scanner() {
    return new TextScanner();
  }

  @Override
  protected List<Sample> samples() {
    return List.of(
        Sample.benign("archive/version", utf8("3\n")),
        Sample.benign("vocab.txt", utf8("[PAD]\n[UNK]\nhello\n\u00e9t\u00e9\n\u65e5\u672c\n\ud83d\ude00\n")),
        Sample.hostile("README.md", textHeadBinaryTail()));
  }

  /**
   * A text head longer than {@link ContentHead#HEAD_SIZE} hiding a binary tail: recognised as text from its head, it
   * must not come out complete, or anything could hide behind 8 KiB of text.
   */
  private static byte[] textHeadBinaryTail() {
    byte[] b = new byte[ContentHead.HEAD_SIZE + 100];
    Arrays.fill(b, (byte) 'a');
    b[ContentHead.HEAD_SIZE + 10] = 0;
    b[ContentHead.HEAD_SIZE + 11] = (byte) 0x80;
    return b;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
