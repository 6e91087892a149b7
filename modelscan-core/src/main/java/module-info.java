/**
 * The modelscan engine: {@link dev.modelscan.core.ModelScan} (the facade embedders call), {@link
 * dev.modelscan.core.ScannerRegistry} and the report writers in {@code dev.modelscan.core.report}.
 *
 * <p>The built-in scanners for text and containers ({@code dev.modelscan.core.text}, {@code
 * dev.modelscan.core.archive}) are provided as services and not exported: they are reached through the registry only.
 * The registry is the only code that calls {@link java.util.ServiceLoader}, so this is the only module that declares
 * {@code uses}; format modules only declare {@code provides}.
 *
 * @since 0.1
 */
module dev.modelscan.core {
  requires transitive dev.modelscan.api;
  requires com.fasterxml.jackson.core;
  // A real module (module-info under META-INF/versions/9) that requires commons-io, -lang3 and -codec itself.
  requires org.apache.commons.compress;
  // LZMA and XZ decoders: used directly (zip methods 14/95) and by commons-compress (7z, .xz), which only declares
  // the library optional.
  requires org.tukaani.xz;
  // @AutoService has CLASS retention: needed to compile, never at run time.
  requires static com.google.auto.service;

  exports dev.modelscan.core;
  exports dev.modelscan.core.options;
  exports dev.modelscan.core.report;

  uses dev.modelscan.api.spi.ModelScanner;
  uses dev.modelscan.api.spi.SettingsExtension;

  provides dev.modelscan.api.spi.ModelScanner with
      dev.modelscan.core.text.TextScanner,
      dev.modelscan.core.archive.ZipScanner,
      dev.modelscan.core.archive.TarScanner,
      dev.modelscan.core.archive.SevenZipScanner,
      dev.modelscan.core.archive.CompressedStreamScanner,
      dev.modelscan.core.archive.ExecutableScanner;
}
