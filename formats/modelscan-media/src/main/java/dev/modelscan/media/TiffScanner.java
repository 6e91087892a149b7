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
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * TIFF images (both byte orders), walked through the chain of image file directories (IFDs) and the sub-IFDs, Exif and
 * GPS directories they point to, as TIFF 6.0 section 2 lays them out: every entry's out-of-line value and every strip
 * and tile is checked to lie inside the file. Bytes past the furthest structure any directory points to are reported
 * and scanned as content of their own. BigTIFF is recognised and reported as not walked.
 */
@AutoService(ModelScanner.class)
public final class TiffScanner extends MediaScanner {

  /** The format id. */
  public static final String FORMAT = "tiff";

  private static final int MAX_DIRECTORIES = 1024;
  private static final long MAX_ARRAY = 1 << 20;

  private static final ScannerDescriptor DESCRIPTOR =
      ScannerDescriptor.of(
          "tiff", ModelScanVersion.current(),
          "TIFF images walked through their directories, strips and tiles; appended data is scanned.",
          List.of(FORMAT), List.of("tif", "tiff"));

  /** Creates the scanner. */
  public TiffScanner() {
    super(DESCRIPTOR, List.of(MediaRules.APPENDED_DATA, StandardRules.MALFORMED_CONTENT));
  }

  @Override
  public Recognition recognize(ContentHead head) {
    boolean le = head.startsWith((byte) 'I', (byte) 'I', (byte) 42, (byte) 0)
        || head.startsWith((byte) 'I', (byte) 'I', (byte) 43, (byte) 0);
    boolean be = head.startsWith((byte) 'M', (byte) 'M', (byte) 0, (byte) 42)
        || head.startsWith((byte) 'M', (byte) 'M', (byte) 0, (byte) 43);
    return le || be ? Recognition.of(FORMAT, Recognition.CERTAIN) : Recognition.none();
  }

  /** Reads in the file's byte order. */
  private record Order(Cursor c, boolean little) {
    int u16(String what) throws IOException {
      return little ? c.u16le(what) : c.u16be(what);
    }

    long u32(String what) throws IOException {
      return little ? c.u32le(what) : c.u32be(what);
    }
  }

  private static int typeSize(int type) {
    switch (type) {
      case 1: case 2: case 6: case 7:
        return 1;
      case 3: case 8:
        return 2;
      case 4: case 9: case 11: case 13:
        return 4;
      case 5: case 10: case 12:
        return 8;
      default:
        return 0; // unknown types are skipped by readers (TIFF 6.0 section 2)
    }
  }

  @Override
  public void scan(ScanContext context) throws IOException {
    Cursor c = new Cursor(context.source(), 0);
    boolean little = c.u8("the byte order") == 'I';
    c.u8("the byte order");
    Order o = new Order(c, little);
    if (o.u16("the magic number") == 43) {
      context.markPartial("BigTIFF directories are not walked");
      return;
    }
    long extent = 8;
    Deque<Long> pending = new ArrayDeque<>();
    pending.add(o.u32("the first directory offset"));
    Set<Long> seen = new HashSet<>();
    while (!pending.isEmpty()) {
      context.checkDeadline();
      long ifd = pending.poll();
      if (ifd == 0) {
        continue;
      }
      if (!seen.add(ifd)) {
        continue; // a directory chain that loops: each directory is walked once
      }
      if (seen.size() > MAX_DIRECTORIES) {
        throw new MalformedContentException(ifd, "more than " + MAX_DIRECTORIES + " image directories");
      }
      if (ifd < 8 || ifd + 2 > c.size()) {
        throw new MalformedContentException(ifd, "image directory offset " + ifd + " outside the file");
      }
      c.seek(ifd);
      int count = o.u16("a directory entry count");
      long entriesEnd = ifd + 2 + 12L * count + 4;
      if (entriesEnd > c.size()) {
        throw new MalformedContentException(ifd, "directory of " + count + " entries runs past the end");
      }
      extent = Math.max(extent, entriesEnd);
      long[] stripOffsets = null;
      long[] stripCounts = null;
      for (int i = 0; i < count; i++) {
        long entry = ifd + 2 + 12L * i;
        c.seek(entry);
        int tag = o.u16("a tag");
        int type = o.u16("a field type");
        long n = o.u32("a value count");
        int size = typeSize(type);
        long bytes = n * size;
        long valueAt = entry + 8;
        if (bytes > 4) {
          valueAt = o.u32("a value offset");
          if (bytes > c.size() || valueAt + bytes > c.size()) {
            throw new MalformedContentException(entry, "tag " + tag + " value of " + bytes + " bytes outside the file");
          }
          extent = Math.max(extent, valueAt + bytes);
        }
        boolean offsets = tag == 273 || tag == 324;
        boolean counts = tag == 279 || tag == 325;
        boolean pointers = tag == 330 || tag == 34665 || tag == 34853;
        if ((offsets || counts || pointers) && (size == 2 || size == 4) && n > 0) {
          if (n > MAX_ARRAY) {
            throw new MalformedContentException(entry, "tag " + tag + " lists " + n + " values");
          }
          long[] values = new long[(int) n];
          c.seek(valueAt);
          for (int k = 0; k < n; k++) {
            values[k] = size == 2 ? o.u16("a value") : o.u32("a value");
          }
          if (offsets) {
            stripOffsets = values;
          } else if (counts) {
            stripCounts = values;
          } else {
            for (long v : values) {
              pending.add(v);
            }
          }
        }
      }
      c.seek(ifd + 2 + 12L * count);
      pending.add(o.u32("the next directory offset"));
      if (stripOffsets != null && stripCounts != null) {
        for (int k = 0; k < Math.min(stripOffsets.length, stripCounts.length); k++) {
          long end = stripOffsets[k] + stripCounts[k];
          if (end > c.size()) {
            throw new MalformedContentException(stripOffsets[k], "strip or tile " + k + " runs past the end");
          }
          extent = Math.max(extent, end);
        }
      }
    }
    Trailing.check(context, extent, "TIFF data");
  }
}
