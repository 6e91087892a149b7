package dev.modelscan.robustness;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.FileResult;
import dev.modelscan.api.Finding;
import dev.modelscan.api.ScanLimits;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.h5.settings.Hdf5Settings;
import dev.modelscan.pickle.settings.PickleSettings;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.StandardRules;
import dev.modelscan.core.ModelScan;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Every limit of {@link ScanLimits} (and {@code ScanSettings.maxFileSize}) hit by real content through the facade:
 * the result is not COMPLETE, and a finding names the limit's setting, so that a user knows which knob to turn. The
 * engine-enforced limits are also tested with toy scanners in modelscan-core's ModelScanTest; these use real formats.
 */
class LimitCoverageTest {

  private static ModelScan with(UnaryOperator<ScanLimits.Builder> limits) {
    return ModelScan.builder()
        .registry(Scans.REGISTRY)
        .parallelism(1)
        .settings(ScanSettings.builder().limits(limits.apply(ScanLimits.builder()).build()).build())
        .build();
  }

  private static ModelScan withPickle(UnaryOperator<PickleSettings.Builder> pickle) {
    return ModelScan.builder()
        .registry(Scans.REGISTRY)
        .parallelism(1)
        .settings(
            ScanSettings.builder()
                .extension(PickleSettings.class, pickle.apply(PickleSettings.builder()).build())
                .build())
        .build();
  }

  private static void assertLimit(FileResult r, String setting) {
    Scans.assertSane(r, setting);
    assertThat(r.status()).as("%s: %s", setting, r.statusReason()).isNotEqualTo(ScanStatus.COMPLETE);
    assertThat(r.findings())
        .as("a finding names %s: %s", setting, r.findings())
        .anyMatch(f -> f.message().contains(setting));
  }

  private static Map<String, byte[]> members(int n, int size) {
    Map<String, byte[]> m = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      m.put("m" + i + ".txt", "hello world\n".repeat(size / 12 + 1).getBytes(StandardCharsets.US_ASCII));
    }
    return m;
  }

  @Test
  void maxFileSizeSkipsBytesAndStreamsWithAFinding() {
    ModelScan small =
        ModelScan.builder().registry(Scans.REGISTRY).parallelism(1)
            .settings(ScanSettings.builder().maxFileSize(8).build()).build();
    FileResult bytes = small.scanBytes(Samples.EVIL_PICKLE_P0, "model.pkl");
    assertThat(bytes.status()).isEqualTo(ScanStatus.SKIPPED);
    assertThat(bytes.findings()).extracting(Finding::ruleId).containsExactly(StandardRules.LIMIT_REACHED.id());
    assertThat(bytes.statusReason()).contains("maxFileSize");
    FileResult stream = small.scanStream(new ByteArrayInputStream(Samples.EVIL_PICKLE_P0), "model.pkl");
    assertThat(stream.status()).isEqualTo(ScanStatus.SKIPPED);
    assertThat(stream.statusReason()).contains("maxFileSize");
  }

  /** A 1 ns deadline has passed before the first dispatch: nothing can be COMPLETE, every seed says why. */
  @Test
  void scanTimeoutLeavesNothingComplete() {
    ModelScan instant = with(b -> b.scanTimeout(Duration.ofNanos(1)));
    for (Seeds.Seed s : Seeds.all()) {
      assertLimit(instant.scanBytes(s.bytes(), s.name()), "scanTimeout");
    }
  }

  @Test
  @RequiresScanner("zip")
  void maxNestingDepthWithRealZips() {
    byte[] z = Samples.zip(Map.of("b.zip", Samples.zip(Map.of("c.zip", Samples.torchZip(Samples.BENIGN_PICKLE)))));
    assertLimit(with(b -> b.maxNestingDepth(2)).scanBytes(z, "a.zip"), "maxNestingDepth");
  }

  @Test
  @RequiresScanner("zip")
  void maxArchiveMembersInAZip() {
    assertLimit(with(b -> b.maxArchiveMembers(5)).scanBytes(Samples.zip(members(20, 10)), "a.zip"),
        "maxArchiveMembers");
  }

  @Test
  @RequiresScanner("zip")
  void maxMemberBytesInAZip() {
    assertLimit(with(b -> b.maxMemberBytes(1000)).scanBytes(Samples.zip(members(1, 5000)), "a.zip"),
        "maxMemberBytes");
  }

  /** Five members of 4,000 bytes, each under the member limit, together over the total budget. */
  @Test
  @RequiresScanner("zip")
  void maxTotalDecompressedBytesAcrossZipMembers() {
    FileResult r =
        with(b -> b.maxTotalDecompressedBytes(10_000)).scanBytes(Samples.zip(members(5, 4000)), "a.zip");
    assertLimit(r, "maxTotalDecompressedBytes");
  }

  /** The budget is per input file and shared by every level: gzip in zip in zip. */
  @Test
  @RequiresScanner({"zip", "compressed-stream"})
  void maxTotalDecompressedBytesAcrossLevels() {
    byte[] gz = Samples.gzip("hello world\n".repeat(1000).getBytes(StandardCharsets.US_ASCII));
    byte[] z = Samples.zip(Map.of("inner.zip", Samples.zip(Map.of("a.txt.gz", gz))));
    assertLimit(with(b -> b.maxTotalDecompressedBytes(8_000)).scanBytes(z, "a.zip"), "maxTotalDecompressedBytes");
  }

  @Test
  @RequiresScanner("compressed-stream")
  void maxCompressionRatioOnAGzipMember() {
    byte[] gz = Samples.gzip(new byte[4 << 20]);
    assertLimit(with(b -> b.maxCompressionRatio(10)).scanBytes(gz, "zeros.gz"), "maxCompressionRatio");
  }

  @Test
  @RequiresScanner("safetensors")
  void maxHeaderBytesOnSafeTensors() {
    String json = "{\"__metadata__\":{\"note\":\"" + "x".repeat(2000) + "\"}}";
    byte[] h = json.getBytes(StandardCharsets.US_ASCII);
    byte[] content =
        ByteBuffer.allocate(8 + h.length).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).put(h).array();
    assertLimit(with(b -> b.maxHeaderBytes(256)).scanBytes(content, "m.safetensors"), "maxHeaderBytes");
  }

  @Test
  @RequiresScanner("numpy")
  void maxHeaderBytesOnNumpy() {
    String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + "1, ".repeat(300) + "), }";
    byte[] d = (dict + " ".repeat(63 - (dict.length() + 10) % 64) + "\n").getBytes(StandardCharsets.US_ASCII);
    byte[] head = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) d.length, (byte) (d.length >>> 8)};
    byte[] content = new byte[head.length + d.length + 4];
    System.arraycopy(head, 0, content, 0, head.length);
    System.arraycopy(d, 0, content, head.length, d.length);
    assertLimit(with(b -> b.maxHeaderBytes(256)).scanBytes(content, "x.npy"), "maxHeaderBytes");
  }

  @Test
  @RequiresScanner("keras-config")
  void maxJsonDepthOnAKerasConfig() {
    String json =
        "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"s\", \"layers\": [[[[[[[[[[]]]]]]]]]]}}";
    assertLimit(with(b -> b.maxJsonDepth(4)).scanBytes(json.getBytes(StandardCharsets.US_ASCII), "config.json"),
        "maxJsonDepth");
  }

  /** safetensors' own tests only use the default depth (a fixture); this one lowers the limit. */
  @Test
  @RequiresScanner("safetensors")
  void maxJsonDepthOnASafeTensorsHeader() {
    byte[] h = "{\"w\": {\"dtype\": \"F32\", \"shape\": [[[[[[[[1]]]]]]]], \"data_offsets\": [0, 4]}}"
        .getBytes(StandardCharsets.US_ASCII);
    byte[] content =
        ByteBuffer.allocate(8 + h.length + 4).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).put(h).array();
    assertLimit(with(b -> b.maxJsonDepth(4)).scanBytes(content, "m.safetensors"), "maxJsonDepth");
  }

  @Test
  @RequiresScanner("safetensors-index")
  void maxJsonDepthOnASafeTensorsIndex() {
    String json = "{\"metadata\": {\"total_size\": 4}, \"weight_map\": {\"w\": [[[[[[[[\"a.safetensors\"]]]]]]]]}}";
    assertLimit(with(b -> b.maxJsonDepth(4)).scanBytes(json.getBytes(StandardCharsets.US_ASCII),
        "model.safetensors.index.json"), "maxJsonDepth");
  }

  @Test
  @RequiresScanner("hdf5")
  void maxHdf5ObjectsOnAKerasH5() {
    byte[] h5 =
        Fixtures.of("modelscan-h5").stream()
            .filter(f -> f.relative().equals("keras/clean_dense.h5"))
            .findFirst()
            .orElseThrow()
            .bytes();
    assertThat(with(b -> b).scanBytes(h5, "model.h5").status()).isEqualTo(ScanStatus.COMPLETE);
    ModelScan twoObjects =
        ModelScan.builder()
            .registry(Scans.REGISTRY)
            .parallelism(1)
            .settings(
                ScanSettings.builder()
                    .extension(Hdf5Settings.class, Hdf5Settings.builder().maxHdf5Objects(2).build())
                    .build())
            .build();
    assertLimit(twoObjects.scanBytes(h5, "model.h5"), "maxHdf5Objects");
    // The walk has its own limit: the archive-member limit does not stop it.
    assertThat(with(b -> b.maxArchiveMembers(1)).scanBytes(h5, "model.h5").status()).isEqualTo(ScanStatus.COMPLETE);
  }

  @Test
  @RequiresScanner("pickle")
  void maxPickleStackSize() {
    byte[] p = Pickles.ascii("\u0080\u0002" + "N".repeat(100) + ".");
    assertLimit(withPickle(b -> b.maxPickleStackSize(10)).scanBytes(p, "s.pkl"), "maxPickleStackSize");
  }

  @Test
  @RequiresScanner("pickle")
  void maxPickleMemoSize() {
    byte[] p = Pickles.ascii("\u0080\u0004N" + "\u0094".repeat(100) + ".");
    assertLimit(withPickle(b -> b.maxPickleMemoSize(10)).scanBytes(p, "m.pkl"), "maxPickleMemoSize");
  }

  @Test
  @RequiresScanner("pickle")
  void maxPickleOpcodes() {
    byte[] p = Pickles.ascii("\u0080\u0002" + "N0".repeat(100) + "N.");
    assertLimit(withPickle(b -> b.maxPickleOpcodes(50)).scanBytes(p, "o.pkl"), "maxPickleOpcodes");
  }

  @Test
  @RequiresScanner("pickle")
  void maxStringBytesOnAProtocol0PickleLine() {
    byte[] p = Pickles.ascii("S'" + "x".repeat(1000) + "'\n.");
    assertLimit(with(b -> b.maxStringBytes(100)).scanBytes(p, "str.pkl"), "maxStringBytes");
  }

  @Test
  @RequiresScanner("keras-config")
  void maxStringBytesOnAKerasConfigString() {
    String json =
        "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"" + "x".repeat(1000) + "\", \"layers\": []}}";
    assertLimit(with(b -> b.maxStringBytes(100)).scanBytes(json.getBytes(StandardCharsets.US_ASCII), "config.json"),
        "maxStringBytes");
  }
}
