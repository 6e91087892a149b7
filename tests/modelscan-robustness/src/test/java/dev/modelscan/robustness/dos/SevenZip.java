package dev.modelscan.robustness.dos;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32;

/** Patches the coder properties of a 7z archive whose header is not encoded (as commons-compress writes it). */
final class SevenZip {
  private SevenZip() {}

  /**
   * Sets the LZMA2 dictionary-size property byte of the first LZMA2 coder and fixes the CRCs.
   *
   * @param archive a 7z archive with a plain header
   * @param dictionaryProperty the LZMA2 property byte (40 means 4 GiB - 1)
   * @return the patched copy
   */
  static byte[] withLzma2Dictionary(byte[] archive, int dictionaryProperty) {
    byte[] out = archive.clone();
    ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
    long nextOffset = b.getLong(12);
    long nextSize = b.getLong(20);
    int start = (int) (32 + nextOffset);
    int end = (int) (start + nextSize);
    if (out[start] != 0x01) {
      throw new IllegalStateException("header is encoded (0x" + Integer.toHexString(out[start]) + "), cannot patch");
    }
    // Coder: flags 0x21 (1-byte id, has properties), id 0x21 (LZMA2), property size 1, property byte.
    int at = -1;
    for (int i = start; i + 3 < end; i++) {
      if (out[i] == 0x21 && out[i + 1] == 0x21 && out[i + 2] == 0x01) {
        at = i + 3;
        break;
      }
    }
    if (at < 0) {
      throw new IllegalStateException("no LZMA2 coder in the header");
    }
    out[at] = (byte) dictionaryProperty;
    CRC32 crc = new CRC32();
    crc.update(out, start, (int) nextSize);
    b.putInt(28, (int) crc.getValue());
    crc.reset();
    crc.update(out, 12, 20);
    b.putInt(8, (int) crc.getValue());
    return out;
  }

  /**
   * Whether both header CRCs match.
   *
   * @param archive the archive
   * @return true when the start header and next header CRCs are right
   */
  static boolean crcsAreValid(byte[] archive) {
    ByteBuffer b = ByteBuffer.wrap(archive).order(ByteOrder.LITTLE_ENDIAN);
    CRC32 crc = new CRC32();
    crc.update(archive, 12, 20);
    if ((int) crc.getValue() != b.getInt(8)) {
      return false;
    }
    crc.reset();
    crc.update(archive, (int) (32 + b.getLong(12)), (int) b.getLong(20));
    return (int) crc.getValue() == b.getInt(28);
  }
}
