package dev.modelscan.archive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.FileResult;
import dev.modelscan.api.MemberResult;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.io.ByteSource;
import dev.modelscan.api.spi.MemberKind;
import dev.modelscan.core.ModelScan;
import dev.modelscan.core.ScannerRegistry;
import dev.modelscan.testkit.ForwardingScanContext;
import dev.modelscan.testkit.RecordingScanContext;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 2 GiB {@code torch.save} layout: the tensor storages must be handed over as slices, never read. The bytes the
 * zip scanner reads are counted instead of timed (timings are not asserted in unit tests).
 */
class LargeCheckpointTest {

  private static final long GIB = 1L << 30;

  private static TorchLayout layout() {
    return new TorchLayout()
        .add("big/data.pkl", MarkerTestScanner.payload("a state dict"))
        .addVirtual("big/data/0", GIB)
        .addVirtual("big/data/1", 768L << 20)
        .addVirtual("big/data/2", 256L << 20)
        .add("big/version", "3\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
  }

  private record Handed(String name, long size, MemberKind kind) {}

  @Test
  void storagesAreSlicedNotReadSoTheScanReadsKilobytesOfTwoGigabytes() throws IOException {
    TorchLayout.CountingSource source = layout().source();
    assertThat(source.size()).isGreaterThan(2 * GIB);
    RecordingScanContext recording =
        new RecordingScanContext(source, "big.pt", "zip", ScanSettings.defaults(), "zip");
    List<Handed> handed = new ArrayList<>();
    ForwardingScanContext ctx =
        new ForwardingScanContext(recording) {
          @Override
          public MemberResult scanMember(String name, ByteSource content, MemberKind kind) {
            handed.add(new Handed(name, content.size(), kind));
            return new MemberResult(name, "seen", ScanStatus.COMPLETE, "", "");
          }
        };
    new ZipScanner().scan(ctx);
    assertThat(recording.format()).isEqualTo("pytorch-zip");
    assertThat(recording.findings()).isEmpty();
    assertThat(handed)
        .containsExactly(
            new Handed("big/data.pkl", 19, MemberKind.CONTENT),
            new Handed("big/data/0", GIB, MemberKind.OPAQUE_DATA),
            new Handed("big/data/1", 768L << 20, MemberKind.OPAQUE_DATA),
            new Handed("big/data/2", 256L << 20, MemberKind.OPAQUE_DATA),
            new Handed("big/version", 2, MemberKind.OPAQUE_DATA));
    // The end-record search reads the last 64 KiB; headers are read in 8 KiB blocks, one per header: all in all a
    // few hundred KiB, whatever the size of the storages.
    assertThat(source.bytesRead()).isLessThan(200_000);
  }

  @Test
  void zip64CheckpointBeyondFourGigabytesIsReadThroughItsZip64Records() throws IOException {
    TorchLayout.CountingSource source =
        new TorchLayout()
            .add("huge/data.pkl", MarkerTestScanner.payload("a state dict"))
            .addVirtual("huge/data/0", 5 * GIB)
            .addVirtual("huge/data/1", GIB)
            .add("huge/version", "3\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
            .source();
    RecordingScanContext recording =
        new RecordingScanContext(source, "huge.pt", "zip", ScanSettings.defaults(), "zip");
    List<Handed> handed = new ArrayList<>();
    new ZipScanner()
        .scan(
            new ForwardingScanContext(recording) {
              @Override
              public MemberResult scanMember(String name, ByteSource content, MemberKind kind) {
                handed.add(new Handed(name, content.size(), kind));
                return new MemberResult(name, "seen", ScanStatus.COMPLETE, "", "");
              }
            });
    assertThat(recording.findings()).isEmpty();
    assertThat(recording.format()).isEqualTo("pytorch-zip");
    assertThat(handed)
        .containsExactly(
            new Handed("huge/data.pkl", 19, MemberKind.CONTENT),
            new Handed("huge/data/0", 5 * GIB, MemberKind.OPAQUE_DATA),
            new Handed("huge/data/1", GIB, MemberKind.OPAQUE_DATA),
            new Handed("huge/version", 2, MemberKind.OPAQUE_DATA));
    assertThat(source.bytesRead()).isLessThan(200_000);
  }

  @Test
  void sparseTwoGigabyteCheckpointScansCompleteThroughTheFacade(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("big.pt");
    layout().writeSparse(file);
    ScannerRegistry registry =
        ScannerRegistry.builder().discover(false).add(new ZipScanner()).add(new MarkerTestScanner()).build();
    FileResult r = ModelScan.builder().registry(registry).build().scanFile(file);
    assertThat(r.format()).isEqualTo("pytorch-zip");
    assertThat(r.findings()).isEmpty();
    assertThat(r.status()).isEqualTo(ScanStatus.COMPLETE);
    assertThat(r.members())
        .filteredOn(m -> m.entry().startsWith("big/data/"))
        .hasSize(3)
        .allSatisfy(m -> assertThat(m.status()).isEqualTo(ScanStatus.COMPLETE));
  }
}
