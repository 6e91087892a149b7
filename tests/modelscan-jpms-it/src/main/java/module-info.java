/**
 * A modular application that uses modelscan, for the module-path tests only (this artifact is never published).
 *
 * <p>It requires the engine and every format module. The format modules export nothing; requiring them only makes
 * sure they are resolved, and on the module path the engine then finds their scanners through their {@code provides}
 * clauses, as it would through service binding in an application launched with {@code java -p ... -m ...}.
 */
module dev.modelscan.jpms.it {
  requires dev.modelscan.core;
  requires dev.modelscan.archive;
  requires dev.modelscan.pickle;
  requires dev.modelscan.safetensors;
  requires dev.modelscan.h5;
  requires dev.modelscan.onnx;
  requires dev.modelscan.gguf;
  requires dev.modelscan.tensorflow;
  requires dev.modelscan.tokenizers;
  requires dev.modelscan.flax;
  requires dev.modelscan.media;
}
