/**
 * Value types of modelscan: findings, the rules that carry their compliance metadata, statuses, limits, settings and
 * results.
 *
 * <p>Everything here is immutable and safe to share between threads. The scanner SPI lives in {@link
 * dev.modelscan.api.spi}; random-access input in {@link dev.modelscan.api.io}.
 *
 * @since 0.1
 */
package dev.modelscan.api;
