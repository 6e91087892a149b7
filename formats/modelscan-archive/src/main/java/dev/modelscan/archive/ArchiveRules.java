package dev.modelscan.archive;

import dev.modelscan.api.Rule;
import dev.modelscan.api.Severity;
import dev.modelscan.api.ThreatType;
import java.util.List;

/**
 * The rules that the container scanners of this package report: tampered zip layouts, dangerous member names and
 * links, encrypted members and executables shipped inside models.
 *
 * <p>Rule ids are stable; reports and suppressions refer to them.
 *
 * @since 0.1
 */
public final class ArchiveRules {

  /** A member name escapes the extraction directory: {@code ../}, an absolute path, a drive letter, a UNC path. */
  public static final Rule PATH_TRAVERSAL =
      Rule.of(
          "ARCHIVE-PATH-TRAVERSAL",
          "Archive member escapes the extraction directory",
          "A member name is absolute or climbs out with '..'. A tool that extracts the archive writes that file"
              + " anywhere the user can write, for example over a shell profile or a Python package.",
          Severity.HIGH,
          ThreatType.PATH_TRAVERSAL);

  /** A symbolic or hard link inside an archive. */
  public static final Rule LINK_MEMBER =
      Rule.of(
          "ARCHIVE-LINK-MEMBER",
          "Link inside an archive",
          "The archive holds a symbolic or hard link. Extracting it lets later members, or the loader, read or write"
              + " through the link to files outside the model.",
          Severity.HIGH,
          ThreatType.PATH_TRAVERSAL);

  /** A device, FIFO or other special file inside an archive. */
  public static final Rule SPECIAL_FILE_MEMBER =
      Rule.of(
          "ARCHIVE-SPECIAL-FILE",
          "Device or special file inside an archive",
          "The archive holds a device node, FIFO or other special file. No model needs one; extracting it can block"
              + " readers or expose devices.",
          Severity.MEDIUM,
          ThreatType.MALFORMED_CONTENT);

  /** A member whose name says it is a script or native code (outside the TorchScript code directory). */
  public static final Rule SCRIPT_MEMBER =
      Rule.of(
          "ARCHIVE-SCRIPT-MEMBER",
          "Script or native code shipped inside a model archive",
          "A member is named like code that runs outside the model loader (Python module, .pth path hook, shell"
              + " or batch script, shared library, executable). Tools that unpack the model or add it to a Python"
              + " path can run it.",
          Severity.MEDIUM,
          ThreatType.EMBEDDED_EXECUTABLE);

  /** An executable or a script recognised by its content. */
  public static final Rule EMBEDDED_EXECUTABLE =
      Rule.of(
          "ARCHIVE-EMBEDDED-EXECUTABLE",
          "Executable or script",
          "The content is native machine code (ELF, PE, Mach-O), a Java class or a script with an interpreter"
              + " line. Models never need one; inside a model it is a payload waiting for something to run it.",
          Severity.HIGH,
          ThreatType.EMBEDDED_EXECUTABLE);

  /** A member is marked encrypted (or uses an encryption the scanner cannot read). */
  public static final Rule ENCRYPTED_MEMBER =
      Rule.of(
          "ARCHIVE-ENCRYPTED-MEMBER",
          "Encrypted archive member",
          "A member is marked encrypted. Scanners that give up on it (or on the whole archive) miss what it holds,"
              + " while loaders that ignore the flag read it; its bytes were handed to the scanners as they are.",
          Severity.MEDIUM,
          ThreatType.OBFUSCATION);

  /** Two members have the same name (exactly, or when case is ignored). */
  public static final Rule DUPLICATE_NAME =
      Rule.of(
          "ARCHIVE-DUPLICATE-NAME",
          "Duplicate member names",
          "Two members have the same name, or names that differ only in case. Loaders disagree on which one they"
              + " read (PyTorch takes the first and ignores case, Python's zipfile the last), which hides a payload"
              + " from tools that look at the other one. Every copy was scanned.",
          Severity.MEDIUM,
          ThreatType.OBFUSCATION);

  /** A zip local header disagrees with its central directory entry. */
  public static final Rule ZIP_HEADER_MISMATCH =
      Rule.of(
          "ZIP-HEADER-MISMATCH",
          "Zip local header disagrees with the central directory",
          "A member's local header and its central directory entry name a different file, method, flags or sizes."
              + " Streaming readers follow the local header and random-access readers the central directory, so the"
              + " two see different content (CVE-2025-1944 evaded scanners this way).",
          Severity.MEDIUM,
          ThreatType.OBFUSCATION);

  /** A zip member's CRC-32 does not match its content. */
  public static final Rule ZIP_BAD_CRC =
      Rule.of(
          "ZIP-BAD-CRC",
          "Zip member with a wrong CRC-32",
          "The member's bytes do not match its recorded CRC-32. PyTorch never checks it while strict readers reject"
              + " the member, so scanners built on strict readers skip content that the loader runs.",
          Severity.MEDIUM,
          ThreatType.OBFUSCATION);

  /** Bytes before the first zip local header (a polyglot prefix). */
  public static final Rule ZIP_PREPENDED_DATA =
      Rule.of(
          "ZIP-PREPENDED-DATA",
          "Data before the zip archive",
          "The file does not start with the zip archive: other bytes come first. Loaders that look at the first"
              + " bytes (torch.load, numpy.load) read that prefix instead of the zip, for example as a pickle; the"
              + " prefix was scanned on its own.",
          Severity.MEDIUM,
          ThreatType.DISGUISED_CONTENT);

  /** Bytes that no archive structure accounts for: after the end, between members, or before the directory. */
  public static final Rule HIDDEN_DATA =
      Rule.of(
          "ARCHIVE-HIDDEN-DATA",
          "Data outside the archive structure",
          "Bytes lie after the end of the archive, between members or before a zip's central directory, where no"
              + " member owns them. Such bytes are a hiding place for content that other readers (streaming readers,"
              + " format sniffers) pick up; they were scanned on their own.",
          Severity.MEDIUM,
          ThreatType.DISGUISED_CONTENT);

  /** A zip member present only as a local header, not in the central directory. */
  public static final Rule ZIP_LOCAL_ONLY_MEMBER =
      Rule.of(
          "ZIP-LOCAL-ONLY-MEMBER",
          "Zip member missing from the central directory",
          "A local file header is not listed in the central directory. Streaming readers extract it, random-access"
              + " readers never see it; it was scanned.",
          Severity.MEDIUM,
          ThreatType.OBFUSCATION);

  /** Two zip members share bytes. */
  public static final Rule ZIP_OVERLAPPING_MEMBERS =
      Rule.of(
          "ZIP-OVERLAPPING-MEMBERS",
          "Zip members overlap",
          "Two members' data ranges overlap. Legitimate writers never do this; it builds non-recursive zip bombs"
              + " (every entry pointing at the same compressed data) and hides one member inside another.",
          Severity.HIGH,
          ThreatType.DENIAL_OF_SERVICE);

  /** The archive structure is broken or missing where a reader needs it. */
  public static final Rule STRUCTURE =
      Rule.of(
          "ARCHIVE-STRUCTURE",
          "Broken archive structure",
          "A header, directory or end record is missing, truncated, fails its checksum or is inconsistent. Readers"
              + " recover from this in different ways, which is how payloads get past scanners.",
          Severity.MEDIUM,
          ThreatType.MALFORMED_CONTENT);

  /** A member uses a compression method the scanner cannot decode. */
  public static final Rule UNSUPPORTED_METHOD =
      Rule.of(
          "ARCHIVE-UNSUPPORTED-METHOD",
          "Archive member in a compression method that was not decoded",
          "A member uses a compression method this scanner does not decode, so its content was not analysed.",
          Severity.LOW,
          ThreatType.OBFUSCATION);

  /** A compressed stream or archive member is corrupt or truncated. */
  public static final Rule CORRUPT_STREAM =
      Rule.of(
          "ARCHIVE-CORRUPT-STREAM",
          "Corrupt or truncated compressed data",
          "Decompression failed part way. What was decompressed before the error was scanned; a loader reading the"
              + " same stream may already have acted on it before it noticed the error.",
          Severity.MEDIUM,
          ThreatType.MALFORMED_CONTENT);

  private static final List<Rule> ALL =
      List.of(
          PATH_TRAVERSAL,
          LINK_MEMBER,
          SPECIAL_FILE_MEMBER,
          SCRIPT_MEMBER,
          EMBEDDED_EXECUTABLE,
          ENCRYPTED_MEMBER,
          DUPLICATE_NAME,
          ZIP_HEADER_MISMATCH,
          ZIP_BAD_CRC,
          ZIP_PREPENDED_DATA,
          HIDDEN_DATA,
          ZIP_LOCAL_ONLY_MEMBER,
          ZIP_OVERLAPPING_MEMBERS,
          STRUCTURE,
          UNSUPPORTED_METHOD,
          CORRUPT_STREAM);

  private ArchiveRules() {}

  /**
   * Every rule of this class.
   *
   * @return the rules, in declaration order
   */
  public static List<Rule> all() {
    return ALL;
  }
}
