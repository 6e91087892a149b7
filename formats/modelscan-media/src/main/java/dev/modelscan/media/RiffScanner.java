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
 * RIFF files: WebP images (and WAV, AVI and the other RIFF forms), walked chunk by chunk within the size the RIFF
 * header declares (chunks padded to even lengths, as the RIFF and WebP container specifications say). Whatever follows
 * the declared RIFF size is reported and scanned as content of its own.
 */
@AutoService(ModelScanner.class)
public final class RiffScanner extends MediaScanner {

  /** The format id of WebP images. */
  public static final String WEBP = "webp";

  /** The format id of other RIFF forms. */
  public static final String RIFF = "riff";

  private static final ScannerDescriptor DESCRIPTOR =
      ScannerDescriptor.of(
          "riff", ModelScanVersion.current(),
          "RIFF containers (WebP, WAV, AVI) walked chunk by chunk; appended data is scanned.",
          List.of(WEBP, RIFF), List.of("webp", "wav", "avi"));

  /** Creates the scanner. */
  public RiffScanner() {
    super(DESCRIPTOR, List.of(MediaRules.APPENDED_DATA, StandardRules.MALFORMED_CONTENT));
  }

  @Override
  public Recognition recognize(ContentHead head) {
    if (!head.startsWith((byte) 'R', (byte) 'I', (byte) 'F', (byte) 'F') || head.headLength() < 12) {
      return Recognition.none();
    }
    if (head.startsWith(8, (byte) 'W', (byte) 'E', (byte) 'B', (byte) 'P')) {
      return Recognition.of(WEBP, Recognition.CERTAIN);
    }
    for (int i = 8; i < 12; i++) {
      if (!isFourCc(head.headByte(i))) {
        return Recognition.none();
      }
    }
    return Recognition.of(RIFF, Recognition.STRONG);
  }

  private static boolean isFourCc(int b) {
    return b >= 0x20 && b < 0x7F;
  }

  @Override
  public void scan(ScanContext context) throws IOException {
    Cursor c = new Cursor(context.source(), 4);
    long declared = c.u32le("the RIFF size");
    long end = 8 + declared + (declared & 1);
    if (end > c.size() && 8 + declared <= c.size()) {
      end = 8 + declared; // a missing final pad byte: readers accept it
    }
    if (end > c.size()) {
      throw new MalformedContentException(4, "the RIFF size " + declared + " runs past the end of the file");
    }
    c.skip(4, "the RIFF form type");
    while (c.position() < end) {
      context.checkDeadline();
      long at = c.position();
      for (int i = 0; i < 4; i++) {
        if (!isFourCc(c.u8("a chunk id"))) {
          throw new MalformedContentException(at, "chunk id is not four printable characters");
        }
      }
      long size = c.u32le("a chunk size");
      long next = c.position() + size + (size & 1);
      if (next > end && c.position() + size == end) {
        next = end; // the last chunk without its pad byte
      }
      if (next > end) {
        throw new MalformedContentException(at, "chunk of " + size + " bytes runs past the RIFF size");
      }
      c.seek(next);
    }
    Trailing.check(context, end, "RIFF");
  }
}
