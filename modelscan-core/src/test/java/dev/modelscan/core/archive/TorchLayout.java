package dev.modelscan.core.archive;

import dev.modelscan.api.io.ByteSource;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Writes the layout of a {@code torch.save} archive (stored members, flags 0x0808, zeroed local sizes, data
 * descriptors, "FB" padding to 64-byte alignment) with members whose data may be virtual: a run of zeros that is
 * never materialised. Gives either a sparse file or a {@link ByteSource} that counts what is read.
 */
final class TorchLayout {
  private record Segment(long offset, byte[] bytes) {}

  private final List<Segment> segments = new ArrayList<>();
  private final ByteBuffer central = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
  private long pos;
  private int count;

  /** Adds a member with real content. */
  TorchLayout add(String name, byte[] content) {
    CRC32 crc = new CRC32();
    crc.update(content);
    return add(name, content.length, content, crc.getValue());
  }

  /** Adds a member of {@code length} zero bytes that are never written (the CRC is left 0: nobody checks it). */
  TorchLayout addVirtual(String name, long length) {
    return add(name, length, null, 0);
  }

  private TorchLayout add(String name, long length, byte[] content, long crc) {
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    long lho = pos;
    int fixed = 30 + n.length + 4;
    int padding = (int) ((64 - (lho + fixed) % 64) % 64);
    ByteBuffer h = ByteBuffer.allocate(fixed + padding).order(ByteOrder.LITTLE_ENDIAN);
    h.putInt(0x04034b50).putShort((short) 20).putShort((short) 0x0808).putShort((short) 0);
    h.putShort((short) 0).putShort((short) 0).putInt(0).putInt(0).putInt(0);
    h.putShort((short) n.length).putShort((short) (4 + padding)).put(n);
    h.putShort((short) 0x4246).putShort((short) padding);
    for (int i = 0; i < padding; i++) {
      h.put((byte) 'Z');
    }
    segments.add(new Segment(pos, h.array()));
    pos += h.capacity();
    if (content != null) {
      segments.add(new Segment(pos, content));
    }
    pos += length;
    ByteBuffer dd = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    dd.putInt(0x08074b50).putInt((int) crc).putInt((int) length).putInt((int) length);
    segments.add(new Segment(pos, dd.array()));
    pos += 16;
    central.putInt(0x02014b50).putShort((short) 0x031e).putShort((short) 20).putShort((short) 0x0808);
    central.putShort((short) 0).putShort((short) 0).putShort((short) 0).putInt((int) crc);
    central.putInt((int) length).putInt((int) length).putShort((short) n.length).putShort((short) 0);
    central.putShort((short) 0).putShort((short) 0).putShort((short) 0).putInt(0).putInt((int) lho).put(n);
    count++;
    return this;
  }

  private long finish() {
    byte[] cd = java.util.Arrays.copyOf(central.array(), central.position());
    segments.add(new Segment(pos, cd));
    ByteBuffer eocd = ByteBuffer.allocate(22).order(ByteOrder.LITTLE_ENDIAN);
    eocd.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) count);
    eocd.putShort((short) count).putInt(cd.length).putInt((int) pos).putShort((short) 0);
    segments.add(new Segment(pos + cd.length, eocd.array()));
    return pos + cd.length + 22;
  }

  /** Writes the archive as a sparse file: virtual members are holes. */
  void writeSparse(Path file) throws IOException {
    long size = finish();
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(size);
      for (Segment s : segments) {
        f.seek(s.offset());
        f.write(s.bytes());
      }
    }
  }

  /** The archive as a source that serves zeros for virtual members and counts every byte read. */
  CountingSource source() {
    return new CountingSource(finish(), segments);
  }

  /** Serves the segments over zeros and counts the bytes asked for. */
  static final class CountingSource implements ByteSource {
    private final long size;
    private final List<Segment> segments;
    private final long base;
    private final long[] counter;

    private CountingSource(long size, List<Segment> segments) {
      this(size, segments, 0, new long[1]);
    }

    private CountingSource(long size, List<Segment> segments, long base, long[] counter) {
      this.size = size;
      this.segments = segments;
      this.base = base;
      this.counter = counter;
    }

    long bytesRead() {
      return counter[0];
    }

    @Override
    public long size() {
      return size;
    }

    @Override
    public int read(long position, byte[] buffer, int offset, int length) {
      if (position >= size) {
        return length == 0 ? 0 : -1;
      }
      int n = (int) Math.min(length, size - position);
      java.util.Arrays.fill(buffer, offset, offset + n, (byte) 0);
      long from = base + position;
      for (Segment s : segments) {
        long a = Math.max(from, s.offset());
        long b = Math.min(from + n, s.offset() + s.bytes().length);
        if (a < b) {
          System.arraycopy(s.bytes(), (int) (a - s.offset()), buffer, offset + (int) (a - from), (int) (b - a));
        }
      }
      counter[0] += n;
      return n;
    }

    @Override
    public ByteSource slice(long offset, long length) {
      java.util.Objects.checkFromIndexSize(offset, length, size);
      return new CountingSource(length, segments, base + offset, counter);
    }
  }
}
