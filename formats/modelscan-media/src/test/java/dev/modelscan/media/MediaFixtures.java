package dev.modelscan.media;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** The committed fixtures (gen_media.py) and malformed variants made from them. */
final class MediaFixtures {
  private MediaFixtures() {}

  static byte[] fixture(String name) {
    try (InputStream in = MediaFixtures.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing fixture " + name + "; run gen_media.py");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] truncated(String name, int drop) {
    byte[] b = fixture(name);
    return Arrays.copyOf(b, b.length - drop);
  }

  static byte[] appended(String name, byte[] tail) {
    byte[] b = fixture(name);
    byte[] out = Arrays.copyOf(b, b.length + tail.length);
    System.arraycopy(tail, 0, out, b.length, tail.length);
    return out;
  }

  static byte[] flipped(String name, int offset) {
    byte[] b = fixture(name);
    b[offset] ^= 0x55;
    return b;
  }

  /** Bytes no scanner recognises. */
  static final byte[] JUNK = utf8("\u0001\u0002junk that is no format\u0003");
}
