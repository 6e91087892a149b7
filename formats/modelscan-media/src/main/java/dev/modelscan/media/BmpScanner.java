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
 * BMP images: the file header, the DIB header (core, info and V2-V5 variants), the pixel array whose size follows from
 * width, height and bit depth (or the declared image size for compressed bitmaps) and a V5 colour profile. Bytes past
 * all of them are reported and scanned as content of their own.
 */
@AutoService(ModelScanner.class)
public final class BmpScanner extends MediaScanner {

  /** The format id. */
  public static final String FORMAT = "bmp";

  private static final ScannerDescriptor DESCRIPTOR =
      ScannerDescriptor.of(
          "bmp", ModelScanVersion.current(),
          "BMP images: headers and pixel array checked against the file; appended data is scanned.",
          List.of(FORMAT), List.of("bmp", "dib"));

  /** Creates the scanner. */
  public BmpScanner() {
    super(DESCRIPTOR, List.of(MediaRules.APPENDED_DATA, StandardRules.MALFORMED_CONTENT));
  }

  private static boolean knownDibSize(long n) {
    return n == 12 || n == 40 || n == 52 || n == 56 || n == 64 || n == 108 || n == 124;
  }

  @Override
  public Recognition recognize(ContentHead head) {
    if (!head.startsWith((byte) 'B', (byte) 'M') || head.headLength() < 18) {
      return Recognition.none();
    }
    long dib = head.headByte(14) | head.headByte(15) << 8 | head.headByte(16) << 16 | (long) head.headByte(17) << 24;
    return knownDibSize(dib) ? Recognition.of(FORMAT, Recognition.STRONG) : Recognition.none();
  }

  @Override
  public void scan(ScanContext context) throws IOException {
    Cursor c = new Cursor(context.source(), 2);
    c.u32le("the file size");
    c.skip(4, "the reserved fields");
    long pixels = c.u32le("the pixel data offset");
    long dib = c.u32le("the DIB header size");
    if (!knownDibSize(dib)) {
      throw new MalformedContentException(14, "unknown DIB header size " + dib);
    }
    long width;
    long height;
    int bpp;
    long compression = 0;
    long imageSize = 0;
    if (dib == 12) {
      width = c.u16le("the width");
      height = c.u16le("the height");
      c.u16le("the planes");
      bpp = c.u16le("the bit depth");
    } else {
      width = (int) c.u32le("the width");
      height = Math.abs((long) (int) c.u32le("the height"));
      c.u16le("the planes");
      bpp = c.u16le("the bit depth");
      compression = c.u32le("the compression");
      imageSize = c.u32le("the image size");
    }
    if (width <= 0 || height == 0 || bpp == 0 || bpp > 64) {
      throw new MalformedContentException(18, "width " + width + ", height " + height + ", bit depth " + bpp);
    }
    if (pixels < 14 + dib || pixels > c.size()) {
      throw new MalformedContentException(10, "pixel data offset " + pixels + " outside the file");
    }
    long data;
    if (compression == 0 || compression == 3 || compression == 6) {
      // Uncompressed rows are padded to 4 bytes. Width, height and depth come from the file: a product that overflows
      // is a claim no file can meet.
      try {
        data = Math.multiplyExact((width * bpp + 31) / 32 * 4, height);
      } catch (ArithmeticException e) {
        throw new MalformedContentException(18, "width " + width + " x height " + height + " overflows");
      }
    } else {
      data = imageSize;
    }
    long end = pixels + data;
    if (dib == 124) {
      c.seek(14 + 112);
      long profile = c.u32le("the colour profile offset");
      long profileSize = c.u32le("the colour profile size");
      if (profileSize > 0) {
        end = Math.max(end, 14 + profile + profileSize);
      }
    }
    if (end > c.size()) {
      throw new MalformedContentException(
          pixels, "the image needs " + end + " bytes but the file has " + c.size());
    }
    Trailing.check(context, end, "bitmap");
  }
}
