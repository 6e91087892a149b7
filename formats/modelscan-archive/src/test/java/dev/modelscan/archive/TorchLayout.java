package dev.modelscan.archive;

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
    boolean bigSize = length >= 0xFFFF_FFFFL;
    boolean bigOffset = lho >= 0xFFFF_FFFFL;
    ByteBuffer dd = ByteBuffer.allocate(bigSize ? 24 : 16).order(ByteOrder.LITTLE_ENDIAN);
    dd.putInt(0x08074b50).putInt((int) crc);
    if (bigSize) {
      dd.putLong(length).putLong(length);
    } else {
      dd.putInt((int) length).putInt((int) length);
    }
    segments.add(new Segment(pos, dd.array()));
    pos += dd.capacity();
    // ZIP64 extra: the values whose header fields say 0xFFFFFFFF, in the order size, compressed size, offset.
    ByteBuffer zip64 = ByteBuffer.allocate(4 + (bigSize ? 16 : 0) + (bigOffset ? 8 : 0)).order(ByteOrder.LITTLE_ENDIAN);
    zip64.putShort((short) 0x0001).putShort((short) (zip64.capacity() - 4));
    if (bigSize) {
      zip64.putLong(length).putLong(length);
    }
    if (bigOffset) {
      zip64.putLong(lho);
    }
    int extraLength = bigSize || bigOffset ? zip64.capacity() : 0;
    int sizeField = bigSize ? -1 : (int) length;
    central.putInt(0x02014b50).putShort((short) 0x032d).putShort((short) 45).putShort((short) 0x0808);
    central.putShort((short) 0).putShort((short) 0).putShort((short) 0).putInt((int) crc);
    central.putInt(sizeField).putInt(sizeField).putShort((short) n.length).putShort((short) extraLength);
    central.putShort((short) 0).putShort((short) 0).putShort((short) 0).putInt(0);
    central.putInt(bigOffset ? -1 : (int) lho).put(n);
    if (extraLength > 0) {
      central.put(zip64.array());
    }
    count++;
    return this;
  }

  private long finish() {
    byte[] cd = java.util.Arrays.copyOf(central.array(), central.position());
    long cdOffset = pos;
    segments.add(new Segment(pos, cd));
    long end = pos + cd.length;
    if (cdOffset >= 0xFFFF_FFFFL) {
      // ZIP64 end record and locator, as torch's writer (miniz with MZ_ZIP_FLAG_WRITE_ZIP64) puts them.
      ByteBuffer rec = ByteBuffer.allocate(56 + 20).order(ByteOrder.LITTLE_ENDIAN);
      rec.putInt(0x06064b50).putLong(44).putShort((short) 45).putShort((short) 45).putInt(0).putInt(0);
      rec.putLong(count).putLong(count).putLong(cd.length).putLong(cdOffset);
      rec.putInt(0x07064b50).putInt(0).putLong(end).putInt(1);
      segments.add(new Segment(end, rec.array()));
      end += rec.capacity();
    }
    ByteBuffer eocd = ByteBuffer.allocate(22).order(ByteOrder.LITTLE_ENDIAN);
    eocd.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) count);
    eocd.putShort((short) count).putInt(cd.length).putInt(cdOffset >= 0xFFFF_FFFFL ? -1 : (int) cdOffset);
    eocd.putShort((short) 0);
    segments.add(new Segment(end, eocd.array()));
    return end + 22;
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
