package dev.modelscan.archive;

import com.google.auto.service.AutoService;
import dev.modelscan.api.ModelScanVersion;
import dev.modelscan.api.Rule;
import dev.modelscan.api.StandardRules;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.MemberKind;
import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.api.spi.Recognition;
import dev.modelscan.api.spi.ScanContext;
import dev.modelscan.api.spi.ScannerDescriptor;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorInputStream;
import org.tukaani.xz.LZMAInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * Unwraps single-stream compression — gzip (all concatenated members), bzip2, xz, lzma-alone, zlib, LZ4 frames and
 * joblib's old zfiles —
 * and hands the decompressed body back for dispatch by content: {@code model.joblib.gz}, {@code weights.pt.xz} and a
 * tar in a gzip are scanned like the files they wrap. The engine bounds the body's size and compression ratio; LZMA
 * and xz decoders are also refused dictionaries beyond 256 MiB (or {@code
 * maxMemberBytes} when smaller), since the dictionary is allocated before any data is read.
 *
 * <p>The body is named after the gzip header's file name when it has one, else after the content's name minus its
 * compression extension ({@code x.tgz} becomes {@code x.tar}).
 *
 * <p>zstd frames and RAR archives are claimed but not decoded (zstd needs a native library, RAR has no decoder in
 * commons-compress): the result is partial with a finding, never clean. Decoding errors part way keep what was
 * decompressed before them (it was scanned) and make the result partial.
 *
 * @since 0.1
 */
@AutoService(ModelScanner.class)
public final class CompressedStreamScanner implements ModelScanner {

  private static final ScannerDescriptor DESCRIPTOR =
      ScannerDescriptor.of(
          "compressed-stream",
          ModelScanVersion.current(),
          "gzip, bzip2, xz, lzma, zlib, LZ4 frame and joblib zfile wrappers, decompressed under limits and scanned"
              + " by content",
          List.of("gzip", "bzip2", "xz", "lzma", "zlib", "lz4", "zstd", "rar", "joblib-zfile"),
          List.of("gz", "tgz", "bz2", "tbz2", "xz", "txz", "lzma", "zlib", "z", "lz4", "zst", "rar", "joblib"));

  /**
   * joblib before 0.10 wrote "zfiles": {@code ZF}, the body length in hex padded to 19 characters, then a zlib
   * stream. joblib still loads them (numpy_pickle_compat), so they are unwrapped like any other.
   */
  private static final int ZFILE_HEADER = 2 + 19;

  /** Creates the scanner; it is stateless. */
  public CompressedStreamScanner() {}

  @Override
  public ScannerDescriptor descriptor() {
    return DESCRIPTOR;
  }

  /** zstd and RAR are recognised, to be reported as not scanned, but not decoded. */
  @Override
  public List<String> decodedFormats() {
    return DESCRIPTOR.formats().stream().filter(f -> !f.equals("zstd") && !f.equals("rar")).toList();
  }

  @Override
  public List<Rule> rules() {
    return List.of(
        ArchiveRules.CORRUPT_STREAM,
        ArchiveRules.UNSUPPORTED_METHOD,
        ArchiveRules.PATH_TRAVERSAL,
        StandardRules.LIMIT_REACHED);
  }

  @Override
  public Recognition recognize(ContentHead head) {
    if (head.startsWith((byte) 0x1F, (byte) 0x8B, (byte) 8)) {
      // Method 8 and the reserved flag bits clear: what gunzip accepts.
      return head.headLength() > 3 && (head.headByte(3) & 0xE0) == 0
          ? Recognition.of("gzip", Recognition.CERTAIN)
          : Recognition.none();
    }
    if (head.startsWith((byte) 'B', (byte) 'Z', (byte) 'h')
        && head.headLength() >= 10
        && head.headByte(3) >= '1'
        && head.headByte(3) <= '9'
        && (head.startsWith(4, (byte) 0x31, (byte) 0x41, (byte) 0x59, (byte) 0x26, (byte) 0x53, (byte) 0x59)
            || head.startsWith(4, (byte) 0x17, (byte) 0x72, (byte) 0x45, (byte) 0x38, (byte) 0x50, (byte) 0x90))) {
      return Recognition.of("bzip2", Recognition.CERTAIN);
    }
    if (head.startsWith((byte) 0xFD, (byte) '7', (byte) 'z', (byte) 'X', (byte) 'Z', (byte) 0)) {
      return Recognition.of("xz", Recognition.CERTAIN);
    }
    if (head.startsWith((byte) 0x04, (byte) 0x22, (byte) 0x4D, (byte) 0x18)) {
      return head.headLength() > 4 && (head.headByte(4) & 0xC0) == 0x40
          ? Recognition.of("lz4", Recognition.CERTAIN)
          : Recognition.none();
    }
    if (head.startsWith((byte) 0x28, (byte) 0xB5, (byte) 0x2F, (byte) 0xFD)) {
      return Recognition.of("zstd", Recognition.CERTAIN);
    }
    if (head.startsWith((byte) 'R', (byte) 'a', (byte) 'r', (byte) '!', (byte) 0x1A, (byte) 0x07)) {
      return Recognition.of("rar", Recognition.CERTAIN);
    }
    if (looksLikeLzmaAlone(head)) {
      return Recognition.of("lzma", Recognition.PROBABLE);
    }
    if (looksLikeZlib(head, 0)) {
      return Recognition.of("zlib", Recognition.PROBABLE);
    }
    if (head.startsWith((byte) 'Z', (byte) 'F', (byte) '0', (byte) 'x') && looksLikeZlib(head, ZFILE_HEADER)) {
      return Recognition.of("joblib-zfile", Recognition.STRONG);
    }
    return Recognition.none();
  }

  /**
   * The 13-byte .lzma header has no magic: a properties byte below 225, a dictionary size that encoders only write
   * as 2^n or 2^n + 2^(n-1) (at least 4 KiB), and an uncompressed size that is unknown (all ones) or plausible.
   */
  static boolean looksLikeLzmaAlone(ContentHead head) {
    if (head.headLength() < 14 || head.headByte(0) >= 225) {
      return false;
    }
    long dict = 0;
    for (int i = 4; i >= 1; i--) {
      dict = dict << 8 | head.headByte(i);
    }
    boolean twoToTheN = Long.bitCount(dict) == 1;
    boolean twoToTheNPlusHalf = Long.bitCount(dict) == 2 && (dict & (dict >> 1)) != 0;
    boolean dictOk = dict >= 4096 && (twoToTheN || twoToTheNPlusHalf);
    boolean unknownSize = true;
    long size = 0;
    for (int i = 12; i >= 5; i--) {
      unknownSize &= head.headByte(i) == 0xFF;
      size = size << 8 | head.headByte(i);
    }
    return dictOk && (unknownSize || (size >= 0 && size < (1L << 48)));
  }

  /**
   * zlib has a two-byte header with a checksum (CMF*256+FLG divisible by 31), deflate method, a window of at most
   * 32 KiB and no preset dictionary; about 1 in 31 random pairs pass, so the first bytes are also trial-inflated.
   */
  static boolean looksLikeZlib(ContentHead head, int offset) {
    if (head.headLength() < offset + 3) {
      return false;
    }
    int cmf = head.headByte(offset);
    int flg = head.headByte(offset + 1);
    if ((cmf & 0x0F) != 8 || (cmf >> 4) > 7 || (cmf * 256 + flg) % 31 != 0 || (flg & 0x20) != 0) {
      return false;
    }
    byte[] bytes = new byte[Math.min(head.headLength() - offset, 1024)];
    head.head().position(offset).get(bytes);
    Inflater inflater = new Inflater(false);
    try {
      inflater.setInput(bytes);
      byte[] out = new byte[4096];
      int produced = inflater.inflate(out);
      return produced > 0 || inflater.finished() || inflater.needsInput();
    } catch (DataFormatException e) {
      return false;
    } finally {
      inflater.end();
    }
  }

  @Override
  public void scan(ScanContext ctx) throws IOException {
    String format = ctx.format();
    if (format.equals("zstd") || format.equals("rar")) {
      // zstd needs a native decoder (zstd-jni); RAR has no decoder in commons-compress. Say so instead of "clean".
      ctx.report(
          ctx.finding(ArchiveRules.UNSUPPORTED_METHOD)
              .offset(0)
              .message(format + " content is not decompressed by this build; what it holds was not scanned.")
              .build());
      ctx.markPartial(format + " decompression is not available");
      return;
    }
    String memberName = memberName(ctx, format);
    int memoryKiB = ArchiveSupport.decoderMemoryLimitKiB(ctx.limits());
    GuardedInputStream.Opener opener =
        () -> {
          InputStream raw = new BufferedInputStream(ctx.source().openStream(), 65536);
          return switch (format) {
            case "gzip" -> GzipCompressorInputStream.builder()
                .setInputStream(raw)
                .setDecompressConcatenated(true)
                .get();
            case "bzip2" -> new BZip2CompressorInputStream(raw, true);
            case "xz" -> new XZInputStream(raw, memoryKiB);
            case "lzma" -> new LZMAInputStream(raw, memoryKiB);
            case "lz4" -> new FramedLZ4CompressorInputStream(raw, true);
            case "zlib" -> zlib(raw);
            case "joblib-zfile" -> {
              raw.skipNBytes(ZFILE_HEADER);
              yield zlib(raw);
            }
            default -> throw new IOException("unknown format " + format);
          };
        };
    GuardedInputStream body = new GuardedInputStream(opener);
    try {
      ctx.scanMember(memberName, body, ctx.source().size(), MemberKind.CONTENT);
    } finally {
      body.release();
    }
    body.reportFailure(ctx, format + " stream", 0);
  }

  private static InputStream zlib(InputStream raw) {
    return new InflaterInputStream(raw, new Inflater(false), 65536) {
      @Override
      public void close() throws IOException {
        try {
          super.close();
        } finally {
          inf.end();
        }
      }
    };
  }

  /** The gzip FNAME (checked for traversal) or the content's name without its compression extension. */
  private static String memberName(ScanContext ctx, String format) throws IOException {
    if (format.equals("gzip")) {
      String fname = gzipFileName(ctx);
      if (fname != null && !fname.isEmpty()) {
        ArchiveSupport.checkTraversal(ctx, fname, 10);
        return fname;
      }
    }
    String name = ctx.name();
    int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
    String base = name.substring(slash + 1);
    String ext = ArchiveSupport.extension(base);
    String stem = ext.isEmpty() ? base : base.substring(0, base.length() - ext.length() - 1);
    switch (ext) {
      case "tgz", "tbz2", "tbz", "txz" -> {
        return stem + ".tar";
      }
      case "gz", "gzip", "bz2", "xz", "lzma", "zlib", "z", "lz4" -> {
        return stem.isEmpty() ? "[" + format + "-content]" : stem;
      }
      default -> {
        return base.isEmpty() ? "[" + format + "-content]" : base + ".[" + format + "-content]";
      }
    }
  }

  /** Reads the FNAME field of the first gzip member header (RFC 1952), or null. */
  private static String gzipFileName(ScanContext ctx) throws IOException {
    long size = ctx.source().size();
    byte[] head = ctx.source().readBytes(0, (int) Math.min(size, 4096));
    if (head.length < 10) {
      return null;
    }
    int flags = head[3] & 0xFF;
    int pos = 10;
    if ((flags & 0x04) != 0) {
      if (pos + 2 > head.length) {
        return null;
      }
      pos += 2 + Bytes.u16(head, pos);
    }
    if ((flags & 0x08) == 0 || pos >= head.length) {
      return null;
    }
    int end = pos;
    while (end < head.length && head[end] != 0) {
      end++;
    }
    // gzip writes ISO-8859-1 names.
    return end > pos ? new String(head, pos, end - pos, StandardCharsets.ISO_8859_1) : null;
  }
}
