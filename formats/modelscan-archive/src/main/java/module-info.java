/**
 * Container, executable and text scanners: zip (and the PyTorch, TorchScript, npz, Keras 3 and .mar layouts built on
 * it), tar, 7z, single-stream compression (gzip, bzip2, xz, lzma, zstd framing, lz4), native executables and scripts,
 * and plain text.
 *
 * <p>Exports nothing: the scanners are reached only through {@code ScannerRegistry} in {@code dev.modelscan.core},
 * which finds them by the {@code provides} clause below (on the class path, {@code @AutoService} writes the matching
 * {@code META-INF/services} entry instead; both are needed).
 *
 * @since 0.1
 */
module dev.modelscan.archive {
  requires dev.modelscan.api;
  // A real module (module-info under META-INF/versions/9) that requires commons-io, -lang3 and -codec itself.
  requires org.apache.commons.compress;
  // LZMA and XZ decoders: used directly (zip methods 14/95) and by commons-compress (7z, .xz), which only declares
  // the library optional.
  requires org.tukaani.xz;
  // @AutoService has CLASS retention: needed to compile, never at run time.
  requires static com.google.auto.service;

  provides dev.modelscan.api.spi.ModelScanner with
      dev.modelscan.archive.ZipScanner,
      dev.modelscan.archive.TarScanner,
      dev.modelscan.archive.SevenZipScanner,
      dev.modelscan.archive.CompressedStreamScanner,
      dev.modelscan.archive.code.ExecutableScanner,
      dev.modelscan.archive.code.TextScanner;
}
