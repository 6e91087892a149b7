package dev.modelscan.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.io.ByteSource;
import dev.modelscan.api.spi.ContentHead;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine's head and tail of content are the same bytes whichever way they are read. */
class ReadHeadTest {

  private static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  @Test
  void headAndTailMatchTheReferenceAtEverySizeBoundary(@TempDir Path dir) throws IOException {
    int h = ContentHead.HEAD_SIZE;
    int t = ContentHead.TAIL_SIZE;
    int[] sizes = {0, 1, h - 1, h, h + 1, t - 1, t, t + 1, h + t - 1, h + t, h + t + 1, 300_000};
    for (int size : sizes) {
      byte[] content = new byte[size];
      new Random(size).nextBytes(content);
      ContentHead expected = ContentHead.ofBytes(content, "x.bin");
      Path f = Files.write(dir.resolve("c" + size), content);
      try (ByteSource file = ByteSource.open(f)) {
        for (ByteSource s : new ByteSource[] {ByteSource.wrap(content), file}) {
          ContentHead got = ScanEngine.readHead(s, "x.bin");
          assertThat(got.size()).as("size %d", size).isEqualTo(size);
          assertThat(bytes(got.head())).as("head of %d", size).isEqualTo(bytes(expected.head()));
          assertThat(bytes(got.tail())).as("tail of %d", size).isEqualTo(bytes(expected.tail()));
          assertThat(got.isComplete()).isEqualTo(size <= h);
        }
      }
    }
  }
}
