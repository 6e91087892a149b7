package dev.modelscan.robustness;

/** Short hex dumps for failure messages. */
public final class Hex {
  private Hex() {}

  /**
   * The first 200 bytes as hex.
   *
   * @param b the bytes
   * @return the dump
   */
  public static String dump(byte[] b) {
    StringBuilder sb = new StringBuilder(b.length + " bytes: ");
    for (int i = 0; i < Math.min(b.length, 200); i++) {
      sb.append(String.format("%02x", b[i] & 0xFF));
    }
    return b.length > 200 ? sb.append("...").toString() : sb.toString();
  }
}
