package dev.modelscan.api.spi;

import java.util.Objects;

/**
 * What a name joined to an input file's folder leads to, as a loader that opens it would find it: a companion file of a
 * model (ONNX external data, a SafeTensors shard, SavedModel variables), looked up through {@link SiblingFiles}.
 *
 * <p>The lookup never leaves the model: a name that climbs out of the folder ({@code ..}, an absolute path) is {@link
 * Kind#OUTSIDE} without being looked at, and one that resolves out of it through a symbolic link is {@link
 * Kind#LINKED_OUTSIDE} and is never opened.
 *
 * @param name the name as asked, relative to the input file's folder
 * @param kind what the name leads to
 * @param link whether the name itself is a symbolic link (inside the model, else the kind is {@link
 *     Kind#LINKED_OUTSIDE}); loaders follow it, some checks (SavedModel variables) count only plain files
 * @param size the file's size in bytes for {@link Kind#FILE}, else -1
 * @param location where the file really is, links resolved: a real path on the local file system, a qualified URI on
 *     a Hadoop file system; empty for {@link Kind#OUTSIDE} and {@link Kind#MISSING}. Two lookups of one file give the
 *     same location, which is what matches a declared companion with the same file scanned as an input of its own
 * @param description for {@link Kind#SPECIAL} and {@link Kind#DIRECTORY}, what it is for a person ({@code "a FIFO
 *     (named pipe)"}, {@code "a device"}, {@code "a directory"}); else empty
 * @since 0.1
 */
public record SiblingFile(String name, Kind kind, boolean link, long size, String location, String description) {

  /** What a name leads to. */
  public enum Kind {
    /** Nothing of that name in the folder. */
    MISSING,
    /** A regular file inside the model: may be {@linkplain SiblingFiles#open opened}. */
    FILE,
    /** A directory. */
    DIRECTORY,
    /** A FIFO, socket or device: never opened (opening a FIFO blocks, a device never ends). */
    SPECIAL,
    /** The name itself climbs out of the folder (an absolute path, {@code ..} past the top): not looked at. */
    OUTSIDE,
    /** The name is inside, but a symbolic link on the way leads out of the model: not opened. */
    LINKED_OUTSIDE
  }

  /**
   * Checks the fields; the size of anything but a file is -1.
   *
   * @param name the name as asked
   * @param kind what the name leads to
   * @param link whether the name itself is a symbolic link
   * @param size the file's size, for {@link Kind#FILE}
   * @param location where the file really is, or empty
   * @param description what a directory or special file is, for a person, or empty
   * @throws NullPointerException when a field is null
   */
  public SiblingFile {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(description, "description");
    if (kind != Kind.FILE) {
      size = -1;
    }
  }

  /**
   * A name that leads to nothing.
   *
   * @param name the name as asked
   * @return the lookup's result
   */
  public static SiblingFile missing(String name) {
    return new SiblingFile(name, Kind.MISSING, false, -1, "", "");
  }

  /**
   * A name that climbs out of the folder by itself.
   *
   * @param name the name as asked
   * @return the lookup's result
   */
  public static SiblingFile outside(String name) {
    return new SiblingFile(name, Kind.OUTSIDE, false, -1, "", "");
  }

  /**
   * Whether this is a regular file inside the model, the only kind that may be opened or declared as a companion.
   *
   * @return true for {@link Kind#FILE}
   */
  public boolean isFile() {
    return kind == Kind.FILE;
  }
}
