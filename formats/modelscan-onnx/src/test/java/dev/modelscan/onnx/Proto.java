package dev.modelscan.onnx;

import java.io.ByteArrayOutputStream;

/** A tiny protobuf encoder for hand-built test messages. */
final class Proto {
  private Proto() {}

  static byte[] varint(int field, long value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    raw(out, (long) field << 3);
    raw(out, value);
    return out.toByteArray();
  }

  static byte[] message(int field, byte[] payload) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    raw(out, ((long) field << 3) | 2);
    raw(out, payload.length);
    out.writeBytes(payload);
    return out.toByteArray();
  }

  static byte[] string(int field, String s) {
    return message(field, s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static void raw(ByteArrayOutputStream out, long v) {
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }
}
