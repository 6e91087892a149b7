package dev.modelscan.robustness.dos;

import java.io.ByteArrayOutputStream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Decompression bombs built in the test in milliseconds: one megabyte of zeros is deflated once, ending with a full
 * flush so that the chunk is byte-aligned and refers to nothing before it; repeating that chunk n times and closing
 * with an empty final block is a valid raw deflate stream of n MiB of zeros at about 1:1000.
 */
final class Bombs {
  static final int MIB = 1 << 20;

  private Bombs() {}

  /** One MiB of zeros, deflated and fully flushed (not final). */
  private static byte[] chunk() {
    Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
    try {
      d.setInput(new byte[MIB]);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[64 * 1024];
      while (true) {
        int n = d.deflate(buf, 0, buf.length, Deflater.FULL_FLUSH);
        out.write(buf, 0, n);
        if (n < buf.length && d.needsInput()) {
          return out.toByteArray();
        }
      }
    } finally {
      d.end();
    }
  }

  /**
   * A raw deflate stream of {@code mebibytes} MiB of zeros.
   *
   * @param mebibytes the logical size in MiB
   * @return the stream, about a thousandth of that
   */
  static byte[] rawDeflateZeros(int mebibytes) {
    byte[] c = chunk();
    byte[] out = new byte[c.length * mebibytes + 2];
    for (int i = 0; i < mebibytes; i++) {
      System.arraycopy(c, 0, out, i * c.length, c.length);
    }
    out[out.length - 2] = 0x03; // final block, fixed Huffman, end-of-block at once
    out[out.length - 1] = 0x00;
    return out;
  }

  /**
   * A gzip member of {@code mebibytes} MiB of zeros, with the right CRC and size (mod 2^32) in its trailer.
   *
   * @param mebibytes the logical size in MiB
   * @return the gzip stream
   */
  static byte[] gzipZeros(int mebibytes) {
    byte[] raw = rawDeflateZeros(mebibytes);
    byte[] out = new byte[10 + raw.length + 8];
    byte[] header = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};
    System.arraycopy(header, 0, out, 0, 10);
    System.arraycopy(raw, 0, out, 10, raw.length);
    long crc = crcOfZeros(mebibytes);
    long size = (long) mebibytes * MIB;
    for (int i = 0; i < 4; i++) {
      out[10 + raw.length + i] = (byte) (crc >>> (8 * i));
      out[14 + raw.length + i] = (byte) (size >>> (8 * i));
    }
    return out;
  }

  /**
   * CRC-32 of n MiB of zeros, computed only for sizes where that is quick; 0 otherwise (bombs are cut before their
   * trailer is ever checked).
   *
   * @param mebibytes the size in MiB
   * @return the CRC
   */
  static long crcOfZeros(int mebibytes) {
    if (mebibytes > 1024) {
      return 0;
    }
    CRC32 crc = new CRC32();
    byte[] zeros = new byte[MIB];
    for (int i = 0; i < mebibytes; i++) {
      crc.update(zeros);
    }
    return crc.getValue();
  }
}
