package dev.modelscan.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.io.ByteSource;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SpoolTest {

  private static byte[] random(int n) {
    byte[] b = new byte[n];
    new Random(n).nextBytes(b);
    return b;
  }

  private static void roundTrips(byte[] content) throws IOException {
    try (Spool spool = new Spool()) {
      assertThat(spool.fill(new ByteArrayInputStream(content), Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE))
          .isNull();
      ByteSource s = spool.source();
      assertThat(s.size()).isEqualTo(content.length);
      assertThat(s.readBytes(0, content.length)).isEqualTo(content);
      byte[] one = new byte[1];
      assertThat(s.read(content.length, one, 0, 1)).isEqualTo(-1); // the view ends at the data, not the buffer
    }
  }

  @Test
  void smallContentIsServedFromMemoryWithoutTrailingBufferBytes() throws IOException {
    roundTrips(random(10_000)); // the buffer grows to 16 KiB; the source must still be 10,000 bytes
    roundTrips(new byte[0]);
  }

  @Test
  void contentPastTheThresholdIsSpilledAndReadBackExactly() throws IOException {
    roundTrips(random(Spool.MEMORY_THRESHOLD + 70_000));
  }

  /** The names the JVM will delete at exit; it keeps each one until then. */
  @SuppressWarnings("unchecked")
  private static java.util.Set<String> deleteOnExitNames() throws ReflectiveOperationException {
    java.lang.reflect.Field files = Class.forName("java.io.DeleteOnExitHook").getDeclaredField("files");
    files.setAccessible(true);
    return (java.util.Set<String>) files.get(null);
  }

  @Test
  void spillingRegistersNothingToDeleteAtExitAndCloseDeletesTheFile() throws Exception {
    // Each spooled member used to add its temporary file's name to the JVM's delete-on-exit list, which is never
    // trimmed: an embedder that scans for weeks grew it without end.
    java.nio.file.Path spilled;
    try (Spool spool = new Spool()) {
      spool.fill(
          new ByteArrayInputStream(random(Spool.MEMORY_THRESHOLD + 1)), Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE);
      spilled = spool.file();
      assertThat(spilled).isNotNull().exists();
      java.util.Set<String> names = deleteOnExitNames();
      synchronized (Class.forName("java.io.DeleteOnExitHook")) {
        assertThat(names).doesNotContain(spilled.toString());
      }
    }
    assertThat(spilled).doesNotExist();
  }

  @Test
  void theTemporaryFileIsDeletedWhenTheStreamFailsHalfWay() throws Exception {
    java.nio.file.Path spilled;
    Spool spool = new Spool();
    try (spool) {
      java.io.InputStream failing =
          new java.io.SequenceInputStream(
              new ByteArrayInputStream(random(Spool.MEMORY_THRESHOLD + 1)),
              new java.io.InputStream() {
                @Override
                public int read() throws IOException {
                  throw new IOException("corrupt");
                }
              });
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> spool.fill(failing, Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE))
          .hasMessage("corrupt");
      spilled = spool.file();
      assertThat(spilled).exists();
    }
    assertThat(spilled).doesNotExist();
  }

  @Test
  void theInMemoryPartIsBoundedByTheHeap() {
    assertThat((long) Spool.MEMORY_THRESHOLD)
        .isBetween(1L << 20, 8L << 20)
        .isLessThanOrEqualTo(Math.max(1L << 20, Runtime.getRuntime().maxMemory() / 32));
  }
}
