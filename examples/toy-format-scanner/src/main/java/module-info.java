/**
 * An example scanner plugin for a made-up format, as a modular jar: it works on the class path (through the
 * {@code META-INF/services} entry that {@code @AutoService} writes) and on the module path (through {@code provides}).
 *
 * @since 0.1
 */
// tag::module[]
module dev.modelscan.examples.toy {
  requires dev.modelscan.api;
  // The annotation only; compile with -Xlint:-requires-automatic (it is an automatic module).
  requires static com.google.auto.service;

  // No exports: provides does not need the package exported, and the implementation is not an API.
  provides dev.modelscan.api.spi.ModelScanner with
      dev.modelscan.examples.toy.ToyFormatScanner;
}
// end::module[]
