package dev.modelscan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real-sized vocabulary pickle scanned by the command line in a JVM with a 64 MiB heap: it completes or stops at a
 * limit (PARTIAL, exit 2); it never runs out of memory into a FAILED result, and never exits 3 ("no model").
 */
class SmallHeapTest {

  @TempDir Path dir;

  /**
   * What {@code pickle.dumps({'w%07d' % i: i for i in range(n)}, protocol=4)} writes (CPython's {@code save_dict} with
   * {@code _batch_setitems} in batches of 1000, framed like {@code _Framer}): every key is memoized, so the memo grows
   * to n entries.
   */
  static void writeVocabulary(Path file, int n) throws IOException {
    try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
      out.write(new byte[] {(byte) 0x80, 4});
      ByteArrayOutputStream frame = new ByteArrayOutputStream(70_000);
      frame.write('}'); // EMPTY_DICT
      frame.write(0x94); // MEMOIZE
      for (int start = 0; start < n; start += 1000) {
        frame.write('('); // MARK
        for (int i = start; i < Math.min(n, start + 1000); i++) {
          frame.write(0x8c); // SHORT_BINUNICODE
          frame.write(8);
          frame.writeBytes(String.format("w%07d", i).getBytes(StandardCharsets.US_ASCII));
          frame.write(0x94);
          if (i < 0x100) {
            frame.write('K'); // BININT1
            frame.write(i);
          } else if (i < 0x10000) {
            frame.write('M'); // BININT2
            frame.write(i & 0xFF);
            frame.write(i >>> 8);
          } else {
            frame.write('J'); // BININT
            for (int k = 0; k < 4; k++) {
              frame.write(i >>> (8 * k));
            }
          }
        }
        frame.write('u'); // SETITEMS
        if (frame.size() >= 64 * 1024) {
          flushFrame(out, frame);
        }
      }
      frame.write('.');
      flushFrame(out, frame);
    }
  }

  private static void flushFrame(OutputStream out, ByteArrayOutputStream frame) throws IOException {
    out.write(0x95); // FRAME, 8-byte little-endian length
    long len = frame.size();
    for (int k = 0; k < 8; k++) {
      out.write((int) (len >>> (8 * k)));
    }
    frame.writeTo(out);
    frame.reset();
  }

  @Test
  void aThreeMillionKeyVocabularyUnder64MiBIsCompleteOrPartialNeverFailed() throws Exception {
    Path vocab = dir.resolve("vocab.pkl");
    writeVocabulary(vocab, 3_000_000);
    Path stdout = dir.resolve("out.txt");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p =
        new ProcessBuilder(
                List.of(
                    java.toString(),
                    "-Xmx64m",
                    "-cp",
                    System.getProperty("java.class.path"),
                    Main.class.getName(),
                    "scan",
                    "--no-progress",
                    "-j",
                    "1",
                    vocab.toString()))
            .redirectErrorStream(true)
            .redirectOutput(stdout.toFile())
            .start();
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
    String out = Files.readString(stdout);
    int code = p.exitValue();
    assertThat(code).as(out).isIn(0, 2);
    assertThat(out).doesNotContain("OutOfMemoryError").doesNotContain("failed]");
    if (code == 2) {
      assertThat(out).contains("vocab.pkl  [pickle, partial]", "maxPickleMemoSize", "Verdict: INCOMPLETE");
    } else {
      assertThat(out).contains("Verdict: CLEAN");
    }
  }

  @Test
  void theGeneratedVocabularyIsWhatPythonWrites() throws IOException {
    // The first bytes of pickle.dumps({'w%07d' % i: i for i in range(3)}, protocol=4), as CPython 3.11 writes them.
    Path small = dir.resolve("small.pkl");
    writeVocabulary(small, 3);
    byte[] python = {
      (byte) 0x80, 4, (byte) 0x95, 0x2c, 0, 0, 0, 0, 0, 0, 0, '}', (byte) 0x94, '(',
      (byte) 0x8c, 8, 'w', '0', '0', '0', '0', '0', '0', '0', (byte) 0x94, 'K', 0,
      (byte) 0x8c, 8, 'w', '0', '0', '0', '0', '0', '0', '1', (byte) 0x94, 'K', 1,
      (byte) 0x8c, 8, 'w', '0', '0', '0', '0', '0', '0', '2', (byte) 0x94, 'K', 2, 'u', '.'
    };
    assertThat(Files.readAllBytes(small)).isEqualTo(python);
  }
}
