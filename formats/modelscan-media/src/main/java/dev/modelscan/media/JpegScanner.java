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
 * JPEG images (JFIF, Exif), walked marker segment by marker segment to {@code EOI} as ITU-T T.81 annex B lays them
 * out: every segment's length is checked against the file, entropy-coded data after each {@code SOS} is walked byte
 * by byte (stuffed {@code FF 00} and restart markers inside it), the further pictures of a multi-picture (MPO) file
 * are walked the same way, and whatever follows the last {@code EOI} is reported and scanned as content of its own.
 */
@AutoService(ModelScanner.class)
public final class JpegScanner extends MediaScanner {

  /** The format id. */
  public static final String FORMAT = "jpeg";

  private static final int EOI = 0xD9;
  private static final int SOS = 0xDA;

  private static final ScannerDescriptor DESCRIPTOR =
      ScannerDescriptor.of(
          "jpeg", ModelScanVersion.current(), "JPEG images walked segment by segment to EOI; appended data is scanned.",
          List.of(FORMAT), List.of("jpg", "jpeg", "jpe", "jfif"));

  /** Creates the scanner. */
  public JpegScanner() {
    super(DESCRIPTOR, List.of(MediaRules.APPENDED_DATA, StandardRules.MALFORMED_CONTENT));
  }

  @Override
  public Recognition recognize(ContentHead head) {
    return head.startsWith((byte) 0xFF, (byte) 0xD8, (byte) 0xFF)
        ? Recognition.of(FORMAT, Recognition.CERTAIN)
        : Recognition.none();
  }

  @Override
  public void scan(ScanContext context) throws IOException {
    Cursor c = new Cursor(context.source(), 2);
    boolean multiPicture = image(context, c);
    // A multi-picture file (CIPA DC-007, "MPO": stereo pairs, phone depth maps) declares its further images in an
    // APP2 "MPF" segment and stores them one after another after the first EOI. They are walked like the first; what
    // follows the last of them is appended data like any other.
    int images = 1;
    while (multiPicture && c.remaining() >= 3 && startsImage(c)) {
      if (++images > MAX_IMAGES) {
        throw new MalformedContentException(c.position(), "more than " + MAX_IMAGES + " pictures in one file");
      }
      c.seek(c.position() + 2);
      image(context, c);
    }
    Trailing.check(context, c.position(), "EOI");
  }

  private static final int MAX_IMAGES = 64;

  private static boolean startsImage(Cursor c) throws IOException {
    long at = c.position();
    boolean soi = c.u8("a marker") == 0xFF && c.u8("a marker") == 0xD8 && c.u8("a marker") == 0xFF;
    c.seek(at);
    return soi;
  }

  /** Walks one image from after its SOI to after its EOI; returns whether it carries an MPF segment. */
  private static boolean image(ScanContext context, Cursor c) throws IOException {
    boolean mpf = false;
    while (true) {
      context.checkDeadline();
      long at = c.position();
      if (c.u8("a marker") != 0xFF) {
        throw new MalformedContentException(at, "expected a marker (0xFF) between segments");
      }
      int marker = c.u8("a marker");
      while (marker == 0xFF) {
        marker = c.u8("a marker"); // fill bytes before a marker (T.81 B.1.1.2)
      }
      if (marker == EOI) {
        return mpf;
      }
      if (marker >= 0xD0 && marker <= 0xD7 || marker == 0x01) {
        continue; // restart markers and TEM stand alone
      }
      if (marker == 0x00 || marker == 0xD8) {
        throw new MalformedContentException(at, String.format("marker 0x%02X where a segment must start", marker));
      }
      int length = c.u16be("a segment length");
      if (length < 2) {
        throw new MalformedContentException(at + 2, "segment length " + length + " is less than 2");
      }
      long body = c.position();
      if (marker == 0xE2 && length >= 6) {
        mpf |= c.u8("APP2") == 'M' && c.u8("APP2") == 'P' && c.u8("APP2") == 'F' && c.u8("APP2") == 0;
        c.seek(body);
      }
      c.skip(length - 2L, String.format("segment 0x%02X", marker));
      if (marker == SOS) {
        entropyCoded(context, c);
      }
    }
  }

  /** Moves past entropy-coded data to the next marker that is not a stuffed zero or a restart marker. */
  private static void entropyCoded(ScanContext context, Cursor c) throws IOException {
    long n = 0;
    while (true) {
      int b = c.u8("entropy-coded data");
      if ((++n & 0xFFFFF) == 0) {
        context.checkDeadline();
      }
      if (b != 0xFF) {
        continue;
      }
      int next = c.peek();
      while (next == 0xFF) {
        c.u8("entropy-coded data");
        next = c.peek();
      }
      if (next == 0x00 || next >= 0xD0 && next <= 0xD7) {
        c.u8("entropy-coded data");
        continue;
      }
      if (next < 0) {
        throw new MalformedContentException(c.position(), "truncated: the content ends inside entropy-coded data");
      }
      c.seek(c.position() - 1); // back to the 0xFF of the marker
      return;
    }
  }
}
