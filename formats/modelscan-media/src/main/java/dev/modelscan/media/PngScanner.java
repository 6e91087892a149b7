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
import java.util.zip.CRC32;

/**
 * PNG images (and APNG), walked chunk by chunk to {@code IEND}: every chunk's length is checked against the file and
 * its CRC recomputed, the first chunk must be {@code IHDR}, and whatever follows {@code IEND} is reported and scanned
 * as content of its own (a pickle or zip appended to a plot is the classic hiding place). The layout follows the PNG
 * specification (ISO/IEC 15948, section 5: signature, chunk layout, CRC over type and data).
 */
@AutoService(ModelScanner.class)
public final class PngScanner extends MediaScanner {

  /** The format id. */
  public static final String FORMAT = "png";

  private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

  // A chunk length is at most 2^31 - 1 (PNG spec 5.3): a larger value is a broken or hostile file.
  private static final long MAX_CHUNK = 0x7FFF_FFFFL;

  private static final ScannerDescriptor DESCRIPTOR =
      ScannerDescriptor.of(
          "png", ModelScanVersion.current(),
          "PNG images walked chunk by chunk (lengths, CRCs) to IEND; appended data is scanned.",
          List.of(FORMAT), List.of("png", "apng"));

  /** Creates the scanner. */
  public PngScanner() {
    super(DESCRIPTOR, List.of(MediaRules.APPENDED_DATA, StandardRules.MALFORMED_CONTENT));
  }

  @Override
  public Recognition recognize(ContentHead head) {
    return head.startsWith(SIGNATURE) ? Recognition.of(FORMAT, Recognition.CERTAIN) : Recognition.none();
  }

  @Override
  public void scan(ScanContext context) throws IOException {
    Cursor c = new Cursor(context.source(), SIGNATURE.length);
    CRC32 crc = new CRC32();
    boolean first = true;
    while (true) {
      context.checkDeadline();
      long at = c.position();
      long length = c.u32be("a chunk length");
      if (length > MAX_CHUNK) {
        throw new MalformedContentException(at, "chunk length " + length + " exceeds the PNG maximum of 2^31-1");
      }
      long typeAt = c.position();
      byte[] type = new byte[4];
      crc.reset();
      for (int i = 0; i < 4; i++) {
        type[i] = (byte) c.u8("a chunk type");
        int ch = type[i] & 0xFF;
        if (!(ch >= 'A' && ch <= 'Z' || ch >= 'a' && ch <= 'z')) {
          throw new MalformedContentException(typeAt, "chunk type is not four ASCII letters");
        }
      }
      crc.update(type, 0, 4);
      String name = new String(type, java.nio.charset.StandardCharsets.US_ASCII);
      if (first && (!name.equals("IHDR") || length != 13)) {
        throw new MalformedContentException(at, "the first chunk is " + name + ", not a 13-byte IHDR");
      }
      first = false;
      c.feed(length, crc, "chunk " + name);
      long stored = c.u32be("the CRC of chunk " + name);
      if (stored != crc.getValue()) {
        // libpng rejects a critical chunk with a bad CRC and skips an ancillary one; either way the bytes in it are
        // not what the writer produced, which is how data is smuggled past tools that verify CRCs.
        context.report(
            context.finding(StandardRules.MALFORMED_CONTENT)
                .offset(at)
                .message("Chunk " + name + " at offset " + at + " has a CRC that does not match its content.")
                .build());
      }
      if (name.equals("IEND")) {
        if (length != 0) {
          throw new MalformedContentException(at, "IEND carries " + length + " bytes of data");
        }
        Trailing.check(context, c.position(), "IEND");
        return;
      }
    }
  }
}
