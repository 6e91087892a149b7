package dev.modelscan.archive.code;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.Severity;
import dev.modelscan.api.io.ByteSource;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.Recognition;
import dev.modelscan.testkit.RecordingScanContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

public class ExecutableScannerTest {

  private final ExecutableScanner scanner = new ExecutableScanner();

  /** A 64-byte ELF64 little-endian header of an x86-64 executable, written field by field. */
  public static byte[] elf() {
    ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {0x7F, 'E', 'L', 'F', 2, 1, 1, 0});
    b.position(16);
    b.putShort((short) 2).putShort((short) 0x3E).putInt(1);
    return b.array();
  }

  /** A DOS stub whose e_lfanew points at a PE signature and a COFF header. */
  static byte[] pe() {
    ByteBuffer b = ByteBuffer.allocate(128).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {'M', 'Z'});
    b.putInt(0x3C, 64);
    b.position(64);
    b.put(new byte[] {'P', 'E', 0, 0}).putShort((short) 0x8664);
    return b.array();
  }

  private static byte[] bytes(int... values) {
    byte[] out = new byte[Math.max(values.length, 32)];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) values[i];
    }
    return out;
  }

  private Recognition recognize(byte[] content) {
    return scanner.recognize(ContentHead.ofBytes(content, "x"));
  }

  @Test
  void recognisesEachExecutableFamily() throws IOException {
    assertThat(recognize(elf())).isEqualTo(Recognition.of("elf", Recognition.CERTAIN));
    assertThat(recognize(pe())).isEqualTo(Recognition.of("pe", Recognition.CERTAIN));
    assertThat(recognize(bytes(0xCF, 0xFA, 0xED, 0xFE, 7, 0, 0, 1)).format()).isEqualTo("mach-o");
    assertThat(recognize(bytes(0xFE, 0xED, 0xFA, 0xCE, 0, 0, 0, 7)).format()).isEqualTo("mach-o");
    // Universal binary with two architectures.
    assertThat(recognize(bytes(0xCA, 0xFE, 0xBA, 0xBE, 0, 0, 0, 2)).format()).isEqualTo("mach-o");
    // A real class file: this test's own.
    byte[] clazz;
    try (InputStream in = getClass().getResourceAsStream("ExecutableScannerTest.class")) {
      clazz = in.readAllBytes();
    }
    assertThat(recognize(clazz)).isEqualTo(Recognition.of("java-class", Recognition.STRONG));
    byte[] script = "#!/bin/sh\necho pwned\n".getBytes(StandardCharsets.US_ASCII);
    assertThat(recognize(script)).isEqualTo(Recognition.of("shebang-script", Recognition.STRONG));
  }

  @Test
  void doesNotClaimLookAlikes() {
    // MZ without a PE header, ELF magic with a bad class byte, a Markdown heading, a pickle.
    byte[] mz = new byte[128];
    mz[0] = 'M';
    mz[1] = 'Z';
    assertThat(recognize(mz).recognised()).isFalse();
    byte[] badElf = elf();
    badElf[4] = 9;
    assertThat(recognize(badElf).recognised()).isFalse();
    assertThat(recognize("#!important note".getBytes(StandardCharsets.US_ASCII)).recognised()).isFalse();
    assertThat(recognize(dev.modelscan.archive.Fixtures.PAYLOAD).recognised()).isFalse();
  }

  @Test
  void topLevelBinaryIsMediumAndScriptLow() {
    RecordingScanContext bin = RecordingScanContext.scan(scanner, elf(), "tool");
    assertThat(bin.findings()).singleElement().satisfies(f -> {
      assertThat(f.ruleId()).isEqualTo("ARCHIVE-EMBEDDED-EXECUTABLE");
      assertThat(f.severity()).isEqualTo(Severity.MEDIUM);
      assertThat(f.message()).contains("ELF");
    });
    RecordingScanContext sh =
        RecordingScanContext.scan(scanner, "#! /bin/sh\necho pwned\n".getBytes(StandardCharsets.US_ASCII), "run");
    assertThat(sh.findings()).singleElement().satisfies(f -> {
      assertThat(f.severity()).isEqualTo(Severity.LOW);
      assertThat(f.message()).contains("#! /bin/sh");
    });
  }

  @Test
  void nestedExecutableIsHigh() throws IOException {
    RecordingScanContext recording =
        new RecordingScanContext(ByteSource.wrap(pe()), "model/hidden_binary", "pe", ScanSettings.defaults(), "x");
    scanner.scan(recording.withDepth(1));
    assertThat(recording.findings()).singleElement().satisfies(f -> {
      assertThat(f.severity()).isEqualTo(Severity.HIGH);
      assertThat(f.message()).contains("PE", "inside a model container");
    });
  }
}
