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

  @Test
  void theInMemoryPartIsBoundedByTheHeap() {
    assertThat((long) Spool.MEMORY_THRESHOLD)
        .isBetween(1L << 20, 8L << 20)
        .isLessThanOrEqualTo(Math.max(1L << 20, Runtime.getRuntime().maxMemory() / 32));
  }
}
