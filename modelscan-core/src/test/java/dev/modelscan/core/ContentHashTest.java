package dev.modelscan.core;

import static dev.modelscan.core.TestScanners.ascii;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.FileResult;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.io.ByteSource;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every result names the bytes that were judged by their SHA-256, taken from the source the scanners read. */
class ContentHashTest {

  @TempDir Path dir;

  private static ModelScan scanner(ScanSettings settings) {
    return ModelScan.builder()
        .registry(ScannerRegistry.builder().discover(false).add(new TestScanners.MarkerScanner()).build())
        .settings(settings)
        .build();
  }

  private static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  @Test
  void filesBytesAndStreamsCarryTheHashOfTheirContent() throws Exception {
    byte[] content = ascii("MARK ... EVIL ... more bytes");
    Path file = Files.write(dir.resolve("m.mark"), content);
    ModelScan scan = scanner(ScanSettings.defaults());
    String expected = sha256(content);
    assertThat(scan.scanFile(file).sha256()).isEqualTo(expected);
    assertThat(scan.scan(dir).results().get(0).sha256()).isEqualTo(expected);
    assertThat(scan.scanBytes(content, "m.mark").sha256()).isEqualTo(expected);
    assertThat(scan.scanStream(new ByteArrayInputStream(content), "-").sha256()).isEqualTo(expected);
    // Content no scanner claims was still read, so it has its hash too (a baseline can name it).
    assertThat(scan.scanBytes(ascii("plain"), "x.bin").sha256()).isEqualTo(sha256(ascii("plain")));
  }

  @Test
  void aHashSpansChunksAndTheEmptyContent() throws Exception {
    byte[] big = new byte[ContentHash.CHUNK * 2 + 17];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) (i * 31);
    }
    assertThat(ContentHash.sha256(ByteSource.wrap(big))).isEqualTo(sha256(big));
    assertThat(ContentHash.sha256(ByteSource.wrap(new byte[0]))).isEqualTo(sha256(new byte[0]));
  }

  @Test
  void contentNotReadToItsEndHasNoHash() throws IOException {
    // Skipped for its size: never opened, so no hash (a hash of nothing would match every skipped file).
    Path file = Files.write(dir.resolve("big.mark"), ascii("MARK 0123456789"));
    FileResult r = scanner(ScanSettings.builder().maxFileSize(4).build()).scanFile(file);
    assertThat(r.status()).isEqualTo(ScanStatus.SKIPPED);
    assertThat(r.sha256()).isEmpty();
    // A source that ends before its size: the bytes that exist are not the content, so no hash.
    ByteSource shrunk =
        new ByteSource() {
          @Override
          public long size() {
            return 100;
          }

          @Override
          public int read(long position, byte[] buffer, int offset, int length) throws IOException {
            return position >= 10 ? -1 : ByteSource.wrap(new byte[10]).read(position, buffer, offset, length);
          }

          @Override
          public ByteSource slice(long offset, long length) {
            throw new UnsupportedOperationException();
          }
        };
    assertThat(ContentHash.sha256(shrunk)).isEmpty();
  }

  @Test
  void theHashPassStopsAtTheDeadlineAndLeavesNoHash() {
    byte[] big = new byte[ContentHash.CHUNK * 3];
    int[] calls = {0};
    String hash =
        ContentHash.sha256(
            ByteSource.wrap(big),
            () -> {
              if (++calls[0] == 2) {
                throw new dev.modelscan.api.ScanLimitExceededException(
                    dev.modelscan.api.LimitType.SCAN_TIMEOUT, 1, -1, "scan of big");
              }
            });
    assertThat(hash).isEmpty();
    assertThat(calls[0]).isEqualTo(2);
  }

  @Test
  void aMappingTruncatedUnderTheHashLeavesNoHashAndDoesNotEscape() {
    ByteSource truncated =
        new ByteSource() {
          @Override
          public long size() {
            return 10;
          }

          @Override
          public int read(long position, byte[] buffer, int offset, int length) {
            // What a read of a MappedByteBuffer throws when the file was truncated under the mapping.
            throw new InternalError("a fault occurred in an unsafe memory access operation");
          }

          @Override
          public ByteSource slice(long offset, long length) {
            throw new UnsupportedOperationException();
          }
        };
    assertThat(ContentHash.sha256(truncated)).isEmpty();
  }

  /** A source that remembers which threads read it. */
  private static final class ThreadRecordingSource implements ByteSource {
    final ByteSource inner;
    final java.util.Set<String> readers = java.util.concurrent.ConcurrentHashMap.newKeySet();

    ThreadRecordingSource(byte[] content) {
      inner = ByteSource.wrap(content);
    }

    @Override
    public long size() {
      return inner.size();
    }

    @Override
    public int read(long position, byte[] buffer, int offset, int length) throws IOException {
      readers.add(Thread.currentThread().getName());
      return inner.read(position, buffer, offset, length);
    }

    @Override
    public ByteSource slice(long offset, long length) {
      return inner.slice(offset, length);
    }
  }

  @Test
  void aLargeInputIsHashedOnAThreadOfItsOwnWhileASmallOneWaitsForTheScan() throws Exception {
    byte[] large = new byte[(int) ContentHash.CONCURRENT_BYTES + 5];
    large[large.length - 1] = 7;
    ThreadRecordingSource big = new ThreadRecordingSource(large);
    ContentHash.Pending pending = ContentHash.start(big, () -> {});
    assertThat(pending.get()).isEqualTo(sha256(large));
    assertThat(big.readers).containsExactly("modelscan-hash");

    byte[] smallContent = new byte[(int) ContentHash.CONCURRENT_BYTES - 1];
    ThreadRecordingSource small = new ThreadRecordingSource(smallContent);
    ContentHash.Pending later = ContentHash.start(small, () -> {});
    assertThat(small.readers).as("nothing read before the scan is done").isEmpty();
    assertThat(later.get()).isEqualTo(sha256(smallContent));
    assertThat(small.readers).containsExactly(Thread.currentThread().getName());

    // Through the engine, the large input's result carries the same hash.
    assertThat(scanner(ScanSettings.defaults()).scanBytes(large, "big.bin").sha256()).isEqualTo(sha256(large));
  }

  @Test
  void withoutAThreadToBeHadTheHashIsTakenOnTheScanningThread() throws Exception {
    byte[] large = new byte[(int) ContentHash.CONCURRENT_BYTES + 1];
    ThreadRecordingSource big = new ThreadRecordingSource(large);
    ContentHash.Pending pending =
        ContentHash.start(
            big,
            () -> {},
            r ->
                new Thread(r) {
                  @Override
                  public synchronized void start() {
                    throw new OutOfMemoryError("unable to create native thread: possibly out of memory");
                  }
                });
    assertThat(big.readers).isEmpty();
    assertThat(pending.get()).isEqualTo(sha256(large));
    assertThat(big.readers).containsExactly(Thread.currentThread().getName());
  }

  @Test
  void aConcurrentHashStillStopsAtTheDeadline() {
    byte[] large = new byte[(int) ContentHash.CONCURRENT_BYTES];
    java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
    ContentHash.Pending pending =
        ContentHash.start(
            ByteSource.wrap(large),
            () -> {
              if (calls.incrementAndGet() == 3) {
                throw new dev.modelscan.api.ScanLimitExceededException(
                    dev.modelscan.api.LimitType.SCAN_TIMEOUT, 1, -1, "scan of big");
              }
            });
    assertThat(pending.get()).isEmpty();
    assertThat(calls.get()).isEqualTo(3);
  }
}
