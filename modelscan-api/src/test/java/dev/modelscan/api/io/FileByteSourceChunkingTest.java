package dev.modelscan.api.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Large reads of a file source are split into bounded system calls, and still return exactly the file's bytes. */
class FileByteSourceChunkingTest {

  @Test
  void readsSpanningManyChunksReturnTheExactBytes(@TempDir Path dir) throws IOException {
    byte[] data = new byte[FileByteSource.MAX_CHUNK * 3 + 1234];
    new Random(5).nextBytes(data);
    Path f = Files.write(dir.resolve("data"), data);
    try (ByteSource s = ByteSource.open(f)) {
      assertThat(s.readBytes(0, data.length)).isEqualTo(data);
      ByteSource slice = s.slice(FileByteSource.MAX_CHUNK - 7, FileByteSource.MAX_CHUNK * 2 + 100);
      byte[] buf = new byte[(int) slice.size() + 50];
      assertThat(slice.read(3, buf, 50, buf.length - 50)).isEqualTo((int) slice.size() - 3);
      assertThat(Arrays.copyOfRange(buf, 50, 50 + (int) slice.size() - 3))
          .isEqualTo(Arrays.copyOfRange(data, FileByteSource.MAX_CHUNK - 4, FileByteSource.MAX_CHUNK * 3 + 93));
    }
  }

  /**
   * A 16 MiB read in a JVM whose direct memory is capped at 1 MiB: unsplit, the JDK's temporary direct buffer for the
   * read needs 16 MiB and the read dies with "Direct buffer memory".
   */
  @Test
  void aLargeReadNeedsNoLargeNativeBuffer(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("big");
    try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(f.toFile(), "rw")) {
      raf.setLength(16 << 20);
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(
                List.of(
                    java,
                    "-XX:MaxDirectMemorySize=1m",
                    "-cp",
                    location(ByteSource.class) + File.pathSeparator + location(BigRead.class),
                    BigRead.class.getName(),
                    f.toString()))
            .redirectErrorStream(true)
            .start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(out).contains("read " + (16 << 20));
    assertThat(p.exitValue()).isZero();
  }

  /** Where a class was loaded from: surefire may run on the module path, so java.class.path does not say. */
  private static String location(Class<?> c) throws Exception {
    return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
  }

  /** Reads a whole file in one call (run in a child JVM by the test above). */
  static final class BigRead {
    private BigRead() {}

    public static void main(String[] args) throws IOException {
      try (ByteSource s = ByteSource.open(Path.of(args[0]))) {
        byte[] b = new byte[(int) s.size()];
        System.out.println("read " + s.read(0, b, 0, b.length));
      }
    }
  }
}
