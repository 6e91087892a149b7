package dev.modelscan.media;

import com.google.auto.service.AutoService;
import dev.modelscan.api.MalformedContentException;
import dev.modelscan.api.Rule;
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
 * by byte (stuffed {@code FF 00} and restart markers inside it), and whatever follows {@code EOI} is reported and
 * scanned as content of its own.
 */
@AutoService(ModelScanner.class)
public final class JpegScanner implements ModelScanner {

  /** The format id. */
  public static final String FORMAT = "jpeg";

  private static final int EOI = 0xD9;
  private static final int SOS = 0xDA;

  private static final ScannerDescriptor DESCRIPTOR =
      ScannerDescriptor.of(
          "jpeg", "0.1", "JPEG images walked segment by segment to EOI; appended data is scanned.",
          List.of(FORMAT), List.of("jpg", "jpeg", "jpe", "jfif"));

  /** Creates the scanner. */
  public JpegScanner() {}

  @Override
  public ScannerDescriptor descriptor() {
    return DESCRIPTOR;
  }

  @Override
  public List<Rule> rules() {
    return List.of(MediaRules.APPENDED_DATA, StandardRules.MALFORMED_CONTENT);
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
        Trailing.check(context, c.position(), "EOI");
        return;
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
