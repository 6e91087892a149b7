/**
 * HDF5 and Keras scanners: HDF5 files and Keras 2 {@code .h5} models, and the JSON configurations of Keras 3
 * {@code .keras} archives.
 *
 * <p>Exports only {@link dev.modelscan.h5.settings.Hdf5Settings}, the settings embedders give the HDF5 scanner
 * through {@code ScanSettings.extension}. The scanners are reached only through {@code ScannerRegistry} in {@code dev.modelscan.core},
 * which finds them by the {@code provides} clause below (on the class path, {@code @AutoService} writes the matching
 * {@code META-INF/services} entry instead; both are needed).
 *
 * @since 0.1
 */
// Named after its package and artifact (h5), whose terminal digit the "module" lint would otherwise flag.
@SuppressWarnings("module")
module dev.modelscan.h5 {
  // Transitive: Hdf5Settings, which this module exports, names API types in its signatures.
  requires transitive dev.modelscan.api;
  // An automatic module (Automatic-Module-Name io.jhdf): see -Xlint:-requires-automatic in the parent POM.
  requires io.jhdf;
  // jHDF cannot declare what it needs, and an automatic module only brings in the other automatic modules (lz4-java).
  // Without these, on the module path every HDF5 scan fails with NoClassDefFoundError (org.slf4j.LoggerFactory is
  // loaded as soon as a file is opened) or, for LZF-filtered data, later. On the class path they change nothing.
  requires org.slf4j;
  requires org.apache.commons.lang3;
  requires com.ning.compress.lzf;
  requires com.fasterxml.jackson.core;
  // @AutoService has CLASS retention: needed to compile, never at run time.
  requires static com.google.auto.service;

  exports dev.modelscan.h5.settings;

  provides dev.modelscan.api.spi.SettingsExtension with
      dev.modelscan.h5.Hdf5SettingsExtension;
  provides dev.modelscan.api.spi.ModelScanner with
      dev.modelscan.h5.Hdf5Scanner,
      dev.modelscan.h5.KerasConfigScanner;
}
