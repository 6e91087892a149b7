package dev.modelscan.core;

import dev.modelscan.api.io.ByteSource;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The SHA-256 of an input's content, taken from the byte source the scanners read (the same open file or spool), so
 * that it names exactly the bytes that were judged even if the path is replaced afterwards.
 *
 * <p>One sequential pass in fixed chunks: memory stays at one buffer whatever the file's size (a multi-gigabyte
 * checkpoint under {@code -Xmx64m} is fine), and the bytes the scanners read moments before come from the page cache.
 */
final class ContentHash {
  /** Bytes read per call: large enough to keep system calls rare, small enough to stay out of the way of the heap. */
  static final int CHUNK = 256 * 1024;

  private ContentHash() {}

  /**
   * The hash of every byte of {@code source}.
   *
   * @return lowercase hex, or empty when the source could not be read to its end (a read failed, or it ended early
   *     because the file shrank): a hash of part of the content would name content that does not exist
   */
  static String sha256(ByteSource source) {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
    long size = source.size();
    byte[] buf = new byte[(int) Math.min(CHUNK, Math.max(1, size))];
    long pos = 0;
    try {
      while (pos < size) {
        int n = source.read(pos, buf, 0, (int) Math.min(buf.length, size - pos));
        if (n <= 0) {
          return "";
        }
        md.update(buf, 0, n);
        pos += n;
      }
    } catch (IOException | RuntimeException e) {
      return "";
    }
    return HexFormat.of().formatHex(md.digest());
  }
}
