/**
 * What front ends share when they turn user text into a scan: the options keyed by their long names ({@link
 * dev.modelscan.core.options.ScanOptions}), checked as they are set, and the grammar of sizes and durations ({@link
 * dev.modelscan.core.options.OptionValues}).
 *
 * @since 0.1
 */
package dev.modelscan.core.options;
