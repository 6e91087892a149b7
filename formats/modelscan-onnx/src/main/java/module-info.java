/**
 * The ONNX model scanner.
 *
 * <p>Exports nothing: the scanners are reached only through {@code ScannerRegistry} in {@code dev.modelscan.core},
 * which finds them by the {@code provides} clause below (on the class path, {@code @AutoService} writes the matching
 * {@code META-INF/services} entry instead; both are needed).
 *
 * @since 0.1
 */
module dev.modelscan.onnx {
  requires dev.modelscan.api;
  requires dev.modelscan.protobuf;
  // @AutoService has CLASS retention: needed to compile, never at run time.
  requires static com.google.auto.service;

  provides dev.modelscan.api.spi.ModelScanner with
      dev.modelscan.onnx.OnnxScanner;
}
