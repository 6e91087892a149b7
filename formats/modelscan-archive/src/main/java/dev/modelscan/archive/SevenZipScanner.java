package dev.modelscan.archive;

import com.google.auto.service.AutoService;
import dev.modelscan.api.ModelScanVersion;
import dev.modelscan.api.Rule;
import dev.modelscan.api.StandardRules;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.MemberKind;
import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.api.spi.Recognition;
import dev.modelscan.api.spi.ScanContext;
import dev.modelscan.api.spi.ScannerDescriptor;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.apache.commons.compress.PasswordRequiredException;
import org.apache.commons.compress.archivers.sevenz.SevenZArchiveEntry;
import org.apache.commons.compress.archivers.sevenz.SevenZFile;
import org.apache.commons.compress.archivers.sevenz.SevenZMethod;
import org.apache.commons.compress.archivers.sevenz.SevenZMethodConfiguration;

/**
 * Scans 7z archives with commons-compress, member by member in archive order, each decompressed member handed back
 * for dispatch by content (picklescan scans {@code .7z} members too; attackers ship checkpoints this way).
 *
 * <p>The decoder memory is capped (at {@code maxMemberBytes}, at most 256 MiB): a 7z header can claim a 4 GiB
 * LZMA dictionary in five bytes, which a decoder allocates before reading any data. Such an archive is refused with
 * a limit finding and a partial result. Encrypted members (and encrypted headers) cannot be read without the
 * password: they are reported and the result is partial. The compressed size given to the engine's ratio check is
 * the whole archive's, an upper bound, because solid 7z blocks share their compressed bytes.
 *
 * @since 0.1
 */
@AutoService(ModelScanner.class)
public final class SevenZipScanner implements ModelScanner {

  private static final ScannerDescriptor DESCRIPTOR =
      ScannerDescriptor.of(
          "7z",
          ModelScanVersion.current(),
          "7-Zip archives, member by member under a decoder memory cap",
          List.of("7z"),
          List.of("7z"));

  /** Creates the scanner; it is stateless. */
  public SevenZipScanner() {}

  @Override
  public ScannerDescriptor descriptor() {
    return DESCRIPTOR;
  }

  @Override
  public List<Rule> rules() {
    return List.of(
        ArchiveRules.PATH_TRAVERSAL,
        ArchiveRules.LINK_MEMBER,
        ArchiveRules.SPECIAL_FILE_MEMBER,
        ArchiveRules.SCRIPT_MEMBER,
        ArchiveRules.ENCRYPTED_MEMBER,
        ArchiveRules.STRUCTURE,
        ArchiveRules.CORRUPT_STREAM,
        StandardRules.LIMIT_REACHED);
  }

  /** Claims content with the 7z signature. */
  @Override
  public Recognition recognize(ContentHead head) {
    return head.startsWith((byte) '7', (byte) 'z', (byte) 0xBC, (byte) 0xAF, (byte) 0x27, (byte) 0x1C)
        ? Recognition.of("7z", Recognition.CERTAIN)
        : Recognition.none();
  }

  @Override
  public void scan(ScanContext ctx) throws IOException {
    int memoryKiB = ArchiveSupport.decoderMemoryLimitKiB(ctx.limits());
    SevenZFile archive;
    try {
      archive =
          SevenZFile.builder()
              .setSeekableByteChannel(new ByteSourceChannel(ctx.source()))
              .setMaxMemoryLimitKiB(memoryKiB)
              .get();
    } catch (PasswordRequiredException e) {
      ArchiveSupport.reportEncrypted(ctx, "[7z header]", 0, "the archive's header is encrypted");
      ctx.markPartial("the 7z header is encrypted: no member could be listed");
      return;
    } catch (IOException | RuntimeException e) {
      if (!limitOrFalse(ctx, e, "7z archive header")) {
        structure(ctx, "the 7z header could not be read (" + GuardedInputStream.describe(e) + ")");
        ctx.markPartial("the 7z header could not be read");
      }
      return;
    }
    try (SevenZFile f = archive) {
      walk(ctx, f);
    }
  }

  private static void walk(ScanContext ctx, SevenZFile f) {
    ArchiveSupport.MemberBudget budget = new ArchiveSupport.MemberBudget(ctx, "7z archive");
    int index = 0;
    while (true) {
      SevenZArchiveEntry entry;
      try {
        entry = f.getNextEntry();
      } catch (IOException | RuntimeException e) {
        if (e instanceof PasswordRequiredException) {
          ctx.markPartial("7z member " + index + " is encrypted");
        } else if (!limitOrFalse(ctx, e, "7z member " + index)) {
          structure(ctx, "7z member " + index + " could not be opened (" + GuardedInputStream.describe(e) + ")");
          ctx.markPartial("7z member " + index + " and the rest could not be read");
        }
        return;
      }
      if (entry == null) {
        return;
      }
      if (!budget.take(-1)) {
        return;
      }
      String name = entry.getName() == null || entry.getName().isEmpty() ? "[unnamed-" + index + "]" : entry.getName();
      index++;
      ArchiveSupport.checkTraversal(ctx, name, -1);
      if (entry.isDirectory() || entry.isAntiItem() || !entry.hasStream()) {
        continue;
      }
      int type = unixFileType(entry);
      if (type == 0xA000) {
        reportLink(ctx, f, name);
        continue;
      }
      if (type != 0 && type != 0x8000 && type != 0x4000) {
        ctx.report(
            ctx.finding(ArchiveRules.SPECIAL_FILE_MEMBER)
                .offset(-1)
                .message(
                    String.format(
                        java.util.Locale.ROOT,
                        "Member '%s' has Unix file type 0%o (device, FIFO or socket).",
                        ArchiveSupport.printable(name),
                        type >> 12))
                .build());
        continue;
      }
      if (encrypted(entry)) {
        ArchiveSupport.reportEncrypted(ctx, name, -1, "AES-256 in the 7z coder chain");
        ctx.markPartial("7z member '" + name + "' is encrypted and was not scanned");
        continue;
      }
      GuardedInputStream body = new GuardedInputStream(new EntryStream(f));
      try {
        BufferedInputStream in = new BufferedInputStream(body, ArchiveSupport.PEEK_BYTES * 2);
        byte[] head = ArchiveSupport.isScriptName(name) ? ArchiveSupport.peek(in, ArchiveSupport.PEEK_BYTES) : null;
        ArchiveSupport.checkScriptName(ctx, name, head, -1);
        ctx.scanMember(name, in, ctx.source().size(), MemberKind.CONTENT);
      } catch (IOException e) {
        body.reportFailure(ctx, "7z member '" + name + "'", -1);
        return;
      }
      if (body.reportFailure(ctx, "7z member '" + name + "'", -1)) {
        // A broken solid block also breaks every later member of it; stop rather than report each.
        return;
      }
    }
  }

  /** 7-Zip keeps the Unix mode in the high 16 bits of the attributes when bit 15 (0x8000) says so. */
  private static int unixFileType(SevenZArchiveEntry entry) {
    if (!entry.getHasWindowsAttributes()) {
      return 0;
    }
    int attributes = entry.getWindowsAttributes();
    return (attributes & 0x8000) != 0 ? (attributes >>> 16) & 0xF000 : 0;
  }

  /** A 7z symbolic link's data is its target: read a bounded prefix of it for the finding. */
  private static void reportLink(ScanContext ctx, SevenZFile f, String name) {
    String target = null;
    try {
      byte[] buf = new byte[1024];
      int n = 0;
      while (n < buf.length) {
        int r = f.read(buf, n, buf.length - n);
        if (r < 0) {
          break;
        }
        n += r;
      }
      target = new String(buf, 0, n, java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      // The link is reported without its target.
    }
    ArchiveSupport.reportLink(ctx, -1, name, target, true);
  }

  private static boolean encrypted(SevenZArchiveEntry entry) {
    Iterable<? extends SevenZMethodConfiguration> methods = entry.getContentMethods();
    if (methods == null) {
      return false;
    }
    for (SevenZMethodConfiguration m : methods) {
      if (m.getMethod() == SevenZMethod.AES256SHA256) {
        return true;
      }
    }
    return false;
  }

  /** Records a decoder memory refusal as a limit; returns false when the error was something else. */
  private static boolean limitOrFalse(ScanContext ctx, Exception e, String what) {
    if (e instanceof org.apache.commons.compress.MemoryLimitException) {
      long needed = ((org.apache.commons.compress.MemoryLimitException) e).getMemoryNeededInKb();
      ctx.limitReached(ArchiveSupport.decoderMemoryExceeded(ctx.limits(), needed, what), -1);
      return true;
    }
    if (e instanceof org.tukaani.xz.MemoryLimitException) {
      long needed = ((org.tukaani.xz.MemoryLimitException) e).getMemoryNeeded();
      ctx.limitReached(ArchiveSupport.decoderMemoryExceeded(ctx.limits(), needed, what), -1);
      return true;
    }
    return false;
  }

  private static void structure(ScanContext ctx, String message) {
    ctx.report(ctx.finding(ArchiveRules.STRUCTURE).offset(-1).message(message + ".").build());
  }

  /** The current entry's bytes, read through the archive's sequential reader. */
  private static final class EntryStream extends InputStream {
    private final SevenZFile file;

    EntryStream(SevenZFile file) {
      this.file = file;
    }

    @Override
    public int read() throws IOException {
      return file.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return file.read(b, off, len);
    }
  }
}
