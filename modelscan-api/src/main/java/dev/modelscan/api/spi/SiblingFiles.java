package dev.modelscan.api.spi;

import dev.modelscan.api.io.ByteSource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The folder around an input file, as the scanner of that file may look at it: for formats whose model is several
 * files (a sharded checkpoint's index names its shards, an ONNX graph its external tensor data, a SavedModel its
 * variables). Reached through {@link ScanContext#siblings()}, for an input file scanned from a folder (a local path in
 * the CLI, a Hadoop path in the Spark job), never for nested content, byte arrays or streams.
 *
 * <p>The view is bounded to the model: names are joined to the input file's folder the way loaders join them, and
 * nothing outside it is looked at or opened (see {@link SiblingFile.Kind#OUTSIDE} and {@link
 * SiblingFile.Kind#LINKED_OUTSIDE}). The boundary for links is the input file's folder, or for a file of a Hugging Face
 * cache snapshot the repository folder that its links point into.
 *
 * <p>Implementations are used by one scan at a time and need not be thread-safe.
 *
 * @since 0.1
 */
public interface SiblingFiles {

  /**
   * Looks up what a name leads to, joined to the input file's folder ({@code /} separates folders). Never opens it.
   *
   * @param name a relative name such as {@code "model-00001-of-00002.safetensors"} or {@code "variables/x.index"}
   * @return what the name leads to
   * @throws IOException when the file system cannot answer (a link that leads nowhere, an unreadable folder)
   */
  SiblingFile find(String name) throws IOException;

  /**
   * The entries of a sub-folder whose names match a glob ({@code *}, {@code ?}, {@code {a,b}}), sorted by name, at
   * most {@code max} of them. A folder that is missing, not a directory or a symbolic link gives an empty list.
   *
   * @param folder the sub-folder, relative to the input file's folder ({@code ""} for that folder itself)
   * @param glob the pattern for the entries' own names, such as {@code "variables.{index,data-*-of-*}"}
   * @param max the most entries returned; a folder of a million names costs no more than this many lookups
   * @return the entries, each as {@link #find} gives it
   * @throws IOException when the folder cannot be listed
   */
  List<SiblingFile> list(String folder, String glob, int max) throws IOException;

  /**
   * The input file's own name in its folder, as it was listed (a link's name, not its target's).
   *
   * @return the name, such as {@code "saved_model.pb"}
   */
  String inputName();

  /**
   * Where the input file itself is, in the terms of {@link SiblingFile#location()}: what a declaration of this file
   * by another model's scan would name.
   *
   * @return the location
   * @throws IOException when the file system cannot answer
   */
  String inputLocation() throws IOException;

  /**
   * Opens a file this view found, for positional reads. The caller closes it.
   *
   * @param file a result of {@link #find} or {@link #list} of this view
   * @return its content
   * @throws IOException when it cannot be read, or is not {@link SiblingFile.Kind#FILE}
   */
  ByteSource open(SiblingFile file) throws IOException;

  /**
   * The view of a file's folder on the local file system, as the CLI uses it: links are followed when they stay
   * inside {@code linkBoundary} (compared as real paths), FIFOs, sockets and devices are never opened, {@link
   * SiblingFile#location()} is the real path.
   *
   * @param inputFile the input file
   * @param linkBoundary the folder that links may resolve into: the input file's own folder, or a Hugging Face cache
   *     repository's folder for a file of one of its snapshots
   * @return the view
   * @throws IllegalArgumentException when the input file has no folder
   */
  static SiblingFiles local(Path inputFile, Path linkBoundary) {
    return new LocalSiblingFiles(inputFile, linkBoundary);
  }
}
