package dev.modelscan.archive;

/**
 * One zip member as the scanner resolved it: the central directory's view, completed with what its local header
 * says. Mutable while the archive is walked; package-private.
 */
final class ZipRecord {
  /** Where the record came from: the central directory, or a local header that the directory does not list. */
  final boolean fromCentral;

  /** Offset of the central directory entry, or -1. */
  long centralOffset = -1;

  byte[] rawName;
  String name;
  int versionMadeBy;
  int flags;
  int method;
  long crc;
  long compressedSize;
  long size;
  long externalAttributes;

  /** Absolute offset of the local header in the scanned content. */
  long localHeaderOffset;

  /** Absolute offset of the data, or -1 when the local header could not be read. */
  long dataStart = -1;

  /** Absolute end of what the member occupies: data plus data descriptor. */
  long rangeEnd = -1;

  ZipRecord(boolean fromCentral) {
    this.fromCentral = fromCentral;
  }

  /** The Unix file type bits from the external attributes, or 0 when the entry was not made on Unix. */
  int unixFileType() {
    int host = versionMadeBy >>> 8;
    // 3 = Unix, 19 = OS X (Darwin); both keep st_mode in the high 16 bits.
    if (host != 3 && host != 19) {
      return 0;
    }
    return (int) (externalAttributes >>> 16) & 0xF000;
  }

  boolean isDirectory() {
    return name.endsWith("/") || unixFileType() == 0x4000;
  }

  boolean encrypted() {
    return (flags & 0x0001) != 0 || (flags & 0x0040) != 0;
  }

  long dataEnd() {
    return dataStart + compressedSize;
  }
}
