/**
 * Test support for scanner authors: {@link dev.modelscan.testkit.RecordingScanContext} runs one scanner in isolation
 * and records everything it reports, and {@link dev.modelscan.testkit.ScannerContractTest} is the JUnit base class
 * whose tests every scanner must pass (never throws on hostile bytes, always leaves a status, respects limits, is
 * thread-safe and discoverable).
 *
 * <p>The module depends on {@code junit-jupiter-api} at compile scope, because the contract is a JUnit test class;
 * add the testkit to your project in test scope only.
 *
 * @since 0.1
 */
package dev.modelscan.testkit;
