/**
 * Test support for scanner authors: {@link dev.modelscan.testkit.RecordingScanContext} runs one scanner in isolation
 * and records everything it reports.
 *
 * @since 0.1
 */
package dev.modelscan.testkit;
