/**
 * The {@code modelscan} command line.
 *
 * @since 0.1
 */
package dev.modelscan.cli;
