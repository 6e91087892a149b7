package dev.modelscan.api.spi;

import dev.modelscan.api.Rule;
import java.io.IOException;
import java.util.List;

/**
 * A scanner for one family of formats. Discovered with {@link java.util.ServiceLoader}: annotate the implementation
 * with {@code @AutoService(ModelScanner.class)} and give it a public no-argument constructor.
 *
 * <h2>Lifecycle and threads</h2>
 *
 * One instance is created per registry and shared by every scan and every thread: implementations must be stateless
 * (or immutable) and thread-safe. All per-scan state belongs in local variables or the {@link ScanContext}.
 *
 * <h2>Contract</h2>
 *
 * <ul>
 *   <li>{@link #recognize} looks only at the {@link ContentHead}; it is called for every file and every nested member,
 *       so it must be cheap, allocate little and never throw.
 *   <li>{@link #scan} is called only with content this scanner claimed. It never executes, imports or deserializes
 *       anything from the content, and never reaches the network. It reads through {@link ScanContext#source()} and
 *       does not close it.
 *   <li>It reports what it sees with {@link ScanContext#report}, hands nested content to {@link
 *       ScanContext#scanMember}, and says when it could not see everything ({@link ScanContext#markPartial}). A
 *       scanner that returns normally without marking anything has seen everything: the status is complete.
 *   <li>Hostile input is the normal case. A scanner bounds memory and time by {@link ScanContext#limits()} and may
 *       throw {@link dev.modelscan.api.ScanLimitExceededException} or {@link
 *       dev.modelscan.api.MalformedContentException}; the context keeps the findings made before and records the
 *       status. Any other exception is a scanner failure: it is reported and the content is marked failed.
 * </ul>
 *
 * <h2>Format ids</h2>
 *
 * Lower case words with dashes: {@code pickle}, {@code pytorch-zip}, {@code numpy}, {@code zip}, {@code gzip}, {@code
 * safetensors}, {@code hdf5}, {@code keras-config}, and so on. Two scanners that claim the same format are reported
 * by the registry.
 *
 * @since 0.1
 */
public interface ModelScanner {

  /** The version of this SPI. A scanner built against another version is reported by the registry. */
  int SPI_VERSION = 1;

  /**
   * Who this scanner is and what it handles. Called once, when the registry loads it.
   *
   * @return the descriptor, never null
   */
  ScannerDescriptor descriptor();

  /**
   * Says whether and how confidently this scanner recognises the content.
   *
   * @param head the first and last bytes, size and name hint of the content
   * @return a claim, or {@link Recognition#none()}; never null
   */
  Recognition recognize(ContentHead head);

  /**
   * Analyses content that this scanner claimed.
   *
   * @param context the content, the settings, and where findings and nested content go
   * @throws IOException when the content cannot be read; the context records it as a failure
   */
  void scan(ScanContext context) throws IOException;

  /**
   * Every rule this scanner may report, for reports that list rules (SARIF).
   *
   * @return the rules; empty by default
   */
  default List<Rule> rules() {
    return List.of();
  }

  /**
   * The formats of {@link ScannerDescriptor#formats()} that this scanner decodes and analyses, for listings such as
   * {@code modelscan --list-scanners}. A format it only recognises, so that content it cannot read is reported as not
   * scanned instead of passing unrecognised (a compression without a decoder here), is left out.
   *
   * @return a subset of the descriptor's formats; all of them by default
   * @since 0.1
   */
  default List<String> decodedFormats() {
    return descriptor().formats();
  }
}
