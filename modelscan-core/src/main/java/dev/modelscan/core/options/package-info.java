/**
 * What front ends share when they turn user text into settings: the grammar of sizes and durations ({@link
 * dev.modelscan.core.options.OptionValues}) and the {@code modelscan.toml} configuration file ({@link
 * dev.modelscan.core.options.ConfigFile}).
 *
 * @since 0.1
 */
package dev.modelscan.core.options;
