package dev.modelscan.robustness.property;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.modelscan.api.FileResult;
import dev.modelscan.api.ScanLimits;
import dev.modelscan.api.ScanReport;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.Verdict;
import dev.modelscan.core.ModelScan;
import dev.modelscan.robustness.Samples;
import dev.modelscan.robustness.Scans;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * For every kind of input (a regular file, a stream, a FIFO, a directory, a symbolic link named directly, a device, a
 * kernel file) and every content, the verdict is never CLEAN unless every byte of the content was read (issue 14).
 * "Read" is checked from outside the engine: the stream was consumed to its end, the reported size is the content's
 * length. And the same bytes get the same verdict whatever carries them.
 */
// A separate thread: a FIFO open blocks in native code, which no interrupt ends; the test must fail, not hang.
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class InputKindPropertyTest {

  /** Every kind of input the facade can be handed. */
  enum Kind {
    REGULAR,
    STREAM,
    FIFO,
    DIRECTORY,
    SYMLINK
  }

  private static final ModelScan SCAN = Scans.DEFAULT;

  /** The generated samples plus edge contents: empty, one byte, seeded noise. */
  static Map<String, byte[]> contents() {
    Map<String, byte[]> m = new LinkedHashMap<>(Samples.all());
    m.put("empty.bin", new byte[0]);
    m.put("one.bin", new byte[] {'('});
    for (int seed = 1; seed <= 3; seed++) {
      byte[] noise = new byte[64 + seed * 1000];
      new Random(seed).nextBytes(noise);
      m.put("noise" + seed + ".bin", noise);
    }
    return m;
  }

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (Map.Entry<String, byte[]> e : contents().entrySet()) {
      for (Kind k : Kind.values()) {
        out.add(Arguments.of(k, e.getKey(), e.getValue()));
      }
    }
    return out.stream();
  }

  @TempDir Path dir;

  /** Counts what the engine took from a stream, and whether it reached the end. */
  static final class CountingStream extends FilterInputStream {
    long delivered;
    boolean ended;

    CountingStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b < 0) {
        ended = true;
      } else {
        delivered++;
      }
      return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
      int n = super.read(buf, off, len);
      if (n < 0) {
        ended = true;
      } else {
        delivered += n;
      }
      return n;
    }
  }

  private Path mkfifo(String name) throws IOException, InterruptedException {
    Path f = dir.resolve(name);
    Process p = new ProcessBuilder("mkfifo", f.toString()).redirectErrorStream(true).start();
    assumeTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, "mkfifo is not available");
    return f;
  }

  private static void writeInBackground(Path fifo, byte[] content, CountDownLatch hold) {
    Thread t =
        new Thread(
            () -> {
              try (OutputStream out = Files.newOutputStream(fifo)) {
                out.write(content);
                out.flush();
                if (hold != null) {
                  hold.await();
                }
              } catch (IOException | InterruptedException ignored) {
                // the reader stopped reading; the verdict below must then not be clean
              }
            });
    t.setDaemon(true);
    t.start();
  }

  /** The verdict of one input, checked against the bytes it held. */
  private Verdict scanAs(Kind kind, String name, byte[] content) throws Exception {
    switch (kind) {
      case REGULAR: {
        FileResult r = SCAN.scanFile(Files.write(dir.resolve(name), content));
        return judged(r, content.length);
      }
      case STREAM: {
        CountingStream in = new CountingStream(new ByteArrayInputStream(content));
        FileResult r = SCAN.scanStream(in, name);
        Verdict v = verdict(r);
        if (v == Verdict.CLEAN) {
          assertThat(in.ended).as("clean, but the stream was not read to its end").isTrue();
          assertThat(in.delivered).isEqualTo(content.length);
        }
        return judged(r, content.length);
      }
      case FIFO: {
        Path f = mkfifo(name);
        writeInBackground(f, content, null);
        return judged(SCAN.scanFile(f), content.length);
      }
      case DIRECTORY: {
        Path d = Files.createDirectory(dir.resolve("tree"));
        Files.write(d.resolve(name), content);
        ScanReport report = SCAN.scan(d);
        if (report.verdict() == Verdict.CLEAN) {
          assertThat(report.results()).singleElement().satisfies(r -> judged(r, content.length));
        }
        return report.verdict();
      }
      case SYMLINK: {
        Path target = Files.write(dir.resolve("target-" + name), content);
        Path link = Files.createSymbolicLink(dir.resolve(name), target);
        return judged(SCAN.scanFile(link), content.length);
      }
      default:
        throw new IllegalStateException(kind.name());
    }
  }

  private static Verdict verdict(FileResult r) {
    return new ScanReport("test", dev.modelscan.core.report.ReportPolicy.DEFAULT_SEVERITY_THRESHOLD, List.of(r), Duration.ZERO).verdict();
  }

  /** CLEAN only with every byte: complete, and the size the engine saw is the content's length. */
  private static Verdict judged(FileResult r, long length) {
    Verdict v = verdict(r);
    if (v == Verdict.CLEAN) {
      assertThat(r.status()).as(r.path()).isEqualTo(ScanStatus.COMPLETE);
      assertThat(r.size()).as(r.path() + ": clean, but not every byte was seen").isEqualTo(length);
    }
    return v;
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void neverCleanUnlessEveryByteWasReadAndTheSameBytesGetTheSameVerdict(Kind kind, String name, byte[] content)
      throws Exception {
    Verdict v = scanAs(kind, name, content);
    Verdict asFile = judged(SCAN.scanFile(Files.write(dir.resolve("reference-" + name), content)), content.length);
    if (content.length == 0 && kind == Kind.FIFO) {
      // An empty pipe is what a failed producer leaves: never clean, unlike a really empty file.
      assertThat(v).isNotEqualTo(Verdict.CLEAN);
    } else {
      assertThat(v).as(kind + " " + name).isEqualTo(asFile);
    }
  }

  @ParameterizedTest(name = "stalled FIFO {0}")
  @MethodSource("stalledContents")
  void aProducerThatNeverFinishesIsNeverClean(String name, byte[] content) throws Exception {
    Path f = mkfifo(name);
    CountDownLatch hold = new CountDownLatch(1);
    writeInBackground(f, content, hold);
    ModelScan quick =
        ModelScan.builder()
            .registry(Scans.REGISTRY)
            .parallelism(1)
            .settings(
                ScanSettings.builder()
                    .limits(ScanLimits.builder().scanTimeout(Duration.ofSeconds(2)).build())
                    .build())
            .build();
    try {
      FileResult r = quick.scanFile(f);
      assertThat(verdict(r)).isNotEqualTo(Verdict.CLEAN);
      assertThat(r.status()).isNotEqualTo(ScanStatus.COMPLETE);
    } finally {
      hold.countDown();
    }
  }

  static Stream<Arguments> stalledContents() {
    return Stream.of(
        Arguments.of("benign.pkl", Samples.BENIGN_PICKLE), Arguments.of("empty.bin", new byte[0]));
  }

  @Test
  void aStreamThatBreaksOffIsNeverClean() {
    byte[] content = Samples.BENIGN_PICKLE;
    InputStream broken =
        new java.io.SequenceInputStream(
            new ByteArrayInputStream(content, 0, content.length / 2),
            new InputStream() {
              @Override
              public int read() throws IOException {
                throw new IOException("connection reset");
              }
            });
    try {
      FileResult r = SCAN.scanStream(broken, "upload.pkl");
      assertThat(verdict(r)).isNotEqualTo(Verdict.CLEAN);
    } catch (UncheckedIOException expected) {
      // the documented outcome: no result at all, certainly not a clean one
    }
  }

  @Test
  void aDeviceIsNeverClean() {
    for (String device : List.of("/dev/zero", "/dev/null", "/dev/urandom")) {
      Path p = Path.of(device);
      if (Files.exists(p)) {
        assertThat(SCAN.scan(p).verdict()).as(device).isNotEqualTo(Verdict.CLEAN);
        assertThat(SCAN.scanFile(p).status()).as(device).isEqualTo(ScanStatus.FAILED);
      }
    }
  }

  @Test
  void aKernelFileIsCleanOnlyForWhatItReallyHeld() throws IOException {
    Path status = Path.of("/proc/self/status");
    assumeTrue(Files.isReadable(status), "no procfs");
    FileResult r = SCAN.scanFile(status);
    if (verdict(r) == Verdict.CLEAN) {
      // Its size says 0; clean is only right if its content was read: the engine saw the bytes it holds.
      assertThat(r.size()).isPositive();
      assertThat(r.format()).isNotEqualTo("empty");
    }
  }
}
