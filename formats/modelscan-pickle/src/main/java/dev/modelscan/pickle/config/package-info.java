/**
 * Configs that make loaders run code: Hydra/OmegaConf {@code _target_} and NeMo {@code target} (judged by the pickle
 * globals policy), Hugging Face {@code auto_map} (trust_remote_code), chat templates inside configs, and YAML tags.
 * JSON is read with jackson-core, YAML with a bounded subset reader that never constructs anything.
 *
 * <p>Internal to the module: the scanner is found by {@link java.util.ServiceLoader}.
 */
package dev.modelscan.pickle.config;
