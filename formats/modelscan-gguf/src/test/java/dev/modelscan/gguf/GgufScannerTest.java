package dev.modelscan.gguf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.Finding;
import dev.modelscan.api.ScanLimits;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.Severity;
import dev.modelscan.api.StandardRules;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.Recognition;
import dev.modelscan.testkit.RecordingScanContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class GgufScannerTest {
  private final GgufScanner scanner = new GgufScanner();

  static byte[] fixture(String name) {
    try (InputStream in = GgufScannerTest.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing fixture " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private RecordingScanContext scan(String fixture) {
    return RecordingScanContext.scan(scanner, fixture(fixture), fixture);
  }

  @Test
  void cleanModelWithNormalTemplatesHasNoFinding() {
    RecordingScanContext ctx = scan("clean.gguf");
    assertThat(ctx.findings()).isEmpty();
    assertThat(ctx.status()).isEqualTo(ScanStatus.COMPLETE);
  }

  @Test
  void bigEndianFileIsReadWithItsByteOrder() {
    RecordingScanContext ctx = scan("clean_big_endian.gguf");
    assertThat(ctx.findings()).isEmpty();
    assertThat(ctx.status()).isEqualTo(ScanStatus.COMPLETE);
  }

  @Test
  void recognisesByMagicAndVersionNotByName() {
    assertThat(scanner.recognize(ContentHead.ofBytes(fixture("clean.gguf"), "x.bin")).confidence())
        .isEqualTo(Recognition.CERTAIN);
    assertThat(scanner.recognize(ContentHead.ofBytes("GGUF\u0009\0\0\0".getBytes(StandardCharsets.ISO_8859_1), ""))
            .confidence())
        .isEqualTo(Recognition.STRONG);
    assertThat(scanner.recognize(ContentHead.ofBytes("PK\3\4 not gguf".getBytes(StandardCharsets.UTF_8), "a.gguf"))
            .recognised())
        .isFalse();
  }

  @Test
  void cycleGlobalsPopenTemplateIsCritical() {
    Finding f = single(scan("template_ssti.gguf"), GgufScanner.CHAT_TEMPLATE_INJECTION.id());
    assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(f.message()).contains("__globals__").contains("cycler").contains("popen");
    assertThat(f.rule().cwe().id()).isEqualTo(1336);
  }

  @Test
  void concatenatedDunderNamesAreSeen() {
    Finding f = single(scan("template_concat.gguf"), GgufScanner.CHAT_TEMPLATE_INJECTION.id());
    assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(f.message()).contains("__class__").contains("attr");
  }

  @Test
  void escapedUnderscoresAreSeen() {
    Finding f = single(scan("template_escaped.gguf"), GgufScanner.CHAT_TEMPLATE_INJECTION.id());
    assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(f.message()).contains("escaped character _").contains("__class__");
  }

  @Test
  void everyTemplateIsAnalysedIncludingNamedAndDuplicateOnes() {
    RecordingScanContext ctx = scan("template_named_and_duplicate.gguf");
    assertThat(ctx.findings())
        .filteredOn(f -> f.ruleId().equals(GgufScanner.CHAT_TEMPLATE_INJECTION.id()))
        .extracting(Finding::operator)
        .containsExactlyInAnyOrder("tokenizer.chat_template.rag", "tokenizer.chat_template");
    assertThat(ctx.findings())
        .filteredOn(f -> f.ruleId().equals(GgufScanner.MALFORMED_METADATA.id()))
        .extracting(Finding::message)
        .anyMatch(m -> m.contains("duplicate metadata key"));
  }

  @Test
  void tensorInfoSanityProblemsAreEachReported() {
    RecordingScanContext ctx = scan("bad_tensors.gguf");
    assertThat(ctx.findings()).allMatch(f -> f.ruleId().equals(GgufScanner.MALFORMED_TENSOR.id()));
    assertThat(ctx.findings())
        .extracting(Finding::message)
        .anyMatch(m -> m.contains("duplicate tensor name"))
        .anyMatch(m -> m.contains("unknown ggml type 99"))
        .anyMatch(m -> m.contains("5 dimensions"))
        .anyMatch(m -> m.contains("overflows"))
        .anyMatch(m -> m.contains("not a multiple of the alignment"))
        .anyMatch(m -> m.contains("beyond the end of the file"))
        .anyMatch(m -> m.contains("block size 32"));
  }

  @Test
  void invalidBooleanAndAlignmentAreReported() {
    RecordingScanContext ctx = scan("bad_metadata.gguf");
    assertThat(ctx.findings())
        .extracting(Finding::message)
        .anyMatch(m -> m.contains("holds 7"))
        .anyMatch(m -> m.contains("general.alignment 12"));
  }

  @Test
  void arrayCountOf2Pow60IsRejectedWithoutAllocating() {
    ByteBuffer b = header(0, 1);
    putString(b, "tokenizer.ggml.tokens");
    b.putInt(9).putInt(8).putLong(1L << 60);
    RecordingScanContext ctx = RecordingScanContext.scan(scanner, bytes(b), "huge.gguf");
    assertMalformed(ctx, "cannot fit");
  }

  @Test
  void stringLengthBeyondTheFileIsMalformed() {
    ByteBuffer b = header(0, 1);
    b.putLong(Long.MAX_VALUE).put("x".getBytes(StandardCharsets.US_ASCII));
    assertMalformed(RecordingScanContext.scan(scanner, bytes(b), "s.gguf"), "remain");
  }

  @Test
  void absurdKeyValueCountIsMalformed() {
    ByteBuffer b = header(0, -1);
    assertMalformed(RecordingScanContext.scan(scanner, bytes(b), "c.gguf"), "absurd");
    ByteBuffer c = header(1L << 40, 0);
    assertMalformed(RecordingScanContext.scan(scanner, bytes(c), "t.gguf"), "cannot fit");
  }

  @Test
  void nestedArraysDeeperThanTheBoundAreMalformed() {
    ByteBuffer b = header(0, 1);
    putString(b, "deep");
    b.putInt(9);
    for (int i = 0; i < GgufScanner.MAX_ARRAY_DEPTH + 1; i++) {
      b.putInt(9).putLong(1);
    }
    b.putInt(4).putLong(1).putInt(7);
    assertMalformed(RecordingScanContext.scan(scanner, bytes(b), "deep.gguf"), "nested deeper");
  }

  @Test
  void unknownVersionIsMalformed() {
    ByteBuffer b = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
    b.put("GGUF".getBytes(StandardCharsets.US_ASCII)).putInt(77).putLong(0).putLong(0);
    assertMalformed(RecordingScanContext.scan(scanner, bytes(b), "v.gguf"), "version 77");
  }

  @Test
  void templateLongerThanTheStringLimitIsAPartialResult() {
    ScanSettings settings =
        ScanSettings.builder().limits(ScanLimits.builder().maxStringBytes(64).build()).build();
    RecordingScanContext ctx = RecordingScanContext.scan(scanner, fixture("clean.gguf"), "clean.gguf", settings);
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(ctx.findings()).extracting(Finding::ruleId).contains(StandardRules.LIMIT_REACHED.id());
    assertThat(ctx.partialReasons()).anyMatch(r -> r.contains("maxStringBytes"));
  }

  @Test
  void keyLongerThanTheStringLimitStopsTheScanAsALimit() {
    ScanSettings settings =
        ScanSettings.builder().limits(ScanLimits.builder().maxStringBytes(8).build()).build();
    RecordingScanContext ctx = RecordingScanContext.scan(scanner, fixture("clean.gguf"), "clean.gguf", settings);
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(ctx.partialReasons()).anyMatch(r -> r.contains("maxStringBytes"));
  }

  @Test
  void metadataSpanningMoreThanTheHeaderLimitIsPartial() {
    ScanSettings settings =
        ScanSettings.builder().limits(ScanLimits.builder().maxHeaderBytes(100).build()).build();
    RecordingScanContext ctx = RecordingScanContext.scan(scanner, fixture("clean.gguf"), "clean.gguf", settings);
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(ctx.partialReasons()).anyMatch(r -> r.contains("maxHeaderBytes"));
  }

  @Test
  void deadlineIsCheckedInTheKeyValueLoop() {
    ScanSettings settings = ScanSettings.builder()
        .limits(ScanLimits.builder().scanTimeout(java.time.Duration.ofNanos(1)).build()).build();
    RecordingScanContext ctx = RecordingScanContext.scan(scanner, fixture("clean.gguf"), "clean.gguf", settings);
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(ctx.partialReasons()).anyMatch(r -> r.contains("scanTimeout"));
  }

  @Test
  void findingsPerRuleAreCappedWithASummary() {
    ByteBuffer b = ByteBuffer.allocate(16_384).order(ByteOrder.LITTLE_ENDIAN);
    b.put("GGUF".getBytes(StandardCharsets.US_ASCII)).putInt(3).putLong(60).putLong(0);
    for (int i = 0; i < 60; i++) {
      putString(b, "t" + i);
      b.putInt(1).putLong(4).putInt(99).putLong(0); // unknown type 99
    }
    RecordingScanContext ctx = RecordingScanContext.scan(scanner, bytes(b), "many.gguf");
    assertThat(ctx.findings()).hasSize(51);
    assertThat(ctx.findings().get(50).message()).contains("more than 50");
  }

  @Test
  void keysAndTensorsBeyondTheTrackingBoundArePartial() {
    GgufScanner small = new GgufScanner(3);
    RecordingScanContext ctx = RecordingScanContext.scan(small, fixture("clean.gguf"), "clean.gguf");
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(ctx.partialReasons()).anyMatch(r -> r.contains("more than 3 metadata keys"));
    RecordingScanContext t = RecordingScanContext.scan(new GgufScanner(1), fixture("bad_tensors.gguf"), "b.gguf");
    assertThat(t.partialReasons()).anyMatch(r -> r.contains("more than 1 tensors"));
    // the offset check still runs on untracked tensors
    assertThat(t.findings()).extracting(Finding::message).anyMatch(m -> m.contains("not a multiple of the alignment"));
  }

  @Test
  void alignmentOfTheWrongTypeIsReported() {
    ByteBuffer b = header(0, 1);
    putString(b, "general.alignment");
    b.putInt(10).putLong(32); // UINT64 instead of UINT32
    RecordingScanContext ctx = RecordingScanContext.scan(scanner, bytes(b), "a.gguf");
    assertThat(ctx.findings()).extracting(Finding::message).anyMatch(m -> m.contains("must be a UINT32"));
  }

  @Test
  void version1FilesWith32BitLengthsAreRead() {
    ByteBuffer b = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
    b.put("GGUF".getBytes(StandardCharsets.US_ASCII)).putInt(1).putInt(0).putInt(1);
    byte[] key = "tokenizer.chat_template".getBytes(StandardCharsets.UTF_8);
    byte[] value = "{{ cycler.__init__.__globals__ }}".getBytes(StandardCharsets.UTF_8);
    b.putInt(key.length).put(key).putInt(8).putInt(value.length).put(value);
    RecordingScanContext ctx = RecordingScanContext.scan(scanner, bytes(b), "v1.gguf");
    assertThat(ctx.findings()).extracting(Finding::ruleId).containsExactly("JINJA-TEMPLATE-INJECTION");
    assertThat(ctx.status()).isEqualTo(ScanStatus.COMPLETE);
  }

  @Test
  void templatesInsideStringArraysAreAnalysed() {
    ByteBuffer b = header(0, 1);
    putString(b, "tokenizer.chat_templates");
    b.putInt(9).putInt(8).putLong(2);
    putString(b, "{{ messages[0].content }}");
    putString(b, "{{ lipsum.__globals__ }}");
    RecordingScanContext ctx = RecordingScanContext.scan(scanner, bytes(b), "arr.gguf");
    assertThat(ctx.findings()).extracting(Finding::ruleId).containsExactly("JINJA-TEMPLATE-INJECTION");
  }

  private static void assertMalformed(RecordingScanContext ctx, String text) {
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(ctx.findings())
        .filteredOn(f -> f.ruleId().equals(StandardRules.MALFORMED_CONTENT.id()))
        .extracting(Finding::message)
        .anyMatch(m -> m.contains(text));
  }

  private static Finding single(RecordingScanContext ctx, String ruleId) {
    assertThat(ctx.findings()).extracting(Finding::ruleId).containsExactly(ruleId);
    return ctx.findings().get(0);
  }

  static ByteBuffer header(long tensors, long kvs) {
    ByteBuffer b = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
    b.put("GGUF".getBytes(StandardCharsets.US_ASCII)).putInt(3).putLong(tensors).putLong(kvs);
    return b;
  }

  static void putString(ByteBuffer b, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    b.putLong(bytes.length).put(bytes);
  }

  static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.position()];
    b.flip().get(out);
    return out;
  }
}
