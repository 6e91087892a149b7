/**
 * The scanner SPI: implement {@link dev.modelscan.api.spi.ModelScanner}, annotate it with
 * {@code @AutoService(ModelScanner.class)} (and add {@code provides} to your {@code module-info.java}), put the jar
 * on the class path, and the registry discovers it.
 *
 * <p>The flow of one scan: the engine reads a bounded {@link dev.modelscan.api.spi.ContentHead} of the bytes, asks
 * every scanner to {@link dev.modelscan.api.spi.ModelScanner#recognize recognize} it, and gives the best claim a
 * {@link dev.modelscan.api.spi.ScanContext}. The scanner reports findings and hands nested content back through the
 * context, which dispatches it again by content, one level deeper, under the limits.
 *
 * @since 0.1
 */
package dev.modelscan.api.spi;
