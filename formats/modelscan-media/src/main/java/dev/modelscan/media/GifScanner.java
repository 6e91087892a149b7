package dev.modelscan.media;

import com.google.auto.service.AutoService;
import dev.modelscan.api.MalformedContentException;
import dev.modelscan.api.ModelScanVersion;
import dev.modelscan.api.StandardRules;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.api.spi.Recognition;
import dev.modelscan.api.spi.ScanContext;
import dev.modelscan.api.spi.ScannerDescriptor;
import java.io.IOException;
import java.util.List;

/**
 * GIF images (87a and 89a), walked block by block to the trailer ({@code 0x3B}): the logical screen, colour tables,
 * image descriptors and extensions with their data sub-blocks, as the GIF89a specification lays them out. Whatever
 * follows the trailer is reported and scanned as content of its own.
 */
@AutoService(ModelScanner.class)
public final class GifScanner extends MediaScanner {

  /** The format id. */
  public static final String FORMAT = "gif";

  private static final ScannerDescriptor DESCRIPTOR =
      ScannerDescriptor.of(
          "gif", ModelScanVersion.current(),
          "GIF images walked block by block to the trailer; appended data is scanned.",
          List.of(FORMAT), List.of("gif"));

  /** Creates the scanner. */
  public GifScanner() {
    super(DESCRIPTOR, List.of(MediaRules.APPENDED_DATA, StandardRules.MALFORMED_CONTENT));
  }

  @Override
  public Recognition recognize(ContentHead head) {
    boolean gif = head.startsWith((byte) 'G', (byte) 'I', (byte) 'F', (byte) '8')
        && (head.startsWith(4, (byte) '7', (byte) 'a') || head.startsWith(4, (byte) '9', (byte) 'a'));
    return gif ? Recognition.of(FORMAT, Recognition.CERTAIN) : Recognition.none();
  }

  @Override
  public void scan(ScanContext context) throws IOException {
    Cursor c = new Cursor(context.source(), 6);
    c.skip(4, "the logical screen size");
    int flags = c.u8("the logical screen flags");
    c.skip(2, "the logical screen descriptor");
    if ((flags & 0x80) != 0) {
      c.skip(3L << ((flags & 7) + 1), "the global colour table");
    }
    while (true) {
      context.checkDeadline();
      long at = c.position();
      int introducer = c.u8("a block introducer");
      switch (introducer) {
        case 0x3B:
          Trailing.check(context, c.position(), "trailer");
          return;
        case 0x21:
          c.u8("an extension label");
          subBlocks(context, c);
          break;
        case 0x2C:
          c.skip(8, "an image descriptor");
          int imageFlags = c.u8("an image descriptor");
          if ((imageFlags & 0x80) != 0) {
            c.skip(3L << ((imageFlags & 7) + 1), "a local colour table");
          }
          int codeSize = c.u8("the LZW minimum code size");
          if (codeSize < 1 || codeSize > 11) {
            throw new MalformedContentException(c.position() - 1, "LZW minimum code size " + codeSize);
          }
          subBlocks(context, c);
          break;
        default:
          throw new MalformedContentException(at, String.format("unknown block introducer 0x%02X", introducer));
      }
    }
  }

  private static void subBlocks(ScanContext context, Cursor c) throws IOException {
    while (true) {
      int n = c.u8("a data sub-block size");
      if (n == 0) {
        return;
      }
      c.skip(n, "a data sub-block");
      if ((c.position() & 0xFFFF) < 256) {
        context.checkDeadline();
      }
    }
  }
}
