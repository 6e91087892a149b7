/**
 * The Flax msgpack checkpoint scanner.
 *
 * <p>Exports nothing: the scanner is reached only through {@code ScannerRegistry} in {@code dev.modelscan.core},
 * which finds it by the {@code provides} clause below (on the class path, {@code @AutoService} writes the matching
 * {@code META-INF/services} entry instead; both are needed).
 *
 * @since 0.1
 */
module dev.modelscan.flax {
  requires dev.modelscan.api;
  // @AutoService has CLASS retention: needed to compile, never at run time.
  requires static com.google.auto.service;

  provides dev.modelscan.api.spi.ModelScanner with
      dev.modelscan.flax.FlaxMsgpackScanner;
}
