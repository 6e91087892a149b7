package dev.modelscan.robustness;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.sevenz.SevenZArchiveEntry;
import org.apache.commons.compress.archivers.sevenz.SevenZMethod;
import org.apache.commons.compress.archivers.sevenz.SevenZMethodConfiguration;
import org.apache.commons.compress.archivers.sevenz.SevenZOutputFile;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;

/**
 * Small samples generated in the test with the JDK and commons-compress, so that the properties have containers and
 * pickles to mutate even before the format modules commit fixtures, and so that the denial-of-service tests can build
 * their bombs from a real archive. Payloads are harmless ({@code echo pwned}) and never executed.
 */
public final class Samples {

  /** A protocol-0 pickle that calls {@code os.system('echo pwned')}. */
  public static final byte[] EVIL_PICKLE_P0 = Pickles.ascii("cos\nsystem\n(S'echo pwned'\ntR.");

  /** A protocol-2 pickle with STACK_GLOBAL that calls {@code os.system('echo pwned')} inside a dict. */
  public static final byte[] EVIL_PICKLE_P2;

  /** A benign protocol-2 pickle: {@code {'w': [1, 2]}}. */
  public static final byte[] BENIGN_PICKLE;

  static {
    Pickles.Writer w = new Pickles.Writer();
    w.op(0x80).le(2, 1).op('}').op('q').le(0, 1).binUnicode("cmd");
    w.binUnicode("os").binUnicode("system").op(0x93).binUnicode("echo pwned").op(0x85).op('R');
    w.op('s').op('.');
    EVIL_PICKLE_P2 = w.program().bytes();
    Pickles.Writer b = new Pickles.Writer();
    b.op(0x80).le(2, 1).op('}').binUnicode("w").op(']').op('(').op('K').le(1, 1).op('K').le(2, 1).op('e');
    b.op('s').op('.');
    BENIGN_PICKLE = b.program().bytes();
  }

  private Samples() {}

  /**
   * A deflated zip of the given members, written by {@link ZipOutputStream}.
   *
   * @param members name to content, in order
   * @return the archive
   */
  public static byte[] zip(Map<String, byte[]> members) {
    return zip(members, ZipEntry.DEFLATED);
  }

  /**
   * A zip of the given members with one compression method.
   *
   * @param members name to content, in order
   * @param method {@link ZipEntry#DEFLATED} or {@link ZipEntry#STORED}
   * @return the archive
   */
  public static byte[] zip(Map<String, byte[]> members, int method) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      for (Map.Entry<String, byte[]> m : members.entrySet()) {
        ZipEntry e = new ZipEntry(m.getKey());
        e.setMethod(method);
        if (method == ZipEntry.STORED) {
          CRC32 crc = new CRC32();
          crc.update(m.getValue());
          e.setSize(m.getValue().length);
          e.setCompressedSize(m.getValue().length);
          e.setCrc(crc.getValue());
        }
        zip.putNextEntry(e);
        zip.write(m.getValue());
        zip.closeEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * A PyTorch-style zip: {@code archive/data.pkl} plus a version member, stored (as torch.save writes them).
   *
   * @param pickle the pickle to put in data.pkl
   * @return the archive
   */
  public static byte[] torchZip(byte[] pickle) {
    Map<String, byte[]> m = new LinkedHashMap<>();
    m.put("archive/data.pkl", pickle);
    m.put("archive/version", Pickles.ascii("3\n"));
    return zip(m, ZipEntry.STORED);
  }

  /**
   * Gzip of the content.
   *
   * @param content the content
   * @return the gzip stream
   */
  public static byte[] gzip(byte[] content) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write(content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * A ustar archive with one member.
   *
   * @param name the member name
   * @param content the member content
   * @return the archive
   */
  public static byte[] tar(String name, byte[] content) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      TarArchiveEntry e = new TarArchiveEntry(name);
      e.setSize(content.length);
      tar.putArchiveEntry(e);
      tar.write(content);
      tar.closeArchiveEntry();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * A 7z archive (LZMA2 with a 64 KiB dictionary) with one member.
   *
   * @param name the member name
   * @param content the member content
   * @return the archive
   */
  public static byte[] sevenZ(String name, byte[] content) {
    try (SeekableInMemoryByteChannel channel = new SeekableInMemoryByteChannel()) {
      try (SevenZOutputFile out = new SevenZOutputFile(channel)) {
        // The default LZMA2 preset's encoder needs about 100 MiB; a 64 KiB dictionary fits the tests' small heap.
        out.setContentMethods(List.of(new SevenZMethodConfiguration(SevenZMethod.LZMA2, 1 << 16)));
        SevenZArchiveEntry e = new SevenZArchiveEntry();
        e.setName(name);
        e.setSize(content.length);
        out.putArchiveEntry(e);
        out.write(content);
        out.closeArchiveEntry();
      }
      return java.util.Arrays.copyOf(channel.array(), (int) channel.size());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Every generated sample by name: pickles, and the malicious pickle wrapped in each container.
   *
   * @return name to bytes, in a fixed order
   */
  public static Map<String, byte[]> all() {
    Map<String, byte[]> m = new LinkedHashMap<>();
    m.put("evil_p0.pkl", EVIL_PICKLE_P0);
    m.put("evil_p2.pkl", EVIL_PICKLE_P2);
    m.put("benign.pkl", BENIGN_PICKLE);
    m.put("evil_torch.pt", torchZip(EVIL_PICKLE_P2));
    m.put("benign_torch.pt", torchZip(BENIGN_PICKLE));
    m.put("evil.pkl.gz", gzip(EVIL_PICKLE_P2));
    m.put("evil.tar", tar("model.pkl", EVIL_PICKLE_P2));
    m.put("evil.7z", sevenZ("model.pkl", EVIL_PICKLE_P2));
    m.put("nested.zip", zip(Map.of("inner.zip", torchZip(EVIL_PICKLE_P0))));
    return m;
  }
}
