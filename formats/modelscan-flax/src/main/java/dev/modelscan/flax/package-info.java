/**
 * The scanner for Flax checkpoints written by {@code flax.serialization.to_bytes} ({@code flax_model.msgpack} in
 * Hugging Face model directories), recognised by content and validated by a bounded msgpack walk. Not API: use it
 * through the scanner registry.
 */
package dev.modelscan.flax;
