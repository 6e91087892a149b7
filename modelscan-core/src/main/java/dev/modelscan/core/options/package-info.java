/**
 * What front ends share when they turn user text into a scan: the options keyed by their long names ({@link
 * dev.modelscan.core.options.ScanOptions}), checked as they are set, the grammar of sizes and durations ({@link
 * dev.modelscan.core.options.OptionValues}) and the {@code modelscan.toml} configuration file ({@link
 * dev.modelscan.core.options.ConfigFile}), whose keys are the same long names.
 *
 * @since 0.1
 */
package dev.modelscan.core.options;
