/**
 * The modelscan engine: {@link dev.modelscan.core.ModelScan} (the facade embedders call), {@link
 * dev.modelscan.core.ScannerRegistry} and the report writers in {@code dev.modelscan.core.report}.
 *
 * <p>The engine holds no scanner: every format, containers included, comes from a format module (for example {@code
 * dev.modelscan.archive}) through {@link java.util.ServiceLoader}. The registry is the only code that calls {@link
 * java.util.ServiceLoader}, so this is the only module that declares {@code uses}; format modules only declare {@code
 * provides}.
 *
 * @since 0.1
 */
module dev.modelscan.core {
  requires transitive dev.modelscan.api;
  requires com.fasterxml.jackson.core;
  // Only dev.modelscan.core.options.ConfigFile reads TOML; optional, for the front ends that read modelscan.toml.
  requires static com.fasterxml.jackson.databind;
  requires static com.fasterxml.jackson.dataformat.toml;

  exports dev.modelscan.core;
  exports dev.modelscan.core.options;
  exports dev.modelscan.core.report;

  uses dev.modelscan.api.spi.ModelScanner;
  uses dev.modelscan.api.spi.SettingsExtension;
}
