/**
 * Scanners for the inert files that sit beside models: images, PDF, SVG, CSV, JSON, notebooks and YAML.
 *
 * <p>Exports nothing: the scanners are reached only through {@code ScannerRegistry} in {@code dev.modelscan.core},
 * which finds them by the {@code provides} clause below (on the class path, {@code @AutoService} writes the matching
 * {@code META-INF/services} entries instead; both are needed).
 *
 * @since 0.1
 */
module dev.modelscan.media {
  requires dev.modelscan.api;
  requires com.fasterxml.jackson.core;
  // @AutoService has CLASS retention: needed to compile, never at run time.
  requires static com.google.auto.service;

  provides dev.modelscan.api.spi.ModelScanner with
      dev.modelscan.media.PngScanner,
      dev.modelscan.media.JpegScanner,
      dev.modelscan.media.GifScanner,
      dev.modelscan.media.RiffScanner,
      dev.modelscan.media.BmpScanner,
      dev.modelscan.media.TiffScanner,
      dev.modelscan.media.PdfScanner,
      dev.modelscan.media.SvgScanner,
      dev.modelscan.media.CsvScanner,
      dev.modelscan.media.JsonScanner,
      dev.modelscan.media.YamlScanner;
}
