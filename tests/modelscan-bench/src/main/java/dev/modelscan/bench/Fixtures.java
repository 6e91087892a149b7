package dev.modelscan.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Generates benchmark inputs: pickles written opcode by opcode, PyTorch-style zip checkpoints of any size (sparse or
 * dense), SafeTensors files and directories of small files of mixed formats. Everything is derived from a seed, so a
 * run can be repeated; nothing is read from the network or from Python.
 */
public final class Fixtures {

  private Fixtures() {}

  /**
   * An opcode-dense pickle of about {@code targetBytes}: one list of many small ints, short strings and tuples, with
   * memo puts and gets on every few opcodes (protocol 2, the protocol of PyTorch's data.pkl). Memo indices are reused
   * (0..255) so the memo stays small, as it does in real pickles of many similar objects.
   *
   * @param targetBytes roughly how many bytes to write
   * @param seed the random seed
   * @return the pickle
   */
  public static byte[] densePickle(int targetBytes, long seed) {
    Random rnd = new Random(seed);
    PickleWriter w = new PickleWriter().proto(2).raw(']').put(0);
    for (int i = 1; i < 256; i++) {
      w.unicode("s" + i).put(i).raw('0'); // fill the memo so that every later BINGET hits
    }
    while (w.size() < targetBytes) {
      w.raw('(');
      for (int j = 0; j < 1000; j++) {
        switch (j & 7) {
          case 0 -> w.integer(rnd.nextInt(256));
          case 1 -> w.integer(rnd.nextInt(65536));
          case 2 -> w.integer(rnd.nextInt());
          case 3 -> w.unicode("key" + rnd.nextInt(100)).put(1 + rnd.nextInt(255));
          case 4 -> w.get(1 + rnd.nextInt(255));
          case 5 -> w.integer(rnd.nextInt(256)).integer(rnd.nextInt(256)).raw(0x86); // TUPLE2
          case 6 -> w.raw('(').integer(j).get(1 + rnd.nextInt(255)).integer(rnd.nextInt(256)).raw('t');
          default -> w.raw(0x88 + ((j >> 3) & 1)); // NEWTRUE / NEWFALSE
        }
      }
      w.raw('e'); // APPENDS
    }
    return w.raw('.').toByteArray();
  }

  /**
   * The data.pkl of a PyTorch zip checkpoint holding an OrderedDict of float tensors, opcode for opcode as {@code
   * torch.save} writes it (torch 1.13, protocol 2).
   *
   * @param numels the element count of each tensor; tensor i is stored in member data/i
   * @return the pickle
   */
  public static byte[] torchDataPkl(long[] numels) {
    PickleWriter w = new PickleWriter().proto(2).global("collections", "OrderedDict").put(0).raw(')', 'R');
    w.put(1).raw('(');
    int memo = 2;
    for (int i = 0; i < numels.length; i++) {
      w.unicode("layer" + i + ".weight").put(memo++);
      w.global("torch._utils", "_rebuild_tensor_v2").put(memo++);
      w.raw('(', '(').unicode("storage").put(memo++).global("torch", "FloatStorage").put(memo++);
      w.unicode(Integer.toString(i)).put(memo++).unicode("cpu").put(memo++);
      w.integer((int) Math.min(Integer.MAX_VALUE, numels[i])).raw('t').put(memo++).raw('Q');
      w.integer(0).integer((int) Math.min(Integer.MAX_VALUE, numels[i])).raw(0x85).put(memo++);
      w.integer(1).raw(0x85).put(memo++).raw(0x89).get(0).raw(')', 'R').put(memo++);
      w.raw('t').put(memo++).raw('R').put(memo++);
    }
    return w.raw('u', '.').toByteArray();
  }

  /**
   * Writes a stored (uncompressed) zip laid out like a PyTorch checkpoint: {@code archive/data.pkl}, {@code
   * archive/data/0..n-1} holding the tensor bytes (zeros), {@code archive/version}, every member's data aligned to 64
   * bytes with an extra field as torch does. When {@code sparse}, the tensor data are holes in the file (nothing is
   * written, so a 2 GB checkpoint takes no disk and is written at once); otherwise zeros are written.
   *
   * @param file where to write; replaced
   * @param dataBytes total tensor bytes, below 4 GiB (no zip64)
   * @param tensors how many data members
   * @param sparse whether to leave holes instead of writing zeros
   * @throws IOException when writing fails
   */
  public static void writeCheckpoint(Path file, long dataBytes, int tensors, boolean sparse) throws IOException {
    if (dataBytes >= (4L << 30) - (1 << 20)) {
      throw new IllegalArgumentException("this writer does not write zip64; keep the data below 4 GiB");
    }
    long per = dataBytes / tensors / 4 * 4;
    long[] numels = new long[tensors];
    java.util.Arrays.fill(numels, per / 4);
    long zerosCrc = crcOfZeros(per);
    byte[] pkl = torchDataPkl(numels);
    try (FileChannel ch =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
      ZipLayout zip = new ZipLayout(ch);
      zip.member("archive/data.pkl", pkl.length, crc(pkl), pkl, false);
      for (int i = 0; i < tensors; i++) {
        zip.member("archive/data/" + i, per, zerosCrc, null, sparse);
      }
      byte[] version = "3\n".getBytes(StandardCharsets.US_ASCII);
      zip.member("archive/version", version.length, crc(version), version, false);
      zip.finish();
    }
  }

  /**
   * Writes a protocol-4 pickle whose bulk is large BINBYTES arguments: a list of {@code payloadBytes / chunk} byte
   * strings of {@code chunk} bytes each (zeros). When {@code sparse}, the payloads are holes in the file.
   *
   * @param file where to write; replaced
   * @param payloadBytes total bytes of the byte strings
   * @param chunk bytes per BINBYTES argument, below 2 GiB
   * @param sparse whether to leave holes instead of writing zeros
   * @throws IOException when writing fails
   */
  public static void writeBulkPickle(Path file, long payloadBytes, int chunk, boolean sparse) throws IOException {
    try (FileChannel ch =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
      long pos = write(ch, 0, new PickleWriter().proto(4).raw(']', 0x94, '(').toByteArray());
      for (long done = 0; done < payloadBytes; done += chunk) {
        int n = (int) Math.min(chunk, payloadBytes - done);
        pos = write(ch, pos, new PickleWriter().raw('B').le32(n).toByteArray());
        pos = sparse ? pos + n : writeZeros(ch, pos, n);
      }
      write(ch, pos, new byte[] {'e', '.'});
    }
  }

  /**
   * A SafeTensors file: 8-byte little-endian header length, a JSON header describing {@code tensors} F32 tensors of
   * varied shapes, padded with spaces to 8 bytes, then the data (random bytes).
   *
   * @param tensors how many tensors
   * @param bytesPerTensor data bytes per tensor, a multiple of 4
   * @param seed the random seed
   * @return the file's bytes
   */
  public static byte[] safetensors(int tensors, int bytesPerTensor, long seed) {
    Random rnd = new Random(seed);
    StringBuilder json = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
    long offset = 0;
    for (int i = 0; i < tensors; i++) {
      int elements = bytesPerTensor / 4;
      int cols = elements % 16 == 0 ? 16 : 1;
      json.append(",\"model.layers.").append(i).append(".mlp.weight\":{\"dtype\":\"F32\",\"shape\":[")
          .append(elements / cols).append(',').append(cols).append("],\"data_offsets\":[")
          .append(offset).append(',').append(offset + bytesPerTensor).append("]}");
      offset += bytesPerTensor;
    }
    json.append('}');
    while (json.length() % 8 != 0) {
      json.append(' ');
    }
    byte[] header = json.toString().getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + header.length + (int) offset).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(header.length).put(header);
    byte[] data = new byte[(int) offset];
    rnd.nextBytes(data);
    b.put(data);
    return b.array();
  }

  /** The kinds of small files in {@link #writeSmallFiles}, in the order they take turns. */
  static final String[] SMALL_KINDS = {"pkl", "pt", "safetensors", "json", "bin", "pkl.gz"};

  /**
   * Writes {@code count} small files (about 1–4 KB) of mixed formats into 100 subdirectories of {@code dir}: pickles,
   * PyTorch zip checkpoints, SafeTensors, JSON configs, random binary blobs and gzipped pickles, taking turns.
   *
   * @param dir an existing directory
   * @param count how many files
   * @param seed the random seed
   * @return the total number of bytes written
   * @throws IOException when writing fails
   */
  public static long writeSmallFiles(Path dir, int count, long seed) throws IOException {
    Random rnd = new Random(seed);
    long total = 0;
    for (int i = 0; i < count; i++) {
      Path sub = dir.resolve(String.format("d%02d", i % 100));
      Files.createDirectories(sub);
      String kind = SMALL_KINDS[i % SMALL_KINDS.length];
      int size = 1024 + rnd.nextInt(3072);
      byte[] content = smallFile(kind, size, rnd);
      Files.write(sub.resolve(String.format("f%05d.%s", i, kind)), content);
      total += content.length;
    }
    return total;
  }

  static byte[] smallFile(String kind, int size, Random rnd) {
    switch (kind) {
      case "pkl":
        return smallPickle(size, rnd);
      case "pt":
        return smallCheckpoint(size, rnd);
      case "safetensors":
        return safetensors(1 + rnd.nextInt(4), (size / 4) / 16 * 16, rnd.nextLong());
      case "json":
        StringBuilder sb = new StringBuilder("{\"architectures\":[\"BertModel\"],\"vocab\":{");
        for (int k = 0; sb.length() < size; k++) {
          sb.append(k == 0 ? "" : ",").append("\"tok").append(k).append("\":").append(rnd.nextInt(30000));
        }
        return sb.append("}}\n").toString().getBytes(StandardCharsets.UTF_8);
      case "bin":
        byte[] b = new byte[size];
        rnd.nextBytes(b);
        b[0] = (byte) 0xF1; // no known magic: dispatch must conclude "unknown" by content
        return b;
      case "pkl.gz":
        try {
          ByteArrayOutputStream bytes = new ByteArrayOutputStream();
          try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(smallPickle(size * 2, rnd));
          }
          return bytes.toByteArray();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      default:
        throw new IllegalArgumentException(kind);
    }
  }

  private static byte[] smallPickle(int size, Random rnd) {
    PickleWriter w = new PickleWriter().proto(2).raw('}').put(0).raw('(');
    for (int k = 0; w.size() < size - 16; k++) {
      w.unicode("param" + k).integer(rnd.nextInt(100_000));
    }
    return w.raw('u', '.').toByteArray();
  }

  private static byte[] smallCheckpoint(int size, Random rnd) {
    int dataBytes = Math.max(64, size - 600) / 4 * 4;
    byte[] data = new byte[dataBytes];
    rnd.nextBytes(data);
    byte[] pkl = torchDataPkl(new long[] {dataBytes / 4});
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      stored(zip, "archive/data.pkl", pkl);
      stored(zip, "archive/data/0", data);
      stored(zip, "archive/version", "3\n".getBytes(StandardCharsets.US_ASCII));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static void stored(ZipOutputStream zip, String name, byte[] content) throws IOException {
    ZipEntry e = new ZipEntry(name);
    e.setMethod(ZipEntry.STORED);
    e.setSize(content.length);
    e.setCompressedSize(content.length);
    e.setCrc(crc(content));
    zip.putNextEntry(e);
    zip.write(content);
    zip.closeEntry();
  }

  /**
   * Deletes a directory tree (benchmark teardown).
   *
   * @param dir the directory; nothing happens when it does not exist
   * @throws IOException when deleting fails
   */
  public static void deleteTree(Path dir) throws IOException {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    List<Path> all = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.forEach(all::add);
    }
    all.sort(Comparator.reverseOrder());
    for (Path p : all) {
      Files.delete(p);
    }
  }

  static long crc(byte[] b) {
    CRC32 c = new CRC32();
    c.update(b);
    return c.getValue();
  }

  private static long crcOfZeros(long n) {
    CRC32 c = new CRC32();
    ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
    for (long done = 0; done < n; ) {
      int k = (int) Math.min(zeros.capacity(), n - done);
      zeros.clear().limit(k);
      c.update(zeros);
      done += k;
    }
    return c.getValue();
  }

  private static long write(FileChannel ch, long pos, byte[] b) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(b);
    long p = pos;
    while (buf.hasRemaining()) {
      p += ch.write(buf, p);
    }
    return p;
  }

  private static long writeZeros(FileChannel ch, long pos, long n) throws IOException {
    ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
    long p = pos;
    for (long end = pos + n; p < end; ) {
      zeros.clear().limit((int) Math.min(zeros.capacity(), end - p));
      while (zeros.hasRemaining()) {
        p += ch.write(zeros, p);
      }
    }
    return p;
  }

  /** Writes a stored zip member by member at explicit positions, so that member data can be left as holes. */
  private static final class ZipLayout {
    private final FileChannel ch;
    private final ByteArrayOutputStream central = new ByteArrayOutputStream();
    private long pos;
    private int entries;

    ZipLayout(FileChannel ch) {
      this.ch = ch;
    }

    void member(String name, long size, long crc, byte[] content, boolean sparse) throws IOException {
      byte[] n = name.getBytes(StandardCharsets.UTF_8);
      long headerEnd = pos + 30 + n.length;
      int pad = (int) ((64 - (headerEnd + 4) % 64) % 64); // torch aligns member data to 64 bytes
      ByteBuffer h = ByteBuffer.allocate(30 + n.length + 4 + pad).order(ByteOrder.LITTLE_ENDIAN);
      h.putInt(0x04034b50).putShort((short) 20).putShort((short) 0).putShort((short) 0).putInt(0);
      h.putInt((int) crc).putInt((int) size).putInt((int) size).putShort((short) n.length).putShort((short) (4 + pad));
      h.put(n).putShort((short) 0x4246).putShort((short) pad).put(new byte[pad]);
      long local = pos;
      pos = write(ch, pos, h.array());
      if (content != null) {
        pos = write(ch, pos, content);
      } else {
        pos = sparse ? pos + size : writeZeros(ch, pos, size);
      }
      ByteBuffer c = ByteBuffer.allocate(46 + n.length).order(ByteOrder.LITTLE_ENDIAN);
      c.putInt(0x02014b50).putShort((short) 20).putShort((short) 20).putShort((short) 0).putShort((short) 0);
      c.putInt(0).putInt((int) crc).putInt((int) size).putInt((int) size).putShort((short) n.length);
      c.putShort((short) 0).putShort((short) 0).putShort((short) 0).putShort((short) 0).putInt(0).putInt((int) local);
      c.put(n);
      central.writeBytes(c.array());
      entries++;
    }

    void finish() throws IOException {
      byte[] cd = central.toByteArray();
      long cdStart = pos;
      pos = write(ch, pos, cd);
      ByteBuffer e = ByteBuffer.allocate(22).order(ByteOrder.LITTLE_ENDIAN);
      e.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) entries)
          .putShort((short) entries).putInt(cd.length).putInt((int) cdStart).putShort((short) 0);
      write(ch, pos, e.array());
    }
  }
}
