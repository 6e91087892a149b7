package dev.modelscan.pickle;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Writes pickle opcodes byte by byte, for tests that build their input. */
final class Ops {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  Ops raw(int... bytes) {
    for (int b : bytes) {
      out.write(b);
    }
    return this;
  }

  Ops raw(byte[] bytes) {
    out.writeBytes(bytes);
    return this;
  }

  Ops text(String s) {
    out.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
    return this;
  }

  Ops proto(int p) {
    return raw(0x80, p);
  }

  Ops su(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    raw(0x8c, b.length);
    return raw(b);
  }

  Ops global(String module, String name) {
    return text("c" + module + "\n" + name + "\n");
  }

  Ops repeat(String s, int n) {
    return text(s.repeat(n));
  }

  byte[] bytes() {
    return out.toByteArray();
  }
}
