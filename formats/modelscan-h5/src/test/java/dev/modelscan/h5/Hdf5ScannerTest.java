package dev.modelscan.h5;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.Finding;
import dev.modelscan.api.ScanLimits;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.Severity;
import dev.modelscan.api.StandardRules;
import dev.modelscan.api.io.ByteSource;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.MemberKind;
import dev.modelscan.api.spi.Recognition;
import dev.modelscan.testkit.RecordingScanContext;
import dev.modelscan.h5.settings.Hdf5Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Hdf5ScannerTest {

  private final Hdf5Scanner scanner = new Hdf5Scanner();

  private RecordingScanContext scan(String fixture) {
    return RecordingScanContext.scan(scanner, Fixtures.bytes(fixture), fixture);
  }

  private static List<Finding> findings(RecordingScanContext ctx, String ruleId) {
    return ctx.findings().stream().filter(f -> f.ruleId().equals(ruleId)).toList();
  }

  @Test
  void recognisesTheSignatureAtZeroAndBehindAUserBlock() {
    assertThat(scanner.recognize(ContentHead.ofBytes(Fixtures.bytes("clean_dense.h5"), "x")))
        .isEqualTo(Recognition.of("hdf5", Recognition.CERTAIN));
    assertThat(scanner.recognize(ContentHead.ofBytes(Fixtures.bytes("userblock_pickle.h5"), "x")))
        .isEqualTo(Recognition.of("hdf5", Recognition.STRONG));
    byte[] notHdf = Arrays.copyOf(Fixtures.bytes("clean_dense.h5"), 4096);
    notHdf[0] = 0;
    assertThat(scanner.recognize(ContentHead.ofBytes(notHdf, "model.h5")).recognised()).isFalse();
    assertThat(scanner.recognize(ContentHead.ofBytes(new byte[0], "model.h5")).recognised()).isFalse();
  }

  @Test
  void cleanDenseModelHasNoFinding() {
    RecordingScanContext ctx = scan("clean_dense.h5");
    assertThat(ctx.findings()).isEmpty();
    assertThat(ctx.members()).isEmpty();
    assertThat(ctx.status()).isEqualTo(ScanStatus.COMPLETE);
    assertThat(ctx.format()).isEqualTo("keras-h5");
  }

  @Test
  void lambdaInSequentialIsCriticalAndNamesWhatItCalls() {
    RecordingScanContext ctx = scan("lambda_sequential.h5");
    List<Finding> lambdas = findings(ctx, "KERAS-LAMBDA");
    assertThat(lambdas).hasSize(1);
    assertThat(lambdas.get(0).severity()).isEqualTo(Severity.CRITICAL);
    assertThat(lambdas.get(0).message()).contains("references __import__, os, system", "echo pwned", "'lambda'");
    assertThat(lambdas.get(0).rule().cwe().id()).isEqualTo(94);
    assertThat(ctx.status()).isEqualTo(ScanStatus.COMPLETE);
  }

  @Test
  void lambdaInNestedModelIsFound() {
    RecordingScanContext ctx = scan("lambda_nested.h5");
    List<Finding> lambdas = findings(ctx, "KERAS-LAMBDA");
    assertThat(lambdas).hasSize(1);
    // A harmless-looking lambda is still code that runs on load: HIGH, not CRITICAL.
    assertThat(lambdas.get(0).severity()).isEqualTo(Severity.HIGH);
    assertThat(lambdas.get(0).message()).contains("inner_lambda", "$.config.layers[1].config.layers[2]");
  }

  @Test
  void lambdaInWrapperIsFound() {
    RecordingScanContext ctx = scan("lambda_wrapper.h5");
    List<Finding> lambdas = findings(ctx, "KERAS-LAMBDA");
    assertThat(lambdas).hasSize(1);
    assertThat(lambdas.get(0).severity()).isEqualTo(Severity.CRITICAL);
    assertThat(lambdas.get(0).message()).contains("wrapped_lambda", "references eval", "1+1");
  }

  @Test
  void activationNamingOsSystemIsCritical() {
    RecordingScanContext ctx = scan("activation_os_system.h5");
    List<Finding> refs = findings(ctx, "KERAS-DANGEROUS-REFERENCE");
    assertThat(refs).hasSize(1);
    assertThat(refs.get(0).severity()).isEqualTo(Severity.CRITICAL);
    assertThat(refs.get(0).module()).isEqualTo("os");
    assertThat(refs.get(0).operator()).isEqualTo("system");
  }

  @Test
  void customObjectsInModelAndTrainingConfigAreReported() {
    RecordingScanContext ctx = scan("custom_objects.h5");
    assertThat(findings(ctx, "KERAS-CUSTOM-OBJECT"))
        .extracting(Finding::operator)
        .containsExactlyInAnyOrder("MyCustomLayer", "my_activation", "my_custom_loss");
    assertThat(ctx.findings()).allMatch(f -> f.severity() == Severity.MEDIUM);
  }

  @Test
  void fixedLengthAndSplitModelConfigAreBothAnalysed() {
    RecordingScanContext ctx = scan("fixed_and_split.h5");
    assertThat(findings(ctx, "KERAS-LAMBDA"))
        .extracting(Finding::message)
        .anySatisfy(m -> assertThat(m).startsWith("model_config:").contains("wrapped_lambda"))
        .anySatisfy(m -> assertThat(m).startsWith("model_config0..:").contains("references __import__, os"));
  }

  @Test
  void externalLinkIsReportedAndNotFollowed() {
    RecordingScanContext ctx = scan("external_link.h5");
    List<Finding> links = findings(ctx, "H5-EXTERNAL-LINK");
    assertThat(links).hasSize(1);
    assertThat(links.get(0).operator()).isEqualTo("/etc/passwd:/x");
    assertThat(links.get(0).severity()).isEqualTo(Severity.HIGH);
    assertThat(links.get(0).rule().cwe().id()).isEqualTo(73);
  }

  @Test
  void externalDataFileIsReportedAndTheScanIsPartial() {
    RecordingScanContext ctx = scan("external_storage.h5");
    assertThat(findings(ctx, "H5-EXTERNAL-STORAGE")).singleElement()
        .satisfies(f -> assertThat(f.message()).contains("External Data Files"));
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
  }

  @Test
  void virtualDatasetIsReportedAndTheScanIsPartial() {
    RecordingScanContext ctx = scan("virtual_dataset.h5");
    assertThat(findings(ctx, "H5-EXTERNAL-STORAGE")).singleElement()
        .satisfies(f -> assertThat(f.message()).contains("virtual dataset"));
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
  }

  @Test
  void unknownFilterIdIsReported() {
    RecordingScanContext ctx = scan("unknown_filter.h5");
    assertThat(findings(ctx, "H5-UNKNOWN-FILTER")).singleElement()
        .satisfies(f -> assertThat(f.operator()).isEqualTo("40000"));
  }

  @Test
  void hardLinkCyclesAndSoftLinksAreWalkedOnce() {
    RecordingScanContext ctx = scan("link_cycle.h5");
    assertThat(ctx.findings()).isEmpty();
    assertThat(ctx.status()).isEqualTo(ScanStatus.COMPLETE);
    // four objects (a, soft, a/loop, a/w): the cycle is entered once, so a bound of 4 suffices
    ScanSettings s =
        ScanSettings.builder()
            .extension(Hdf5Settings.class, Hdf5Settings.builder().maxHdf5Objects(4).build())
            .build();
    assertThat(RecordingScanContext.scan(scanner, Fixtures.bytes("link_cycle.h5"), "x.h5", s).status())
        .isEqualTo(ScanStatus.COMPLETE);
  }

  @Test
  void shapeBombIsReportedFromDeclaredAndStoredSizes() {
    byte[] bytes = Fixtures.bytes("shape_bomb.h5");
    assertThat(bytes.length).isLessThan(8192);
    RecordingScanContext ctx = scan("shape_bomb.h5");
    assertThat(findings(ctx, "H5-SHAPE-BOMB")).singleElement()
        .satisfies(f -> assertThat(f.message()).contains("8000000000000 bytes", "stores 0 bytes"));
    assertThat(ctx.status()).isEqualTo(ScanStatus.COMPLETE);
  }

  @Test
  void unallocatedContiguousShapeBombIsReported() {
    // jHDF reports the declared size as storage here; the scanner checks where the data would really be
    RecordingScanContext ctx = scan("shape_bomb_contiguous.h5");
    assertThat(findings(ctx, "H5-SHAPE-BOMB")).singleElement()
        .satisfies(f -> assertThat(f.message()).contains("stores 0 bytes"));
  }

  @Test
  void smallDatasetsAreNeverShapeBombs() {
    // clean_dense.h5 stores its 4x2 and 2 floats contiguously: declared == stored.
    assertThat(findings(scan("clean_dense.h5"), "H5-SHAPE-BOMB")).isEmpty();
  }

  @Test
  void userBlockIsHandedBackForContentDispatch() {
    RecordingScanContext ctx = scan("userblock_pickle.h5");
    assertThat(ctx.members()).singleElement().satisfies(m -> {
      assertThat(m.name()).isEqualTo("user-block");
      assertThat(m.kind()).isEqualTo(MemberKind.CONTENT);
      assertThat(m.content()).hasSize(512);
      assertThat(m.content()[0] & 0xFF).isEqualTo(0x80); // the pickle's PROTO opcode
    });
    // the model itself is still analysed
    assertThat(ctx.format()).isEqualTo("keras-h5");
  }

  @Test
  void zeroFilledUserBlockIsNotDispatched() {
    byte[] bytes = Fixtures.bytes("userblock_pickle.h5");
    Arrays.fill(bytes, 0, 512, (byte) 0);
    RecordingScanContext ctx = RecordingScanContext.scan(scanner, bytes, "x.h5");
    assertThat(ctx.members()).isEmpty();
    assertThat(ctx.findings()).isEmpty();
  }

  @Test
  void kerasWeightsOfArchivesAreClean() {
    for (String archive : List.of("clean_dense.keras", "lambda_sequential.keras", "torch_wrapper.keras")) {
      RecordingScanContext ctx =
          RecordingScanContext.scan(scanner, Fixtures.member(archive, "model.weights.h5"), "model.weights.h5");
      assertThat(ctx.findings()).as(archive).isEmpty();
      assertThat(ctx.status()).isEqualTo(ScanStatus.COMPLETE);
      assertThat(ctx.format()).isEqualTo("hdf5");
    }
  }

  @Test
  void externalLinkInArchiveWeightsIsReported() {
    byte[] weights = Fixtures.member("external_link_weights.keras", "model.weights.h5");
    RecordingScanContext ctx = RecordingScanContext.scan(scanner, weights, "model.weights.h5");
    assertThat(findings(ctx, "H5-EXTERNAL-LINK")).hasSize(1);
  }

  @Test
  void objectWalkIsBoundedByMaxHdf5Objects() {
    ScanSettings s =
        ScanSettings.builder()
            .extension(Hdf5Settings.class, Hdf5Settings.builder().maxHdf5Objects(2).build())
            .build();
    RecordingScanContext ctx = RecordingScanContext.scan(scanner, Fixtures.bytes("clean_dense.h5"), "x.h5", s);
    assertThat(findings(ctx, StandardRules.LIMIT_REACHED.id())).singleElement()
        .satisfies(f -> assertThat(f.message()).contains("maxHdf5Objects"));
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
    // The archive-member limit no longer bounds the walk.
    ScanSettings fewMembers = ScanSettings.builder().limits(ScanLimits.builder().maxArchiveMembers(1).build()).build();
    assertThat(RecordingScanContext.scan(scanner, Fixtures.bytes("clean_dense.h5"), "x.h5", fewMembers).status())
        .isEqualTo(ScanStatus.COMPLETE);
  }

  /** The h5py-written weights layout of a 2,600-layer Keras model: 10,401 HDF5 objects (generate_many_layers.py). */
  private static byte[] manyLayers() throws IOException {
    try (java.util.zip.GZIPInputStream in =
        new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(Fixtures.bytes("many_layers.h5.gz")))) {
      return in.readAllBytes();
    }
  }

  @Test
  void aKerasModelWithThousandsOfLayersIsCompleteAtTheDefaults() throws IOException {
    // 10,401 objects: partial when the walk shared the archive-member limit (10,000); complete with maxHdf5Objects.
    RecordingScanContext ctx = RecordingScanContext.scan(scanner, manyLayers(), "model.h5");
    assertThat(ctx.findings()).isEmpty();
    assertThat(ctx.status()).isEqualTo(ScanStatus.COMPLETE);
  }

  @Test
  void aKerasModelWithMoreObjectsThanMaxHdf5ObjectsIsPartialAndNamesTheSetting() throws IOException {
    ScanSettings s =
        ScanSettings.builder()
            .extension(Hdf5Settings.class, Hdf5Settings.builder().maxHdf5Objects(10_000).build())
            .build();
    RecordingScanContext ctx = RecordingScanContext.scan(scanner, manyLayers(), "model.h5", s);
    assertThat(findings(ctx, StandardRules.LIMIT_REACHED.id())).singleElement()
        .satisfies(
            f ->
                assertThat(f.message())
                    .contains("HDF5 objects walked needs 10001", "maxHdf5Objects (--max-hdf5-objects) is 10000"));
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
  }

  @Test
  void attributeReadsAreBoundedByMaxStringBytes() {
    ScanSettings s = ScanSettings.builder().limits(ScanLimits.builder().maxStringBytes(100).build()).build();
    RecordingScanContext ctx =
        RecordingScanContext.scan(scanner, Fixtures.bytes("lambda_sequential.h5"), "x.h5", s);
    assertThat(findings(ctx, StandardRules.LIMIT_REACHED.id())).isNotEmpty()
        .allSatisfy(f -> assertThat(f.message()).contains("maxStringBytes"))
        // the variable-length string's length is read from its heap reference, before the string is built
        .anySatisfy(f -> assertThat(f.message()).contains("model_config needs 1298"));
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
    // the same bound applies to fixed-length (S<n>) and split attributes
    RecordingScanContext fixed =
        RecordingScanContext.scan(scanner, Fixtures.bytes("fixed_and_split.h5"), "x.h5", s);
    assertThat(findings(fixed, StandardRules.LIMIT_REACHED.id())).hasSize(2);
  }

  @Test
  void splitAttributesAreBoundedAsAWhole() {
    // each half of the split model_config is below the bound; together they are above it
    ScanSettings s = ScanSettings.builder().limits(ScanLimits.builder().maxStringBytes(1000).build()).build();
    RecordingScanContext ctx = RecordingScanContext.scan(scanner, Fixtures.bytes("fixed_and_split.h5"), "x.h5", s);
    assertThat(findings(ctx, StandardRules.LIMIT_REACHED.id()))
        .anySatisfy(f -> assertThat(f.message()).contains("split attribute model_config"));
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
  }

  @Test
  void deadlineStopsTheScan() {
    ScanSettings s =
        ScanSettings.builder().limits(ScanLimits.builder().scanTimeout(Duration.ofNanos(1)).build()).build();
    RecordingScanContext ctx = RecordingScanContext.scan(scanner, Fixtures.bytes("clean_dense.h5"), "x.h5", s);
    assertThat(ctx.findings()).extracting(Finding::message).anySatisfy(m -> assertThat(m).contains("scanTimeout"));
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
  }

  @Test
  void nestedContentAboveTheInMemoryBoundIsSpooledToAFileAndScannedCompletely() throws IOException {
    // Nested content (no input file) larger than the in-memory bound: once PARTIAL at any heap, with a message that
    // named maxMemberBytes, which did not change it. Now it is copied to a temporary file and mapped from there.
    Hdf5Scanner small = new Hdf5Scanner(1024);
    for (String fixture : List.of("lambda_sequential.h5", "clean_dense.h5", "external_link.h5")) {
      byte[] bytes = Fixtures.bytes(fixture);
      assertThat(bytes.length).isGreaterThan(1024);
      RecordingScanContext spooled = RecordingScanContext.scan(small, bytes, "model.weights.h5");
      RecordingScanContext inMemory = RecordingScanContext.scan(scanner, bytes, "model.weights.h5");
      assertThat(spooled.status()).as(fixture).isEqualTo(inMemory.status());
      assertThat(spooled.findings()).extracting(Finding::ruleId, Finding::message)
          .as(fixture)
          .containsExactlyElementsOf(
              inMemory.findings().stream().map(f -> org.assertj.core.groups.Tuple.tuple(f.ruleId(), f.message()))
                  .toList());
    }
    RecordingScanContext lambda = RecordingScanContext.scan(small, Fixtures.bytes("lambda_sequential.h5"), "w.h5");
    assertThat(findings(lambda, "KERAS-LAMBDA")).hasSize(1);
    assertThat(lambda.status()).isEqualTo(ScanStatus.COMPLETE);
    assertThat(lambda.findings()).noneMatch(f -> f.ruleId().equals(StandardRules.LIMIT_REACHED.id()));
  }

  @Test
  void inputFileOnDiskIsMemoryMapped(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("lambda_sequential.h5");
    Files.write(file, Fixtures.bytes("lambda_sequential.h5"));
    try (ByteSource src = ByteSource.open(file)) {
      RecordingScanContext rec =
          new RecordingScanContext(src, file.toString(), "hdf5", ScanSettings.defaults(), "hdf5");
      scanner.scan(rec.withInputFile(file));
      assertThat(findings(rec, "KERAS-LAMBDA")).hasSize(1);
      assertThat(rec.status()).isEqualTo(ScanStatus.COMPLETE);
    }
  }

  @Test
  void inputFileAbove2GiBIsReadThroughJhdfsFileChannel(@TempDir Path dir) throws IOException {
    // a sparse file: the Keras model at the start, then zeros up to 2 GiB + 1 (too large to map as one buffer)
    Path file = dir.resolve("big.h5");
    Files.write(file, Fixtures.bytes("lambda_sequential.h5"));
    try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength((long) Integer.MAX_VALUE + 2);
    }
    try (ByteSource src = ByteSource.open(file)) {
      RecordingScanContext rec = new RecordingScanContext(src, "big.h5", "hdf5", ScanSettings.defaults(), "hdf5");
      scanner.scan(rec.withInputFile(file));
      assertThat(findings(rec, "KERAS-LAMBDA")).hasSize(1);
      assertThat(rec.status()).isEqualTo(ScanStatus.COMPLETE);
    }
  }

  @Test
  void truncatedFileIsMalformedAndPartialNeverAnException() {
    byte[] bytes = Arrays.copyOf(Fixtures.bytes("clean_dense.h5"), 600);
    RecordingScanContext ctx = RecordingScanContext.scan(scanner, bytes, "x.h5");
    assertThat(findings(ctx, StandardRules.MALFORMED_CONTENT.id())).isNotEmpty();
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
  }

  @Test
  void corruptedFilesNeverEscapeAsExceptions() {
    // Seeded mutations of real files: whatever jHDF throws must become a finding and a status.
    Random random = new Random(42);
    for (String fixture : List.of("clean_dense.h5", "lambda_sequential.h5", "external_link.h5", "shape_bomb.h5")) {
      byte[] original = Fixtures.bytes(fixture);
      for (int round = 0; round < 150; round++) {
        byte[] bytes = original.clone();
        int flips = 1 + random.nextInt(8);
        for (int i = 0; i < flips; i++) {
          bytes[8 + random.nextInt(bytes.length - 8)] = (byte) random.nextInt(256);
        }
        // RecordingScanContext.scan rethrows anything but limit and malformed-content exceptions.
        RecordingScanContext ctx = RecordingScanContext.scan(scanner, bytes, fixture);
        if (ctx.status() == ScanStatus.PARTIAL) {
          // never a silent partial: the reason is also a finding
          assertThat(ctx.findings()).as("%s round %d", fixture, round).isNotEmpty();
        }
      }
    }
  }
}
