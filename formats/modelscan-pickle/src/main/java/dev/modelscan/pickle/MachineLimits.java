package dev.modelscan.pickle;

/**
 * What a {@link PickleMachine} may use and how it runs, fixed for one analysis.
 *
 * @param maxStack the stack depth limit (values)
 * @param maxMemo the memo limit, in bytes of the compact representation of its entries
 * @param maxLine the longest text-line argument (protocol 0 opcodes), in bytes
 * @param maxNesting how deep pickles nested in joblib object arrays may go
 * @param maxImports how many distinct imports one stream may make
 * @param compactValues whether memo entries are kept as compact codes (off only in tests that compare the two)
 * @param fastPath whether common opcodes take the fast path (off only in tests that compare it with the loop)
 */
record MachineLimits(
    int maxStack,
    int maxMemo,
    int maxLine,
    int maxNesting,
    int maxImports,
    boolean compactValues,
    boolean fastPath) {}
