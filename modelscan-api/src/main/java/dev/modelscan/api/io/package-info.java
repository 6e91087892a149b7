/**
 * Random-access input for scanners: {@link dev.modelscan.api.io.ByteSource}.
 *
 * @since 0.1
 */
package dev.modelscan.api.io;
