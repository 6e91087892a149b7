package dev.modelscan.core.report;

import dev.modelscan.api.ScanReport;
import java.io.IOException;
import java.io.Writer;

/**
 * Writes a {@link ScanReport} in one format. Implementations are immutable and thread-safe.
 *
 * @since 0.1
 */
public interface ReportWriter {

  /**
   * Writes the report. The writer is flushed, not closed.
   *
   * @param report the report
   * @param out where to write
   * @throws IOException when writing fails
   */
  void write(ScanReport report, Writer out) throws IOException;
}
