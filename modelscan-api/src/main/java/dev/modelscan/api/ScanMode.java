package dev.modelscan.api;

/**
 * How much a scan reports.
 *
 * @since 0.1
 */
public enum ScanMode {
  /** Only what is known to be dangerous: no findings for unknown-but-not-denied references. */
  QUICK,
  /** Everything: dangerous, unknown and suspicious content. The default. */
  THOROUGH
}
