package dev.modelscan.safetensors;

import dev.modelscan.api.io.ByteSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/** Test fixtures under {@code src/test/resources/safetensors}, written by {@code generate.py} next to them. */
final class Fixtures {

  private Fixtures() {}

  static byte[] bytes(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/safetensors/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path path(String name) {
    URL url = Fixtures.class.getResource("/safetensors/" + name);
    if (url == null) {
      throw new IllegalArgumentException("no fixture " + name);
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A SafeTensors file: length prefix, the header as given (no padding added), then the data. */
  static byte[] file(String header, byte[] data) {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[8 + h.length + data.length];
    long n = h.length;
    for (int i = 0; i < 8; i++) {
      out[i] = (byte) (n >>> (8 * i));
    }
    System.arraycopy(h, 0, out, 8, h.length);
    System.arraycopy(data, 0, out, 8 + h.length, data.length);
    return out;
  }

  /**
   * A source that is as large as it claims without holding the bytes: its first bytes are given, the rest reads as
   * zeros. It counts the bytes read, the largest single read and the highest position read, so tests can show that a
   * huge claim is judged from a handful of bytes and that nothing is read (or sized) from the claim.
   */
  static final class VirtualSource implements ByteSource {
    private final byte[] prefix;
    private final long size;
    private final AtomicLong bytesRead = new AtomicLong();
    private final AtomicLong largestRead = new AtomicLong();
    private final AtomicLong end = new AtomicLong();

    VirtualSource(byte[] prefix, long size) {
      this.prefix = prefix.clone();
      this.size = size;
    }

    @Override
    public long size() {
      return size;
    }

    @Override
    public int read(long position, byte[] buffer, int offset, int length) {
      if (position >= size) {
        return -1;
      }
      int n = (int) Math.min(length, size - position);
      for (int i = 0; i < n; i++) {
        long p = position + i;
        buffer[offset + i] = p < prefix.length ? prefix[(int) p] : 0;
      }
      bytesRead.addAndGet(n);
      largestRead.accumulateAndGet(n, Math::max);
      end.accumulateAndGet(position + n, Math::max);
      return n;
    }

    @Override
    public ByteSource slice(long offset, long length) {
      VirtualSource parent = this;
      return new ByteSource() {
        @Override
        public long size() {
          return length;
        }

        @Override
        public int read(long position, byte[] buffer, int off, int len) {
          if (position >= length) {
            return -1;
          }
          return parent.read(offset + position, buffer, off, (int) Math.min(len, length - position));
        }

        @Override
        public ByteSource slice(long o, long l) {
          return parent.slice(offset + o, l);
        }
      };
    }

    long bytesRead() {
      return bytesRead.get();
    }

    long largestRead() {
      return largestRead.get();
    }

    /** One past the highest position any read touched. */
    long readEnd() {
      return end.get();
    }
  }
}
