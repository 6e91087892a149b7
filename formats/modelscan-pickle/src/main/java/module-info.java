/**
 * Pickle scanners: raw and stacked pickles, PyTorch legacy checkpoints, joblib dumps and NumPy arrays; and the
 * scanners of what names Python callables the same way: Python source and TorchScript code, Hydra/OmegaConf and
 * Hugging Face configs.
 *
 * <p>Exports only {@link dev.modelscan.pickle.settings.PickleSettings} and its limits, the settings embedders give
 * the pickle scanners through {@code ScanSettings.extension}. The scanners are reached only through {@code
 * ScannerRegistry} in {@code dev.modelscan.core},
 * which finds them by the {@code provides} clause below (on the class path, {@code @AutoService} writes the matching
 * {@code META-INF/services} entry instead; both are needed).
 *
 * @since 0.1
 */
module dev.modelscan.pickle {
  // Transitive: PickleSettings, which this module exports, names API types in its signatures.
  requires transitive dev.modelscan.api;
  requires dev.modelscan.jinja;
  requires com.fasterxml.jackson.core;
  // @AutoService has CLASS retention: needed to compile, never at run time.
  requires static com.google.auto.service;

  exports dev.modelscan.pickle.settings;

  provides dev.modelscan.api.spi.SettingsExtension with
      dev.modelscan.pickle.PickleSettingsExtension;
  provides dev.modelscan.api.spi.ModelScanner with
      dev.modelscan.pickle.PickleScanner,
      dev.modelscan.pickle.NumpyScanner,
      dev.modelscan.pickle.python.PythonSourceScanner,
      dev.modelscan.pickle.config.ConfigScanner;
}
