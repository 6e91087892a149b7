/**
 * Container scanners: zip (and the zip-based PyTorch, TorchScript, npz and Keras 3 layouts), tar, 7z, the
 * single-stream compressors (gzip, bzip2, xz, lzma, zlib, LZ4), and executables found anywhere inside them.
 *
 * <p>Every member and every decompressed body is handed back to the engine through {@link
 * dev.modelscan.api.spi.ScanContext#scanMember}, which dispatches it by content one level deeper under the scan
 * limits; these scanners only take archives apart, record what is wrong with their structure, and bound what only
 * they can see (member counts, decoder memory). Nothing is extracted to disk, and stored members are slices of the
 * scanned content, never copies. The rules they report are in {@link dev.modelscan.archive.ArchiveRules}.
 *
 * @since 0.1
 */
package dev.modelscan.archive;
