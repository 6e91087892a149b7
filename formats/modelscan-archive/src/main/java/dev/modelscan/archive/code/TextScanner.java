package dev.modelscan.archive.code;

import com.google.auto.service.AutoService;
import dev.modelscan.api.ModelScanVersion;
import dev.modelscan.api.io.ByteSource;
import dev.modelscan.api.io.Utf8;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.api.spi.Recognition;
import dev.modelscan.api.spi.ScanContext;
import dev.modelscan.api.spi.ScannerDescriptor;
import java.io.IOException;
import java.util.List;

/**
 * Claims plain text (UTF-8 or ASCII without NUL and with few control characters) at {@link Recognition#WEAK}
 * confidence, so that the text files every model archive carries (a PyTorch checkpoint's {@code version} and {@code
 * byteorder}, tokenizer vocabularies, READMEs) count as seen instead of making every archive partial.
 *
 * <p>Every format that is also text and can carry code (protocol-0 pickles, scripts with a shebang, Keras JSON) is
 * claimed with a higher confidence by its own scanner, so this one only gets what nothing else recognises. The scan
 * reads the whole content and marks it partial if binary bytes follow the text head: a text head is no excuse to
 * leave a binary tail unseen.
 */
@AutoService(ModelScanner.class)
public final class TextScanner implements ModelScanner {

  /** The format id. */
  public static final String FORMAT = "text";

  private static final ScannerDescriptor DESCRIPTOR =
      ScannerDescriptor.of(
          "text",
          ModelScanVersion.current(),
          "Plain text that loaders read as data (version files, vocabularies); claimed only when nothing else is.",
          List.of(FORMAT),
          List.of("txt", "md"));

  /** Creates the scanner. */
  public TextScanner() {}

  @Override
  public ScannerDescriptor descriptor() {
    return DESCRIPTOR;
  }

  @Override
  public Recognition recognize(ContentHead head) {
    int n = head.headLength();
    if (n == 0) {
      return Recognition.none();
    }
    byte[] bytes = new byte[n];
    head.head().get(bytes);
    return firstBinaryOffset(bytes, n, !head.isComplete()) < 0
        ? Recognition.of(FORMAT, Recognition.WEAK)
        : Recognition.none();
  }

  @Override
  public void scan(ScanContext context) throws IOException {
    ByteSource source = context.source();
    long size = source.size();
    // Sized to the content: most text members are a few bytes (a checkpoint's version file).
    byte[] buffer = new byte[(int) Math.max(4, Math.min(64 * 1024, size))];
    long pos = 0;
    while (pos < size) {
      context.checkDeadline();
      int n = source.read(pos, buffer, 0, (int) Math.min(buffer.length, size - pos));
      if (n <= 0) {
        break;
      }
      boolean more = pos + n < size;
      int bad = firstBinaryOffset(buffer, n, more);
      if (bad >= 0) {
        context.markPartial(
            "binary content at offset " + (pos + bad) + " after text; no scanner recognised it as a format");
        return;
      }
      // A multi-byte character cut by the chunk boundary is read again at the start of the next chunk.
      int advance = n - trailingIncomplete(buffer, n, more);
      pos += advance > 0 ? advance : n;
    }
  }

  /**
   * The offset of the first byte that makes the content binary, or -1 when it is text: NUL and C0 controls other than
   * tab, newline, carriage return, form feed and escape, or bytes that are not well-formed UTF-8. A UTF-8 sequence cut
   * off at the end is accepted when {@code truncated} says more content follows.
   */
  static int firstBinaryOffset(byte[] b, int n, boolean truncated) {
    int i = 0;
    while (i < n) {
      int c = b[i] & 0xFF;
      if (c < 0x80) {
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != 0x1B) {
          return i;
        }
        if (c == 0x7F) {
          return i;
        }
        i++;
        continue;
      }
      int len = Utf8.sequenceLength(b, i, n);
      if (len <= 0) {
        return len < 0 && truncated ? -1 : i;
      }
      i += len;
    }
    return -1;
  }


  private static int trailingIncomplete(byte[] b, int n, boolean more) {
    if (!more) {
      return 0;
    }
    for (int back = 1; back <= 3 && back <= n; back++) {
      int c = b[n - back] & 0xFF;
      if ((c & 0xC0) != 0x80) {
        int len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        return len > back ? back : 0;
      }
    }
    return 0;
  }
}
