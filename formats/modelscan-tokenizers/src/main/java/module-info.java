/**
 * The tokenizer-file scanners: SentencePiece models and standalone Jinja2 chat-template files.
 *
 * <p>Exports nothing: the scanners are reached only through {@code ScannerRegistry} in {@code dev.modelscan.core},
 * which finds them by the {@code provides} clause below (on the class path, {@code @AutoService} writes the matching
 * {@code META-INF/services} entry instead; both are needed).
 *
 * @since 0.1
 */
module dev.modelscan.tokenizers {
  requires dev.modelscan.api;
  requires dev.modelscan.protobuf;
  requires dev.modelscan.jinja;
  // @AutoService has CLASS retention: needed to compile, never at run time.
  requires static com.google.auto.service;

  provides dev.modelscan.api.spi.ModelScanner with
      dev.modelscan.tokenizers.SentencePieceScanner,
      dev.modelscan.tokenizers.TemplateFileScanner;
}
