/**
 * Scanners for TensorFlow formats: SavedModel ({@code saved_model.pb}), TF-Keras {@code keras_metadata.pb}, and TFLite
 * flatbuffers. Operations are judged against the data file {@code risky-ops.tsv}. Not API: use the scanners through
 * the scanner registry.
 */
package dev.modelscan.tensorflow;
