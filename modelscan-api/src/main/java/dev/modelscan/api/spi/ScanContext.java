package dev.modelscan.api.spi;

import dev.modelscan.api.Finding;
import dev.modelscan.api.Location;
import dev.modelscan.api.MemberResult;
import dev.modelscan.api.Rule;
import dev.modelscan.api.ScanLimitExceededException;
import dev.modelscan.api.ScanLimits;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.io.ByteSource;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Everything one call of {@link ModelScanner#scan} works with: the content, the settings, and where findings, status
 * and nested content go.
 *
 * <p>A context belongs to one scan of one piece of content and is used by one thread at a time. It is valid only
 * during the {@code scan} call it was given to.
 *
 * @since 0.1
 */
public interface ScanContext {

  /**
   * The content to analyse. Not to be closed by the scanner.
   *
   * @return the content
   */
  ByteSource source();

  /**
   * The format this scanner claimed for the content in {@link ModelScanner#recognize}.
   *
   * @return the format id
   */
  String format();

  /**
   * Replaces the reported format with a more precise one once the scanner knows it (a zip that turns out to be a
   * PyTorch checkpoint becomes {@code "pytorch-zip"}).
   *
   * @param format the format id, not empty
   */
  void refineFormat(String format);

  /**
   * Declares that this format legitimately carries content of another format in the same bytes, so that a second
   * strong reading of that format is not reported as a polyglot. TFLite models, for example, append a zip of
   * associated files after the flatbuffer. The engine still scans the other reading; only the finding is not made.
   * Declare only after checking the layout (the other content lies where this format puts it), never from the name.
   *
   * @param otherFormat the format id of the embedded reading, such as {@code "zip"}
   */
  default void declareEmbedded(String otherFormat) {}

  /**
   * The name hint of the content: the file name, or the member name inside its parent.
   *
   * @return the name, empty when there is none
   */
  String name();

  /**
   * Where this content is: the input file and the nested entry path, at an unknown offset.
   *
   * @return the location
   */
  Location location();

  /**
   * The file on the local disk that this content is, for scanners that read a local file faster than through {@link
   * #source()} (memory-mapping it). Present only for an input file scanned from a local path (depth 0), never for
   * nested content, byte arrays, streams or files read from a remote file system. To look at the files beside it, use
   * {@link #siblings()}, which works for remote files too and keeps lookups inside the model.
   *
   * @return the file, or empty
   */
  default Optional<Path> inputFile() {
    return Optional.empty();
  }

  /**
   * The folder around the input file, for scanners whose model is several files (a sharded checkpoint's index names
   * its shards, ONNX external data, SavedModel variables). Present only for an input file scanned from a folder, local
   * or on a Hadoop file system (depth 0), never for nested content, byte arrays or streams. Every lookup through it
   * stays inside the model.
   *
   * @return the folder's view, or empty
   * @since 0.1
   */
  default Optional<SiblingFiles> siblings() {
    return Optional.empty();
  }

  /**
   * Declares that {@code file}, found through {@link #siblings()}, is data of this model that this scan has checked as
   * such: an ONNX tensor's external data file whose location and byte range were verified, a SavedModel's variable
   * files. The declaration is part of this scan's result. When a scan of several paths meets that file as an input of
   * its own and no scanner recognises its content, it is reported as complete with format {@value #COMPANION_FORMAT}
   * instead of skipped, so that a model directory does not come out incomplete for its raw tensor bytes. Content that
   * some scanner does recognise is scanned as that format as always: a declaration never hides anything. Only
   * meaningful at depth 0 with {@link #siblings()} present and for a {@link SiblingFile.Kind#FILE}; ignored otherwise
   * and by contexts that have no such scan.
   *
   * @param file the neighbouring file, as {@link SiblingFiles#find} or {@link SiblingFiles#list} gave it
   * @since 0.1
   */
  default void declareCompanion(SiblingFile file) {}

  /** The format reported for a declared companion file that no scanner recognises; see {@link #declareCompanion}. */
  String COMPANION_FORMAT = "model-data";

  /**
   * How deep this content is nested: 0 for an input file, 1 for its members, and so on.
   *
   * @return the depth
   */
  int depth();

  /**
   * The settings of this scan.
   *
   * @return the settings
   */
  ScanSettings settings();

  /**
   * The limits of this scan; short for {@code settings().limits()}.
   *
   * @return the limits
   */
  default ScanLimits limits() {
    return settings().limits();
  }

  /**
   * The settings a scanner module keeps under {@code type}; short for {@code settings().extension(type)}. A scanner
   * uses its own defaults when this is empty.
   *
   * @param type the settings type
   * @param <T> the settings type
   * @return the value the embedder set, or empty
   */
  default <T> java.util.Optional<T> extension(Class<T> type) {
    return settings().extension(type);
  }

  /**
   * Starts a finding of the given rule, with the location of this content and this scanner's name filled in.
   * Finish it with {@code offset}, {@code module}, {@code operator} and {@code message}, then pass it to {@link
   * #report}.
   *
   * @param rule the rule
   * @return a builder
   */
  Finding.Builder finding(Rule rule);

  /**
   * Records a finding.
   *
   * @param finding the finding
   */
  void report(Finding finding);

  /**
   * Records that some of the content was not analysed; the status becomes partial (unless already worse). Several
   * reasons are kept.
   *
   * @param reason what was not analysed and why, for a person
   */
  void markPartial(String reason);

  /**
   * Records that a limit stopped part of the analysis: a limit finding and a partial status. Use when the scanner can
   * go on past the limit (skip one member and scan the next); otherwise throw the exception.
   *
   * @param exceeded the limit that was hit
   * @param offset where in the content, or -1 when unknown
   */
  void limitReached(ScanLimitExceededException exceeded, long offset);

  /**
   * Throws when the deadline of this input file has passed. Call it in loops over content-controlled counts.
   *
   * @throws ScanLimitExceededException with {@link dev.modelscan.api.LimitType#SCAN_TIMEOUT} after the deadline
   */
  void checkDeadline();

  /**
   * Dispatches nested content by its bytes, one level deeper, and waits for its scan. Findings go to the same input
   * file's result; the member's status rolls up into this content's status. Limits (nesting depth, deadline) are
   * enforced here; hitting one is recorded, not thrown.
   *
   * @param name the member's name within this content (an archive path, or a label such as {@code "user-block"})
   * @param content the member's bytes, typically a {@link ByteSource#slice slice} of {@link #source()}
   * @param kind whether unclaimed content is an unscanned member or known opaque data
   * @return what was seen of the member
   */
  MemberResult scanMember(String name, ByteSource content, MemberKind kind);

  /**
   * Like {@link #scanMember(String, ByteSource, MemberKind)} for content that only exists as a stream, such as a
   * deflated zip member or a gzip body. The context reads it under the decompression limits (bytes per member, bytes
   * per input file, and compression ratio against {@code compressedSize}), reports a bomb when one is hit, and scans
   * what it read. The stream is read but not closed.
   *
   * @param name the member's name
   * @param decompressed the decompressed bytes
   * @param compressedSize the compressed size, for the ratio check, or -1 when unknown
   * @param kind whether unclaimed content is an unscanned member or known opaque data
   * @return what was seen of the member
   */
  MemberResult scanMember(String name, InputStream decompressed, long compressedSize, MemberKind kind);
}
