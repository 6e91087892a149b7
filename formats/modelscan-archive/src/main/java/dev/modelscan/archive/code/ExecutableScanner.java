package dev.modelscan.archive.code;

import com.google.auto.service.AutoService;
import dev.modelscan.api.ModelScanVersion;
import dev.modelscan.api.Rule;
import dev.modelscan.api.Severity;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.api.spi.Recognition;
import dev.modelscan.api.spi.ScanContext;
import dev.modelscan.api.spi.ScannerDescriptor;
import dev.modelscan.archive.ArchiveRules;
import dev.modelscan.archive.ArchiveSupport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Recognises native executables and scripts by their bytes — ELF, PE (Windows), Mach-O (all byte orders, 32/64-bit,
 * universal "fat" binaries), Java class files and {@code #!} scripts — and reports them: a model never needs one,
 * and inside a model archive one is a payload waiting for an extraction tool, a custom-op loader or a user to run
 * it. Content decides, so {@code hidden_binary} without an extension is caught as well as {@code evil.so}.
 *
 * <p>Severity: {@link Severity#HIGH} when the executable is nested inside something else (an archive member, a
 * decompressed stream); as an input file of its own it is {@link Severity#MEDIUM} for binaries and {@link
 * Severity#LOW} for scripts, since a scanned directory (a model repository checkout) can legitimately hold helper
 * scripts and the user chose to scan it — it is still reported, never silently passed as a model.
 *
 * <p>The executable is not analysed further; once reported, the content counts as completely scanned.
 *
 * @since 0.1
 */
@AutoService(ModelScanner.class)
public final class ExecutableScanner implements ModelScanner {

  private static final ScannerDescriptor DESCRIPTOR =
      ScannerDescriptor.of(
          "executable",
          ModelScanVersion.current(),
          "Native executables (ELF, PE, Mach-O), Java classes and #! scripts, reported wherever they appear",
          List.of("elf", "pe", "mach-o", "java-class", "shebang-script"),
          List.of("so", "dll", "exe", "dylib", "class"));

  /** Creates the scanner; it is stateless. */
  public ExecutableScanner() {}

  @Override
  public ScannerDescriptor descriptor() {
    return DESCRIPTOR;
  }

  @Override
  public List<Rule> rules() {
    return List.of(ArchiveRules.EMBEDDED_EXECUTABLE);
  }

  @Override
  public Recognition recognize(ContentHead head) {
    int n = head.headLength();
    if (n >= 7 && head.startsWith((byte) 0x7F, (byte) 'E', (byte) 'L', (byte) 'F')) {
      int cls = head.headByte(4);
      int data = head.headByte(5);
      return (cls == 1 || cls == 2) && (data == 1 || data == 2) && head.headByte(6) == 1
          ? Recognition.of("elf", Recognition.CERTAIN)
          : Recognition.none();
    }
    if (n >= 64 && head.startsWith((byte) 'M', (byte) 'Z')) {
      long peOffset = u32le(head, 0x3C);
      return peOffset >= 64
              && peOffset + 4 <= n
              && head.startsWith((int) peOffset, (byte) 'P', (byte) 'E', (byte) 0, (byte) 0)
          ? Recognition.of("pe", Recognition.CERTAIN)
          : Recognition.none();
    }
    if (n >= 8) {
      long be = u32be(head, 0);
      if (be == 0xFEEDFACEL || be == 0xFEEDFACFL || be == 0xCEFAEDFEL || be == 0xCFFAEDFEL) {
        return Recognition.of("mach-o", Recognition.CERTAIN);
      }
      if (be == 0xCAFEBABEL || be == 0xCAFEBABFL) {
        long second = u32be(head, 4);
        // Fat Mach-O: number of architectures (small). Java class: minor, major version (major >= 45).
        if (second >= 1 && second < 45) {
          return Recognition.of("mach-o", Recognition.CERTAIN);
        }
        int major = (head.headByte(6) << 8) | head.headByte(7);
        if (be == 0xCAFEBABEL && major >= 45 && major < 100) {
          return Recognition.of("java-class", Recognition.STRONG);
        }
      }
    }
    if (n >= 3 && head.startsWith((byte) '#', (byte) '!')) {
      int i = 2;
      while (i < n && head.headByte(i) == ' ') {
        i++;
      }
      if (i < n && head.headByte(i) == '/') {
        // A .py file with a #! line is Python source first: the source scanner (modelscan-pickle) claims it above
        // PROBABLE and analyses what it calls. Without that scanner on the class path this claim still wins over text.
        return Recognition.of(
            "shebang-script", head.extension().equals("py") ? Recognition.PROBABLE : Recognition.STRONG);
      }
    }
    return Recognition.none();
  }

  @Override
  public void scan(ScanContext ctx) throws IOException {
    String format = ctx.format();
    boolean script = format.equals("shebang-script");
    Severity severity =
        ctx.depth() > 0 ? Severity.HIGH : script ? Severity.LOW : Severity.MEDIUM;
    String what =
        switch (format) {
          case "elf" -> "an ELF executable or shared library (Linux)";
          case "pe" -> "a PE executable or DLL (Windows)";
          case "mach-o" -> "a Mach-O executable or library (macOS)";
          case "java-class" -> "a compiled Java class";
          default -> "a script with interpreter line '" + interpreterLine(ctx) + "'";
        };
    String where = ctx.depth() > 0 ? "shipped inside a model container" : "among the scanned files";
    ctx.report(
        ctx.finding(ArchiveRules.EMBEDDED_EXECUTABLE)
            .severity(severity)
            .offset(0)
            .message(
                "'"
                    + ArchiveSupport.printable(ctx.name())
                    + "' is "
                    + what
                    + ", "
                    + where
                    + ". Models do not need executable code; do not run or unpack it without review.")
            .build());
  }

  private static String interpreterLine(ScanContext ctx) throws IOException {
    int n = (int) Math.min(ctx.source().size(), 120);
    byte[] b = ctx.source().readBytes(0, n);
    int end = 0;
    while (end < n && b[end] != '\n' && b[end] != '\r') {
      end++;
    }
    return ArchiveSupport.printable(new String(b, 0, end, StandardCharsets.ISO_8859_1));
  }

  private static long u32le(ContentHead h, int off) {
    return (h.headByte(off) | h.headByte(off + 1) << 8 | h.headByte(off + 2) << 16 | (long) h.headByte(off + 3) << 24)
        & 0xFFFF_FFFFL;
  }

  private static long u32be(ContentHead h, int off) {
    return ((long) h.headByte(off) << 24 | h.headByte(off + 1) << 16 | h.headByte(off + 2) << 8 | h.headByte(off + 3))
        & 0xFFFF_FFFFL;
  }
}
