package dev.modelscan.core;

import dev.modelscan.api.io.ByteSource;
import dev.modelscan.api.spi.MemberKind;

/**
 * What a {@link DefaultScanContext} needs of the engine: nested content dispatched to the scanners by its bytes, one
 * level deeper. The context holds nothing else of the engine, so a scanner's context cannot reach the registry, the
 * settings of other scans, or the state of other files.
 */
@FunctionalInterface
interface Dispatcher {

  /**
   * Recognises content and runs the scanners that claim it; never throws for anything the content does (only the
   * file's deadline escapes, as {@link dev.modelscan.api.ScanLimitExceededException}).
   *
   * @param fs the input file's scan, where findings and members go
   * @param content the content
   * @param name its name hint
   * @param entry its nested entry path
   * @param depth its nesting depth
   * @param kind whether unclaimed content is an unscanned member or known opaque data
   * @return the outcome, members rolled up
   */
  Outcome dispatch(FileScan fs, ByteSource content, String name, String entry, int depth, MemberKind kind);
}
