/**
 * The scan engine: {@link dev.modelscan.core.ModelScan} (the facade embedders call), {@link
 * dev.modelscan.core.ScannerRegistry} (discovery of scanners), and the report writers in {@link
 * dev.modelscan.core.report}.
 *
 * @since 0.1
 */
package dev.modelscan.core;
