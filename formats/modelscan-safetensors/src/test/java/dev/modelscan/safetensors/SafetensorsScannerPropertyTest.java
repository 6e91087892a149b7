package dev.modelscan.safetensors;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.Finding;
import dev.modelscan.api.Rule;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.StandardRules;
import dev.modelscan.api.io.ByteSource;
import dev.modelscan.testkit.RecordingScanContext;
import dev.modelscan.testkit.SeededCases;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

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

  private RecordingScanContext scan(byte[] content) {
    RecordingScanContext ctx =
        new RecordingScanContext(
            ByteSource.wrap(content), "fuzz.safetensors", "safetensors", ScanSettings.defaults(), "safetensors");
    try {
      scanner.scan(ctx);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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

  static LongStream anyHeader() {
    return SeededCases.seeds("anyHeaderBytesGiveAStatus", 300);
  }

  static LongStream mutated() {
    return SeededCases.seeds("mutatedValidFilesGiveAStatus", 500);
  }

  static LongStream jsonLike() {
    return SeededCases.seeds("jsonLikeHeadersGiveAStatus", 300);
  }

  static LongStream validData() {
    return SeededCases.seeds("validFilesStayCleanWhateverTheirData", 50);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("anyHeader")
  void anyHeaderBytesGiveAStatus(long seed) {
    SeededCases.check(
        seed,
        g -> {
          byte[] header = g.bytes(300);
          byte[] data = g.bytes(40);
          byte[] content = new byte[8 + header.length + data.length];
          long n = header.length;
          for (int i = 0; i < 8; i++) {
            content[i] = (byte) (n >>> (8 * i));
          }
          System.arraycopy(header, 0, content, 8, header.length);
          System.arraycopy(data, 0, content, 8 + header.length, data.length);

          assertFailsClosed(scan(content));
        });
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("mutated")
  void mutatedValidFilesGiveAStatus(long seed) {
    SeededCases.check(
        seed,
        g -> {
          byte[] content = Fixtures.file(VALID_HEADER, new byte[10]);
          int changes = g.sizeBetween(1, 4);
          for (int i = 0; i < changes; i++) {
            content[8 + g.intBetween(0, content.length - 9)] = g.nextByte();
          }

          assertFailsClosed(scan(content));
        });
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("jsonLike")
  void jsonLikeHeadersGiveAStatus(long seed) {
    SeededCases.check(
        seed,
        g -> {
          String header = String.join("", g.listOf(60, x -> x.pick(JSON_TOKENS)));
          assertFailsClosed(scan(Fixtures.file(header, new byte[16])));
        });
  }

  /** Tokens of JSON and of safetensors headers, so that random headers get past the first parse error. */
  private static final List<String> JSON_TOKENS =
      List.of(
          "{", "}", "[", "]", "\"", ":", ",", "0", "1", "9", "-", ".", "e", " ", "\n", "\"a\"", "\"dtype\"",
          "\"shape\"", "\"data_offsets\"", "\"F32\"", "\"F4\"", "\"__metadata__\"", "\\ud800",
          "18446744073709551615", "4294967296", "null");

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("validData")
  void validFilesStayCleanWhateverTheirData(long seed) {
    SeededCases.check(
        seed,
        g -> {
          byte[] data = new byte[10];
          for (int i = 0; i < data.length; i++) {
            data[i] = g.nextByte();
          }
          RecordingScanContext ctx = scan(Fixtures.file(VALID_HEADER, data));

          assertThat(ctx.findings()).isEmpty();
          assertThat(ctx.status()).isEqualTo(ScanStatus.COMPLETE);
        });
  }
}
