/**
 * The modelscan API: the scanner SPI ({@link dev.modelscan.api.spi.ModelScanner}) and the value types of scans. It
 * requires nothing but {@code java.base}.
 *
 * @since 0.1
 */
module dev.modelscan.api {
  exports dev.modelscan.api;
  exports dev.modelscan.api.io;
  exports dev.modelscan.api.spi;
}
