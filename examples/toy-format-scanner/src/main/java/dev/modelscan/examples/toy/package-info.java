/**
 * An example scanner plugin for a made-up format: the template that {@code docs/writing-a-scanner.md} walks through.
 *
 * @since 0.1
 */
package dev.modelscan.examples.toy;
