package dev.modelscan.safetensors;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.Finding;
import dev.modelscan.api.Rule;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.StandardRules;
import dev.modelscan.api.io.ByteSource;
import dev.modelscan.testkit.RecordingScanContext;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Whatever follows a consistent 8-byte length prefix, the scanner returns normally with a status, and it fails
 * closed: a finding that means "the reference reader refuses this file" never comes with a complete status.
 */
class SafetensorsScannerPropertyTest {

  /** Rules whose findings are refusals by the reference reader: they must never end complete. */
  private static final Set<Rule> REFUSALS =
      Set.of(
          SafetensorsRules.HEADER_TOO_LARGE,
          SafetensorsRules.SHAPE_BOMB,
          SafetensorsRules.INVALID_HEADER,
          SafetensorsRules.INVALID_LAYOUT,
          SafetensorsRules.OVERLAPPING_TENSORS,
          SafetensorsRules.HIDDEN_DATA);

  private static final String VALID_HEADER =
      "{\"__metadata__\":{\"format\":\"pt\"},\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
          + "\"b\":{\"dtype\":\"F4\",\"shape\":[2,2],\"data_offsets\":[8,10]}}";

  private final SafetensorsScanner scanner = new SafetensorsScanner();

  private RecordingScanContext scan(byte[] content) throws IOException {
    RecordingScanContext ctx =
        new RecordingScanContext(
            ByteSource.wrap(content), "fuzz.safetensors", "safetensors", ScanSettings.defaults(), "safetensors");
    scanner.scan(ctx);
    return ctx;
  }

  private static void assertFailsClosed(RecordingScanContext ctx) {
    assertThat(ctx.status()).isIn(ScanStatus.COMPLETE, ScanStatus.PARTIAL);
    List<Rule> rules = ctx.findings().stream().map(Finding::rule).toList();
    assertThat(rules).allMatch(r -> SafetensorsRules.FILE_RULES.contains(r) || r == StandardRules.LIMIT_REACHED);
    if (rules.stream().anyMatch(REFUSALS::contains)) {
      assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
    }
  }

  @Property(tries = 300)
  void anyHeaderBytesGiveAStatus(@ForAll @Size(max = 300) byte[] header, @ForAll @Size(max = 40) byte[] data)
      throws IOException {
    byte[] content = new byte[8 + header.length + data.length];
    long n = header.length;
    for (int i = 0; i < 8; i++) {
      content[i] = (byte) (n >>> (8 * i));
    }
    System.arraycopy(header, 0, content, 8, header.length);
    System.arraycopy(data, 0, content, 8 + header.length, data.length);

    assertFailsClosed(scan(content));
  }

  @Property(tries = 500)
  void mutatedValidFilesGiveAStatus(@ForAll("mutations") int[] mutation) throws IOException {
    byte[] content = Fixtures.file(VALID_HEADER, new byte[10]);
    for (int i = 0; i + 1 < mutation.length; i += 2) {
      int at = 8 + Math.floorMod(mutation[i], content.length - 8);
      content[at] = (byte) mutation[i + 1];
    }

    assertFailsClosed(scan(content));
  }

  @Property(tries = 300)
  void jsonLikeHeadersGiveAStatus(@ForAll("jsonish") String header) throws IOException {
    assertFailsClosed(scan(Fixtures.file(header, new byte[16])));
  }

  @Provide
  Arbitrary<int[]> mutations() {
    return Arbitraries.integers().between(0, 1 << 16).array(int[].class).ofMinSize(2).ofMaxSize(8);
  }

  @Provide
  Arbitrary<String> jsonish() {
    return Arbitraries.of(
            "{", "}", "[", "]", "\"", ":", ",", "0", "1", "9", "-", ".", "e", " ", "\n", "\"a\"", "\"dtype\"",
            "\"shape\"", "\"data_offsets\"", "\"F32\"", "\"F4\"", "\"__metadata__\"", "\\ud800",
            "18446744073709551615", "4294967296", "null")
        .list()
        .ofMaxSize(60)
        .map(tokens -> String.join("", tokens));
  }

  @Property(tries = 50)
  void validFilesStayCleanWhateverTheirData(@ForAll @Size(value = 10) byte[] data) throws IOException {
    RecordingScanContext ctx = scan(Fixtures.file(VALID_HEADER, data));

    assertThat(ctx.findings()).isEmpty();
    assertThat(ctx.status()).isEqualTo(ScanStatus.COMPLETE);
  }
}
