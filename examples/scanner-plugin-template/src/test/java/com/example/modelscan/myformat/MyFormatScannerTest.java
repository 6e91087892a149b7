package com.example.modelscan.myformat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelscan.api.Finding;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.testkit.RecordingScanContext;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each finding path and each way a file is not complete, with the scanner alone. */
class MyFormatScannerTest {

  /** A my-format file: magic, version, loader name and weights, as the format's writer lays them out. */
  static byte[] file(int version, String loader, byte[] weights) {
    byte[] name = loader.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes("MYFM".getBytes(StandardCharsets.US_ASCII));
    out.write(version);
    for (int i = 0; i < 4; i++) {
      out.write(name.length >>> (8 * i));
    }
    out.writeBytes(name);
    out.writeBytes(weights);
    return out.toByteArray();
  }

  // tag::recording[]
  @Test
  void aLoaderNameIsReported() {
    byte[] bytes = file(1, "os.system", new byte[16]);
    RecordingScanContext ctx = RecordingScanContext.scan(new MyFormatScanner(), bytes, "model.myfm");
    assertEquals(List.of(MyFormatScanner.LOADER), ctx.findings().stream().map(Finding::rule).toList());
    assertEquals("system", ctx.findings().get(0).operator());
    assertEquals(ScanStatus.COMPLETE, ctx.status());
  }
  // end::recording[]

  @Test
  void noLoaderIsCleanAndTheWeightsGoBackToTheEngine() {
    RecordingScanContext ctx = RecordingScanContext.scan(new MyFormatScanner(), file(1, "", new byte[8]), "m.myfm");
    assertTrue(ctx.findings().isEmpty());
    assertEquals(ScanStatus.COMPLETE, ctx.status());
    assertEquals(1, ctx.members().size());
    assertEquals(8, ctx.members().get(0).content().length);
  }

  @Test
  void anUnknownVersionIsPartial() {
    RecordingScanContext ctx = RecordingScanContext.scan(new MyFormatScanner(), file(2, "", new byte[0]), "m.myfm");
    assertEquals(ScanStatus.PARTIAL, ctx.status());
  }

  @Test
  void aLoaderNameLongerThanTheFileIsNotClean() {
    byte[] bytes = file(1, "os.system", new byte[0]);
    bytes[5] = 100; // claims 100 bytes; 9 follow
    RecordingScanContext ctx = RecordingScanContext.scan(new MyFormatScanner(), bytes, "m.myfm");
    assertTrue(ctx.status() != ScanStatus.COMPLETE, "a malformed file must not be complete");
  }
}
