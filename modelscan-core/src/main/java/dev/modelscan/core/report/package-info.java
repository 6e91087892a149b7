/**
 * Report writers: JSON (the documented, versioned schema), SARIF 2.1.0 for code-scanning tools, and text for people.
 *
 * @since 0.1
 */
package dev.modelscan.core.report;
