package dev.modelscan.archive;

import dev.modelscan.api.LimitType;
import dev.modelscan.api.ScanLimitExceededException;
import dev.modelscan.api.ScanLimits;
import dev.modelscan.api.Severity;
import dev.modelscan.api.spi.ScanContext;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks and helpers shared by the container scanners: member names, member budgets, decoder memory. Public only for
 * the executable scanner in {@code dev.modelscan.archive.code}; the module exports neither package.
 */
public final class ArchiveSupport {

  /** Scanner version reported in every descriptor of this package. */

  /**
   * The most memory an LZMA/LZMA2/xz decoder may ask for, whatever {@code maxMemberBytes} says. One header byte can
   * claim a 4 GiB dictionary that the decoder allocates before it reads any data (a dictionary bomb); 7-Zip's own
   * largest preset uses 64 MiB.
   */
  static final long DECODER_MEMORY_CAP = 256L << 20;

  /** How many leading bytes of a member the name checks may look at. */
  static final int PEEK_BYTES = 512;

  private static final Set<String> SCRIPT_EXTENSIONS =
      Set.of(
          "py", "pyc", "pyo", "pyw", "pyz", "pth", "sh", "bash", "zsh", "ksh", "csh", "bat", "cmd", "ps1", "psm1",
          "vbs", "vbe", "wsf", "hta", "exe", "dll", "so", "dylib", "scr", "msi", "jar", "class", "elf");

  /** {@code libfoo.so.1.2}: versioned shared libraries. */
  private static final Pattern VERSIONED_SO = Pattern.compile(".*\\.so(\\.\\d+)+$");

  private static final Pattern DRIVE = Pattern.compile("^[A-Za-z]:.*");

  // Compiled once: String.split with a pattern of more than one character compiles a regex on every call, and this
  // runs for every member name, in code a short CLI run mostly interprets.
  private static final Pattern SEPARATORS = Pattern.compile("[/\\\\]");

  private ArchiveSupport() {}

  /**
   * Why a member name escapes the directory it is extracted to, or null when it does not. Backslashes count as
   * separators because Windows extractors treat them so.
   */
  static String traversalProblem(String name) {
    if (name.indexOf('\0') >= 0) {
      return "contains a NUL character (extractors cut the name there)";
    }
    if (name.startsWith("/") || name.startsWith("\\")) {
      return name.startsWith("\\\\") ? "is a UNC network path" : "is an absolute path";
    }
    if (DRIVE.matcher(name).matches()) {
      return "starts with a drive letter";
    }
    for (String segment : SEPARATORS.split(name, -1)) {
      if (segment.equals("..")) {
        return "climbs out of the extraction directory with '..'";
      }
    }
    return null;
  }

  /** The lower-case extension of the last path segment, or empty. */
  static String extension(String name) {
    int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
    int dot = name.lastIndexOf('.');
    return dot > slash + 1 ? name.substring(dot + 1).toLowerCase(Locale.ROOT) : "";
  }

  /** Whether a member name says script or native code. {@code .pth} is decided by {@link #scriptNameProblem}. */
  static boolean isScriptName(String name) {
    String ext = extension(name);
    return SCRIPT_EXTENSIONS.contains(ext) || VERSIONED_SO.matcher(name.toLowerCase(Locale.ROOT)).matches();
  }

  /**
   * Why a member name is a script that a finding must report, or null. A {@code .pth} file is a Python path hook
   * (each {@code import} line runs at interpreter start-up when it lands in site-packages) only when it is text; a
   * binary {@code .pth} is a PyTorch checkpoint, which the content scanners judge.
   *
   * @param name the member name
   * @param head the first bytes of the member (up to {@link #PEEK_BYTES}), or null when unknown
   */
  static String scriptNameProblem(String name, byte[] head) {
    if (!isScriptName(name)) {
      return null;
    }
    if (extension(name).equals("pth")) {
      if (head != null && !isText(head)) {
        return null;
      }
      return "is a text .pth file: Python runs its 'import' lines when it is placed on a site-packages path";
    }
    return "is named like code (." + extension(name) + ") that runs outside the model loader";
  }

  /** Whether bytes look like text: printable ASCII, tabs, line ends, or UTF-8 sequences. */
  static boolean isText(byte[] head) {
    for (byte b : head) {
      int c = b & 0xFF;
      if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f') {
        return false;
      }
      if (c == 0x7F) {
        return false;
      }
    }
    return true;
  }

  /** Reports a script-like member name if it is one. */
  static void checkScriptName(ScanContext ctx, String name, byte[] head, long offset) {
    String problem = scriptNameProblem(name, head);
    if (problem != null) {
      ctx.report(
          ctx.finding(ArchiveRules.SCRIPT_MEMBER)
              .offset(offset)
              .message("Member '" + name + "' " + problem + ". Review it before unpacking or installing the model.")
              .build());
    }
  }

  /** Reports a traversing member name if it is one. */
  static void checkTraversal(ScanContext ctx, String name, long offset) {
    String problem = traversalProblem(name);
    if (problem != null) {
      ctx.report(
          ctx.finding(ArchiveRules.PATH_TRAVERSAL)
              .offset(offset)
              .message(
                  "Member '"
                      + printable(name)
                      + "' "
                      + problem
                      + ". Do not extract this archive with a tool that trusts member names.")
              .build());
    }
  }

  /**
   * Reports a link. A link whose target escapes the extraction directory (absolute, {@code ..}) or is unknown is
   * {@link Severity#HIGH}; a link to another place inside the archive is {@link Severity#MEDIUM} (tar deduplicates
   * files with hard links legitimately, but extraction still follows it).
   *
   * @param target the link target, or null when unknown
   */
  static void reportLink(ScanContext ctx, long offset, String name, String target, boolean symbolic) {
    String escape = target == null ? null : traversalProblem(target);
    ctx.report(
        ctx.finding(ArchiveRules.LINK_MEMBER)
            .severity(target != null && escape == null ? Severity.MEDIUM : Severity.HIGH)
            .offset(offset)
            .message(
                "Member '"
                    + printable(name)
                    + "' is a "
                    + (symbolic ? "symbolic" : "hard")
                    + " link"
                    + (target == null ? "" : " to '" + printable(target) + "'")
                    + (escape == null ? "" : ", a target that " + escape)
                    + ". Extraction creates a link that later writes and reads follow"
                    + (escape == null ? "." : " out of the model directory."))
            .build());
  }

  /** Reports an encrypted member. */
  static void reportEncrypted(ScanContext ctx, String name, long offset, String how) {
    ctx.report(
        ctx.finding(ArchiveRules.ENCRYPTED_MEMBER)
            .offset(offset)
            .message("Member '" + name + "' is marked encrypted (" + how + ").")
            .build());
  }

  /**
   * Escapes control characters as {@code \\xNN}, so that a name taken from scanned content keeps a report one line per
   * finding.
   *
   * @param name a name read from the content
   * @return the name with C0 controls and DEL escaped
   */
  public static String printable(String name) {
    StringBuilder sb = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < 0x20 || c == 0x7F) {
        sb.append(String.format(Locale.ROOT, "\\x%02x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /**
   * The memory in KiB an LZMA-family decoder may use: {@code maxMemberBytes}, at most {@link #DECODER_MEMORY_CAP},
   * and at most an eighth of the heap. A 13-byte LZMA header can declare a dictionary that the decoder allocates at
   * once; the heap bound keeps one such file per scanning thread from exhausting a small heap (found by the
   * robustness tests: a 192 MiB dictionary under -Xmx128m). A model that really needs a larger dictionary than the
   * heap allows is reported as a limit, not decoded.
   */
  static int decoderMemoryLimitKiB(ScanLimits limits) {
    long heapShare = Runtime.getRuntime().maxMemory() / 8;
    return (int) Math.max(1, Math.min(Math.min(limits.maxMemberBytes(), DECODER_MEMORY_CAP), heapShare) / 1024);
  }

  /** The exception for a decoder that would need more memory than {@link #decoderMemoryLimitKiB} allows. */
  static ScanLimitExceededException decoderMemoryExceeded(ScanLimits limits, long neededKiB, String what) {
    return new ScanLimitExceededException(
        LimitType.MEMBER_BYTES,
        (long) decoderMemoryLimitKiB(limits) * 1024,
        neededKiB < 0 ? -1 : neededKiB * 1024,
        what
            + " (decoder memory for its dictionary, capped at "
            + (decoderMemoryLimitKiB(limits) >> 10)
            + " MiB: maxMemberBytes, 256 MiB and an eighth of the heap)");
  }

  /** Severity of a finding made about a nested member versus the input itself. */
  static Severity nestedSeverity(ScanContext ctx, Severity nested, Severity top) {
    return ctx.depth() > 0 ? nested : top;
  }

  /** Reads up to {@code n} bytes from a stream that supports mark/reset, and resets it. */
  static byte[] peek(InputStream in, int n) throws IOException {
    in.mark(n);
    byte[] head = in.readNBytes(n);
    in.reset();
    return head;
  }

  /**
   * Counts members against {@link ScanLimits#maxArchiveMembers()}. Archives with millions of tiny entries would
   * otherwise keep the scanner busy for hours; past the limit the rest is not scanned and the result is partial.
   */
  static final class MemberBudget {
    private final ScanContext ctx;
    private final String what;
    private final int max;
    private int count;

    MemberBudget(ScanContext ctx, String what) {
      this.ctx = ctx;
      this.what = what;
      this.max = ctx.limits().maxArchiveMembers();
    }

    /**
     * Takes one member from the budget.
     *
     * @param offset where the member starts, for the limit finding
     * @return false (after recording the limit once) when the budget is spent: stop walking
     */
    boolean take(long offset) {
      ctx.checkDeadline();
      if (count >= max) {
        ctx.limitReached(
            ctx.limits().exceeded(LimitType.ARCHIVE_MEMBERS, -1, what + " has more members than allowed"),
            offset);
        return false;
      }
      count++;
      return true;
    }
  }
}
