package dev.modelscan.archive;

import static dev.modelscan.archive.Fixtures.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.FileResult;
import dev.modelscan.api.Finding;
import dev.modelscan.api.MemberResult;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.Severity;
import dev.modelscan.archive.code.ExecutableScanner;
import dev.modelscan.archive.code.ExecutableScannerTest;
import dev.modelscan.core.ModelScan;
import dev.modelscan.core.ScannerRegistry;
import dev.modelscan.archive.code.TextScanner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.sevenz.SevenZArchiveEntry;
import org.apache.commons.compress.archivers.sevenz.SevenZOutputFile;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;
import org.junit.jupiter.api.Test;

/** The container scanners through the engine ({@link ModelScan}): recursion, limits and status roll-up. */
class ContainerEndToEndTest {

  private static ModelScan engine(ScanSettings settings) {
    ScannerRegistry registry =
        ScannerRegistry.builder()
            .discover(false)
            .add(new ZipScanner())
            .add(new TarScanner())
            .add(new CompressedStreamScanner())
            .add(new SevenZipScanner())
            .add(new ExecutableScanner())
            .add(new TextScanner())
            .add(new MarkerTestScanner())
            .build();
    return ModelScan.builder().registry(registry).settings(settings).build();
  }

  private static ModelScan engine() {
    return engine(ScanSettings.defaults());
  }

  private static byte[] zip(String name, byte[] content, boolean deflate) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(out)) {
      ZipEntry e = new ZipEntry(name);
      if (!deflate) {
        CRC32 crc = new CRC32();
        crc.update(content);
        e.setMethod(ZipEntry.STORED);
        e.setSize(content.length);
        e.setCrc(crc.getValue());
      }
      z.putNextEntry(e);
      z.write(content);
      z.closeEntry();
    }
    return out.toByteArray();
  }

  private static byte[] gzip(byte[] content) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(content);
    }
    return out.toByteArray();
  }

  private static List<Finding> evil(FileResult r) {
    return r.findings().stream().filter(f -> f.ruleId().equals(MarkerTestScanner.EVIL.id())).toList();
  }

  @Test
  void zipInZipInGzipReachesTheInnermostMember() throws IOException {
    byte[] inner = zip("deep/payload.bin", MarkerTestScanner.payload("EVIL"), true);
    byte[] outer = zip("inner.zip", inner, true);
    FileResult r = engine().scanBytes(gzip(outer), "model.zip.gz");
    assertThat(r.format()).isEqualTo("gzip");
    assertThat(r.status()).isEqualTo(ScanStatus.COMPLETE);
    assertThat(evil(r))
        .singleElement()
        .satisfies(f -> assertThat(f.location().entry()).isEqualTo("model.zip!/inner.zip!/deep/payload.bin"));
  }

  @Test
  void deflateBombIsReportedAndThePartialStatusRollsUp() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(out)) {
      z.putNextEntry(new ZipEntry("weights.bin"));
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 32; i++) {
        z.write(zeros);
      }
      z.closeEntry();
    }
    FileResult r = engine().scanBytes(out.toByteArray(), "bomb.zip");
    assertThat(r.findings()).extracting(Finding::ruleId).contains("MODELSCAN-DECOMPRESSION-BOMB");
    assertThat(r.status()).isEqualTo(ScanStatus.PARTIAL);
  }

  @Test
  void nestingBeyondTheDepthLimitIsPartialWithALimitFinding() throws IOException {
    byte[] content = MarkerTestScanner.payload("EVIL");
    for (int i = 0; i < 5; i++) {
      content = zip("level" + i + ".zip", content, false);
    }
    ScanSettings shallow = Fixtures.limits(l -> l.maxNestingDepth(3));
    FileResult r = engine(shallow).scanBytes(content, "nest.zip");
    assertThat(r.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(r.findings()).extracting(Finding::ruleId).contains("MODELSCAN-LIMIT-REACHED");
    assertThat(evil(r)).isEmpty();
    // With the default depth the payload is reached.
    assertThat(evil(engine().scanBytes(content, "nest.zip"))).hasSize(1);
  }

  @Test
  void payloadBeforeAZipIsAPolyglotAndBothReadingsAreScanned() throws IOException {
    byte[] prefix = MarkerTestScanner.payload("EVIL ");
    byte[] archive = zip("archive/notes.txt", "plain notes\n".getBytes(StandardCharsets.US_ASCII), false);
    byte[] polyglot = new byte[prefix.length + archive.length];
    System.arraycopy(prefix, 0, polyglot, 0, prefix.length);
    System.arraycopy(archive, 0, polyglot, prefix.length, archive.length);
    FileResult r = engine().scanBytes(polyglot, "model.pt");
    assertThat(r.findings())
        .extracting(Finding::ruleId)
        .contains("MODELSCAN-POLYGLOT", "ZIP-PREPENDED-DATA", MarkerTestScanner.EVIL.id());
    assertThat(r.members()).extracting(MemberResult::entry).contains("archive/notes.txt", "[prepended-data]");
  }

  @Test
  void genuineTorchCheckpointHasOpaqueStoragesAndAnUnscannedPickleMakesItPartial() {
    FileResult r = engine().scanBytes(bytes("zip/torch_state_dict.pt"), "sd.pt");
    assertThat(r.format()).isEqualTo("pytorch-zip");
    assertThat(r.findings()).extracting(Finding::ruleId).doesNotContain("ARCHIVE-HIDDEN-DATA", "ZIP-BAD-CRC");
    assertThat(r.members())
        .filteredOn(m -> m.entry().startsWith("archive/data/"))
        .allSatisfy(m -> assertThat(m.status()).isEqualTo(ScanStatus.COMPLETE));
    // No pickle scanner in this registry: data.pkl is not judged, so the checkpoint is not complete.
    assertThat(r.members())
        .filteredOn(m -> m.entry().equals("archive/data.pkl"))
        .singleElement()
        .satisfies(m -> assertThat(m.status()).isEqualTo(ScanStatus.SKIPPED));
    assertThat(r.status()).isEqualTo(ScanStatus.PARTIAL);
  }

  @Test
  void encryptedFlagOverUnrecognisedBytesIsPartial() throws IOException {
    byte[] archive = zip("secret.bin", new byte[] {(byte) 0x93, 0x11, (byte) 0xA7, 0x02, 0x55}, false);
    // Set bit 0 of the general purpose flags in the local header (offset 6) and the central entry (offset 8).
    archive[6] |= 1;
    int cd = indexOf(archive, new byte[] {'P', 'K', 1, 2});
    archive[cd + 8] |= 1;
    FileResult r = engine().scanBytes(archive, "enc.zip");
    assertThat(r.findings()).extracting(Finding::ruleId).contains("ARCHIVE-ENCRYPTED-MEMBER");
    assertThat(r.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(r.statusReason()).contains("encrypted");
  }

  @Test
  void tarInGzipWithPayloadAndLinksIsScanned() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
      byte[] payload = MarkerTestScanner.payload("EVIL");
      TarArchiveEntry file = new TarArchiveEntry("model/blob");
      file.setSize(payload.length);
      tar.putArchiveEntry(file);
      tar.write(payload);
      tar.closeArchiveEntry();
      TarArchiveEntry link = new TarArchiveEntry("model/creds", TarArchiveEntry.LF_SYMLINK);
      link.setLinkName("/home/user/.aws/credentials");
      tar.putArchiveEntry(link);
      tar.closeArchiveEntry();
    }
    FileResult r = engine().scanBytes(gzip(out.toByteArray()), "model.tgz");
    assertThat(evil(r))
        .singleElement()
        .satisfies(f -> assertThat(f.location().entry()).isEqualTo("model.tar!/model/blob"));
    assertThat(r.findings()).extracting(Finding::ruleId).contains("ARCHIVE-LINK-MEMBER");
    assertThat(r.status()).isEqualTo(ScanStatus.COMPLETE);
  }

  @Test
  void executableHiddenInAZipIsHigh() throws IOException {
    byte[] archive = zip("hidden_binary", ExecutableScannerTest.elf(), true);
    FileResult r = engine().scanBytes(archive, "model.zip");
    assertThat(r.findings())
        .filteredOn(f -> f.ruleId().equals("ARCHIVE-EMBEDDED-EXECUTABLE"))
        .singleElement()
        .satisfies(f -> {
          assertThat(f.severity()).isEqualTo(Severity.HIGH);
          assertThat(f.location().entry()).isEqualTo("hidden_binary");
        });
  }

  @Test
  void sevenZipMembersAreDispatched() throws IOException {
    SeekableInMemoryByteChannel channel = new SeekableInMemoryByteChannel();
    try (SevenZOutputFile seven = new SevenZOutputFile(channel)) {
      byte[] payload = MarkerTestScanner.payload("EVIL");
      SevenZArchiveEntry e = new SevenZArchiveEntry();
      e.setName("weights/model.bin");
      e.setSize(payload.length);
      seven.putArchiveEntry(e);
      seven.write(payload);
      seven.closeArchiveEntry();
    }
    byte[] archive = java.util.Arrays.copyOf(channel.array(), (int) channel.size());
    FileResult r = engine().scanBytes(archive, "model.7z");
    assertThat(r.format()).isEqualTo("7z");
    assertThat(evil(r))
        .singleElement()
        .satisfies(f -> assertThat(f.location().entry()).isEqualTo("weights/model.bin"));
    assertThat(r.status()).isEqualTo(ScanStatus.COMPLETE);
  }

  @Test
  void pickleFixturesInEveryWrapperReachDispatch() {
    // Core has no pickle scanner: the decompressed pickle is reached and reported as not scanned, never clean.
    for (String fixture :
        new String[] {"payload.pkl.gz", "payload.pkl.bz2", "payload.pkl.xz", "payload.pkl.lzma", "payload.pkl.lz4"}) {
      FileResult r = engine().scanBytes(bytes("compressed/" + fixture), fixture);
      assertThat(r.members())
          .as(fixture)
          .singleElement()
          .satisfies(m -> {
            assertThat(m.entry()).isEqualTo("payload.pkl");
            assertThat(m.status()).isEqualTo(ScanStatus.SKIPPED);
          });
      assertThat(r.status()).as(fixture).isEqualTo(ScanStatus.PARTIAL);
    }
  }

  /**
   * A NeMo-style tar whose last member is a torch.save zip (make_false_alarm_fixtures.py): the inner zip's end record
   * lies in the tar's tail, but it is the member's own structure, scanned as the member; neither a polyglot nor data
   * prepended to a zip.
   */
  @Test
  void tarWhoseLastMemberIsAZipIsNotAPolyglot() {
    FileResult r = engine().scanBytes(bytes("tar/nemo_checkpoint.nemo"), "nemo_checkpoint.nemo");
    assertThat(r.findings()).as(r.toString()).isEmpty();
    assertThat(r.members())
        .anySatisfy(m -> {
          assertThat(m.entry()).isEqualTo("./model_weights.ckpt");
          assertThat(m.format()).isEqualTo("pytorch-zip");
        });
    assertThat(r.members()).noneSatisfy(m -> assertThat(m.entry()).startsWith("[prepended-data]"));
  }

  @Test
  void zipAppendedAfterTheTarIsStillAPolyglot() throws IOException {
    byte[] tar = bytes("tar/nemo_checkpoint.nemo");
    byte[] appended = concat(tar, zip("a.bin", "hello".getBytes(StandardCharsets.US_ASCII), false));
    FileResult r = engine().scanBytes(appended, "x.nemo");
    assertThat(r.findings()).extracting(Finding::ruleId).contains("MODELSCAN-POLYGLOT", "ARCHIVE-HIDDEN-DATA");
  }

  @Test
  void legacyPytorchTarNamedPtIsNotANameMismatch() {
    FileResult r = engine().scanBytes(bytes("tar/legacy_torch_tar.pt"), "legacy_torch_tar.pt");
    assertThat(r.format()).isEqualTo("pytorch-legacy-tar");
    assertThat(r.findings()).extracting(Finding::ruleId).doesNotContain("MODELSCAN-FORMAT-MISMATCH");
    assertThat(r.members()).extracting(MemberResult::entry)
        .containsExactly("sys_info", "pickle", "tensors", "storages");
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }
}
