package dev.modelscan.gguf;

/**
 * The ggml tensor types a GGUF tensor info may name: block size (elements per block) and bytes per block. Sizes that
 * differ between ggml versions are unknown (-1): the tensor is then only checked for its offset, not its end.
 */
final class GgmlType {
  // index = ggml type id; {block size, bytes per block}; {0, 0} = removed or unassigned id.
  private static final int[][] TABLE = {
    {1, 4}, // 0 F32
    {1, 2}, // 1 F16
    {32, 18}, // 2 Q4_0
    {32, 20}, // 3 Q4_1
    {0, 0}, // 4 removed (Q4_2)
    {0, 0}, // 5 removed (Q4_3)
    {32, 22}, // 6 Q5_0
    {32, 24}, // 7 Q5_1
    {32, 34}, // 8 Q8_0
    {32, -1}, // 9 Q8_1 (block layout changed between versions)
    {256, 84}, // 10 Q2_K
    {256, 110}, // 11 Q3_K
    {256, 144}, // 12 Q4_K
    {256, 176}, // 13 Q5_K
    {256, 210}, // 14 Q6_K
    {256, 292}, // 15 Q8_K
    {256, 66}, // 16 IQ2_XXS
    {256, 74}, // 17 IQ2_XS
    {256, 98}, // 18 IQ3_XXS
    {256, 50}, // 19 IQ1_S
    {32, 18}, // 20 IQ4_NL
    {256, 110}, // 21 IQ3_S
    {256, 82}, // 22 IQ2_S
    {256, 136}, // 23 IQ4_XS
    {1, 1}, // 24 I8
    {1, 2}, // 25 I16
    {1, 4}, // 26 I32
    {1, 8}, // 27 I64
    {1, 8}, // 28 F64
    {256, 56}, // 29 IQ1_M
    {1, 2}, // 30 BF16
    {0, 0}, // 31 removed (Q4_0_4_4)
    {0, 0}, // 32 removed (Q4_0_4_8)
    {0, 0}, // 33 removed (Q4_0_8_8)
    {256, 54}, // 34 TQ1_0
    {256, 66}, // 35 TQ2_0
    {0, 0}, // 36 removed (IQ4_NL_4_4)
    {0, 0}, // 37 removed (IQ4_NL_4_8)
    {0, 0}, // 38 removed (IQ4_NL_8_8)
    {32, 17}, // 39 MXFP4
  };

  private GgmlType() {}

  /** Whether the id names a type that current readers accept. */
  static boolean known(long id) {
    return id >= 0 && id < TABLE.length && TABLE[(int) id][0] > 0;
  }

  /** Elements per block; only for {@link #known} ids. */
  static int blockSize(long id) {
    return TABLE[(int) id][0];
  }

  /** Bytes per block, or -1 when it is version dependent; only for {@link #known} ids. */
  static int blockBytes(long id) {
    return TABLE[(int) id][1];
  }
}
