package dev.modelscan.api;

/**
 * Receives progress of a scan, for progress bars and logs. All methods have empty defaults.
 *
 * <p>Files of a directory are scanned in parallel, so methods are called from several threads at once; an
 * implementation must be thread-safe and fast (it runs on the scanning threads). Exceptions it throws are ignored.
 *
 * @since 0.1
 */
public interface ScanListener {

  /** A listener that does nothing. */
  ScanListener NONE = new ScanListener() {};

  /**
   * Called once before the input files are scanned, when their number is known.
   *
   * @param fileCount how many input files will be scanned
   * @param totalBytes their total size in bytes
   */
  default void scanStarted(int fileCount, long totalBytes) {}

  /**
   * Called when the scan of one input file starts.
   *
   * @param path the file's path as it will appear in the report
   * @param size its size in bytes, or -1 when unknown
   */
  default void fileStarted(String path, long size) {}

  /**
   * Called when the scan of one input file ends, with its result.
   *
   * @param result the file's result
   */
  default void fileFinished(FileResult result) {}
}
