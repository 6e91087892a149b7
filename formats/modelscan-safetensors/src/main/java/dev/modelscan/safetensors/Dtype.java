package dev.modelscan.safetensors;

import java.util.HashMap;
import java.util.Map;

/**
 * The element types the SafeTensors reference reader accepts, with their sizes in bits. The names are the reader's
 * serde names and are matched exactly (case-sensitive), as the reader does. Sub-byte types (F4, F6_*) are why sizes
 * are kept in bits: a tensor whose bit count is not a multiple of 8 is refused.
 */
enum Dtype {
  BOOL(8),
  F4(4),
  F6_E2M3(6),
  F6_E3M2(6),
  U8(8),
  I8(8),
  F8_E5M2(8),
  F8_E4M3(8),
  F8_E8M0(8),
  F8_E4M3FNUZ(8),
  F8_E5M2FNUZ(8),
  I16(16),
  U16(16),
  F16(16),
  BF16(16),
  I32(32),
  U32(32),
  F32(32),
  C64(64),
  F64(64),
  I64(64),
  U64(64);

  private static final Map<String, Dtype> BY_NAME = new HashMap<>();

  static {
    for (Dtype d : values()) {
      BY_NAME.put(d.name(), d);
    }
  }

  private final int bits;

  Dtype(int bits) {
    this.bits = bits;
  }

  /** Bits per element. */
  int bits() {
    return bits;
  }

  /** The type with exactly this name, or null: names are case-sensitive, as in the reference reader. */
  static Dtype byName(String name) {
    return BY_NAME.get(name);
  }
}
