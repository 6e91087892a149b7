package dev.modelscan.robustness;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes zip records field by field, so that tests can build archives no zip library would write: sizes that lie,
 * central directories that point anywhere, ZIP64 fields claiming terabytes.
 */
public final class ZipBytes {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  /**
   * The current write offset.
   *
   * @return bytes written so far
   */
  public int offset() {
    return out.size();
  }

  /**
   * A local file header followed by the member's data.
   *
   * @param name member name
   * @param method 0 stored, 8 deflated
   * @param crc CRC-32 of the uncompressed data
   * @param csize compressed size field
   * @param usize uncompressed size field
   * @param extra extra field
   * @param data the bytes that follow the header
   * @return this writer
   */
  public ZipBytes local(String name, int method, long crc, long csize, long usize, byte[] extra, byte[] data) {
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    le(0x04034b50L, 4).le(20, 2).le(0, 2).le(method, 2).le(0, 2).le(0x21, 2);
    le(crc, 4).le(csize, 4).le(usize, 4).le(n.length, 2).le(extra.length, 2).raw(n).raw(extra).raw(data);
    return this;
  }

  /**
   * A central directory file header.
   *
   * @param name member name
   * @param method 0 stored, 8 deflated
   * @param crc CRC-32
   * @param csize compressed size field
   * @param usize uncompressed size field
   * @param localOffset offset of the local header field
   * @param extra extra field
   * @return this writer
   */
  public ZipBytes central(String name, int method, long crc, long csize, long usize, long localOffset, byte[] extra) {
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    le(0x02014b50L, 4).le(45, 2).le(45, 2).le(0, 2).le(method, 2).le(0, 2).le(0x21, 2);
    le(crc, 4).le(csize, 4).le(usize, 4).le(n.length, 2).le(extra.length, 2).le(0, 2);
    le(0, 2).le(0, 2).le(0, 4).le(localOffset, 4).raw(n).raw(extra);
    return this;
  }

  /**
   * The end of central directory record.
   *
   * @param entries the entry count fields
   * @param cdSize the central directory size field
   * @param cdOffset the central directory offset field
   * @return this writer
   */
  public ZipBytes eocd(int entries, long cdSize, long cdOffset) {
    le(0x06054b50L, 4).le(0, 2).le(0, 2).le(entries, 2).le(entries, 2).le(cdSize, 4).le(cdOffset, 4).le(0, 2);
    return this;
  }

  /**
   * A ZIP64 extended information extra field with the uncompressed and compressed sizes.
   *
   * @param usize uncompressed size
   * @param csize compressed size
   * @return the extra field bytes
   */
  public static byte[] zip64Sizes(long usize, long csize) {
    return new ZipBytes().le(1, 2).le(16, 2).le(usize, 8).le(csize, 8).bytes();
  }

  /**
   * Appends raw bytes.
   *
   * @param b the bytes
   * @return this writer
   */
  public ZipBytes raw(byte[] b) {
    out.write(b, 0, b.length);
    return this;
  }

  /**
   * Appends a little-endian integer.
   *
   * @param v the value
   * @param n its width in bytes
   * @return this writer
   */
  public ZipBytes le(long v, int n) {
    for (int i = 0; i < n; i++) {
      out.write((int) (v >>> (8 * i)) & 0xFF);
    }
    return this;
  }

  /**
   * The bytes written.
   *
   * @return a copy
   */
  public byte[] bytes() {
    return out.toByteArray();
  }
}
