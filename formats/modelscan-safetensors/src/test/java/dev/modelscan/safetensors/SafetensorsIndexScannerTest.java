package dev.modelscan.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelscan.api.Finding;
import dev.modelscan.api.ScanLimitExceededException;
import dev.modelscan.api.ScanLimits;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.Severity;
import dev.modelscan.api.ThreatType;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.io.ByteSource;
import dev.modelscan.api.spi.Recognition;
import dev.modelscan.testkit.RecordingScanContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsIndexScannerTest {

  private static final String INDEX = "model.safetensors.index.json";

  private final SafetensorsIndexScanner scanner = new SafetensorsIndexScanner();

  private RecordingScanContext scanOnDisk(Path index) throws IOException {
    return scanOnDisk(index, ScanSettings.defaults());
  }

  private RecordingScanContext scanOnDisk(Path index, ScanSettings settings) throws IOException {
    RecordingScanContext ctx =
        new RecordingScanContext(
                ByteSource.wrap(Files.readAllBytes(index)),
                index.getFileName().toString(),
                "safetensors-index",
                settings,
                "test")
            .withInputFile(index);
    scanner.scan(ctx);
    return ctx;
  }

  private static String messages(RecordingScanContext ctx) {
    return String.join("\n", ctx.findings().stream().map(Finding::message).toList());
  }

  private static Path copyDir(String fixtureDir, Path target) throws IOException {
    try (var files = Files.list(Fixtures.path(fixtureDir))) {
      for (Path f : files.toList()) {
        Files.copy(f, target.resolve(f.getFileName()));
      }
    }
    return target.resolve(INDEX);
  }

  @Test
  void recognisesAnIndexByItsWeightMap() {
    byte[] bytes = Fixtures.bytes("sharded/" + INDEX);

    assertThat(scanner.recognize(ContentHead.ofBytes(bytes, "anything.json")))
        .isEqualTo(Recognition.of("safetensors-index", Recognition.STRONG));
    assertThat(scanner.recognize(ContentHead.ofBytes("{\"a\": 1}".getBytes(StandardCharsets.UTF_8), "c.json"))
            .recognised())
        .isFalse();
    assertThat(scanner.recognize(ContentHead.ofBytes(Fixtures.bytes("valid_empty.safetensors"), INDEX))
            .recognised())
        .isFalse();
  }

  @Test
  void anIndexThatAgreesWithItsShardsIsCleanAndComplete() throws IOException {
    RecordingScanContext ctx = scanOnDisk(Fixtures.path("sharded/" + INDEX));

    assertThat(ctx.findings()).isEmpty();
    assertThat(ctx.status()).isEqualTo(ScanStatus.COMPLETE);
  }

  @Test
  void everyDisagreementAndEscapeIsReported() throws IOException {
    RecordingScanContext ctx = scanOnDisk(Fixtures.path("sharded_bad/" + INDEX));
    String messages = messages(ctx);

    assertThat(ctx.findings())
        .filteredOn(f -> f.ruleId().equals("SAFETENSORS-INDEX-PATH-TRAVERSAL"))
        .extracting(Finding::message)
        .anySatisfy(m -> assertThat(m).contains("\"../outside.safetensors\", which climbs out"))
        .anySatisfy(m -> assertThat(m).contains("\"/etc/passwd\", which is an absolute path"));
    assertThat(ctx.findings())
        .filteredOn(f -> f.ruleId().equals("SAFETENSORS-INDEX-NOT-SAFETENSORS"))
        .extracting(Finding::message)
        .anySatisfy(m -> assertThat(m).contains("\"pytorch_model-00003.bin\"").contains("torch.load"))
        // Named with its size, never with its bytes (issue 14 item 6: a shard may be a hard link to a secret).
        .anySatisfy(m -> assertThat(m).contains("\"model-00002-of-00002.safetensors\" is named .safetensors but")
            .contains("(4 bytes)")
            .doesNotContain("80 04 4e 2e"));
    assertThat(messages)
        .contains("\"model-00009-of-00009.safetensors\", which is not in the index's directory")
        .contains("maps tensor \"lm.weight\" to \"model-00001-of-00002.safetensors\", which does not hold it")
        .contains("holds tensor \"extra.weight\", which the index does not list");
    Finding traversal =
        ctx.findings().stream().filter(f -> f.ruleId().endsWith("PATH-TRAVERSAL")).findFirst().orElseThrow();
    assertThat(traversal.threatType()).isEqualTo(ThreatType.PATH_TRAVERSAL);
    assertThat(traversal.severity()).isEqualTo(Severity.HIGH);
  }

  @Test
  void aShardThatIsASymbolicLinkOutOfTheDirectoryIsATraversal(@TempDir Path tmp) throws IOException {
    Path model = Files.createDirectory(tmp.resolve("model"));
    Path index = copyDir("sharded", model);
    Path outside = tmp.resolve("outside.safetensors");
    Files.move(model.resolve("model-00002-of-00002.safetensors"), outside);
    Files.createSymbolicLink(model.resolve("model-00002-of-00002.safetensors"), outside);

    RecordingScanContext ctx = scanOnDisk(index);

    assertThat(ctx.findings()).extracting(Finding::ruleId).containsExactly("SAFETENSORS-INDEX-PATH-TRAVERSAL");
    assertThat(messages(ctx)).contains("symbolic link to a file outside the model directory");
  }

  @Test
  void aWrongTotalSizeIsALowFinding(@TempDir Path tmp) throws IOException {
    Path index = copyDir("sharded", tmp);
    Files.writeString(index, Files.readString(index).replace("\"total_size\": 28", "\"total_size\": 30"));

    RecordingScanContext ctx = scanOnDisk(index);

    assertThat(ctx.findings()).hasSize(1);
    assertThat(ctx.findings().get(0).severity()).isEqualTo(Severity.LOW);
    assertThat(ctx.findings().get(0).message()).contains("total_size says 30 bytes but the shards' tensors hold 28");
  }

  @Test
  void aShardThatHoldsATensorTheIndexMapsElsewhereIsReported(@TempDir Path tmp) throws IOException {
    Path index = copyDir("sharded", tmp);
    Files.writeString(
        index,
        Files.readString(index)
            .replace("\"head.bias\": \"model-00002-of-00002.safetensors\"",
                "\"head.bias\": \"model-00001-of-00002.safetensors\""));

    RecordingScanContext ctx = scanOnDisk(index);

    assertThat(messages(ctx))
        .contains("holds tensor \"head.bias\", which the index maps to \"model-00001-of-00002.safetensors\"")
        .contains("maps tensor \"head.bias\" to \"model-00001-of-00002.safetensors\", which does not hold it");
  }

  @Test
  void withoutAFileOnDiskTheShardsAreNotCheckedAndTheResultIsPartial() {
    RecordingScanContext ctx = RecordingScanContext.scan(scanner, Fixtures.bytes("sharded/" + INDEX), INDEX);

    assertThat(ctx.findings()).isEmpty();
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(ctx.partialReasons()).singleElement().asString().contains("sibling files cannot be found");
  }

  @Test
  void traversalIsReportedEvenWithoutAFileOnDisk() {
    RecordingScanContext ctx = RecordingScanContext.scan(scanner, Fixtures.bytes("sharded_bad/" + INDEX), INDEX);

    assertThat(ctx.findings()).extracting(Finding::ruleId).contains("SAFETENSORS-INDEX-PATH-TRAVERSAL");
  }

  @Test
  void escapesAreRecognisedInEveryForm() {
    for (String name : List.of("../x.safetensors", "a/../../x", "a\\..\\x", "/abs", "\\\\server\\share", "C:x", "")) {
      assertThat(SafetensorsIndexScanner.escape(name)).as(name).isNotNull();
    }
    for (String name : List.of("model-00001-of-00002.safetensors", "sub/dir/x.safetensors", "..x", "x..")) {
      assertThat(SafetensorsIndexScanner.escape(name)).as(name).isNull();
    }
  }

  @Test
  void anInvalidIndexIsAFindingAndNotComplete() {
    byte[] bytes = "{\"weight_map\": {\"a\": 3}, \"weight_map\": []}".getBytes(StandardCharsets.UTF_8);

    RecordingScanContext ctx = RecordingScanContext.scan(scanner, bytes, INDEX);

    assertThat(ctx.findings())
        .extracting(Finding::ruleId)
        .containsExactly("SAFETENSORS-INDEX-INVALID", "SAFETENSORS-DUPLICATE-KEY", "SAFETENSORS-INDEX-INVALID");
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
  }

  @Test
  void brokenJsonIsAFindingAndNotComplete() {
    byte[] bytes = "{\"weight_map\": {\"a\": ".getBytes(StandardCharsets.UTF_8);

    RecordingScanContext ctx = RecordingScanContext.scan(scanner, bytes, INDEX);

    assertThat(messages(ctx)).contains("not valid JSON");
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
  }

  @Test
  void anIndexLargerThanMaxHeaderBytesIsALimit() {
    ScanSettings settings = ScanSettings.builder().limits(ScanLimits.builder().maxHeaderBytes(10).build()).build();
    RecordingScanContext ctx =
        new RecordingScanContext(
            dev.modelscan.api.io.ByteSource.wrap(Fixtures.bytes("sharded/" + INDEX)),
            INDEX,
            "safetensors-index",
            settings,
            "test");

    assertThatThrownBy(() -> scanner.scan(ctx))
        .isInstanceOf(ScanLimitExceededException.class)
        .hasMessageContaining("maxHeaderBytes (--max-header-bytes) is 10");
  }

  @Test
  void tooManyEntriesStopTheCheck() {
    SafetensorsIndexScanner strict = new SafetensorsIndexScanner(new HeaderReader.Policy(2, 4096, 64, 65_536));

    RecordingScanContext ctx = RecordingScanContext.scan(strict, Fixtures.bytes("sharded/" + INDEX), INDEX);

    assertThat(ctx.findings()).extracting(Finding::ruleId).contains("SAFETENSORS-EXCESSIVE-HEADER");
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
  }

  private static Path mkfifo(Path f) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("mkfifo", f.toString()).redirectErrorStream(true).start();
    org.junit.jupiter.api.Assumptions.assumeTrue(
        p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0, "mkfifo failed");
    return f;
  }

  @Test
  @org.junit.jupiter.api.Timeout(value = 60, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
  void aShardThatIsAFifoIsAFindingAndIsNeverOpened(@TempDir Path dir) throws Exception {
    // Issue 14 item 6: a FIFO shard was passed over in silence, and opening it would block the scan for ever.
    Path index = copyDir("sharded", dir);
    Path shard = dir.resolve("model-00002-of-00002.safetensors");
    Files.delete(shard);
    mkfifo(shard);

    RecordingScanContext ctx = scanOnDisk(index);

    assertThat(ctx.findings()).extracting(Finding::ruleId).contains("SAFETENSORS-INDEX-NOT-SAFETENSORS");
    assertThat(messages(ctx)).contains("model-00002-of-00002.safetensors", "a FIFO", "not opened");
    assertThat(ctx.status()).isNotEqualTo(ScanStatus.COMPLETE);
  }

  @Test
  void aShardThatIsADirectoryIsAFinding(@TempDir Path dir) throws IOException {
    Path index = copyDir("sharded", dir);
    Path shard = dir.resolve("model-00001-of-00002.safetensors");
    Files.delete(shard);
    Files.createDirectory(shard);

    RecordingScanContext ctx = scanOnDisk(index);

    assertThat(ctx.findings()).extracting(Finding::ruleId).contains("SAFETENSORS-INDEX-NOT-SAFETENSORS");
    assertThat(messages(ctx)).contains("model-00001-of-00002.safetensors", "a directory");
    assertThat(ctx.status()).isNotEqualTo(ScanStatus.COMPLETE);
  }

  @Test
  void aShardThatIsAHardLinkToAnotherFileNeverHasItsBytesInAFinding(@TempDir Path tmp) throws IOException {
    // The shard is a hard link to a file outside the model directory (a secret the scanning user can read): the
    // findings name the shard, and never quote its bytes.
    Path modelDir = Files.createDirectories(tmp.resolve("model"));
    Path index = copyDir("sharded", modelDir);
    Path secret = Files.writeString(tmp.resolve("credentials"), "SECRET-TOKEN=hunter2\n");
    Path shard = modelDir.resolve("model-00002-of-00002.safetensors");
    Files.delete(shard);
    try {
      Files.createLink(shard, secret);
    } catch (UnsupportedOperationException | IOException e) {
      org.junit.jupiter.api.Assumptions.assumeTrue(false, "hard links not supported here");
    }

    RecordingScanContext ctx = scanOnDisk(index);

    assertThat(ctx.findings()).extracting(Finding::ruleId).contains("SAFETENSORS-INDEX-NOT-SAFETENSORS");
    String all = messages(ctx) + "\n" + ctx.status() + " " + ctx.partialReasons();
    assertThat(all).contains("model-00002-of-00002.safetensors");
    // Neither the text nor its bytes in hex (the old message quoted the first 8 bytes: 53 45 43 52 ...).
    assertThat(all).doesNotContain("SECRET", "hunter2", "53 45 43 52", "534543");
  }
}
