package dev.modelscan.core;

import dev.modelscan.api.FileResult;
import dev.modelscan.api.Finding;
import dev.modelscan.api.Location;
import dev.modelscan.api.MalformedContentException;
import dev.modelscan.api.ScanLimitExceededException;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.StandardRules;
import dev.modelscan.api.io.ByteSource;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.MemberKind;
import dev.modelscan.api.spi.Recognition;
import dev.modelscan.api.spi.SiblingFile;
import dev.modelscan.api.spi.SiblingFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Dispatches content to scanners by its bytes, at every level of nesting, and rolls the results up. Stateless apart
 * from the registry and settings, so one engine serves every thread; per-file state lives in {@link FileScan}. Scanner
 * contexts reach it only as a {@link Dispatcher}.
 */
final class ScanEngine implements Dispatcher {

  private final ScannerRegistry registry;
  private final ScanSettings settings;

  ScanEngine(ScannerRegistry registry, ScanSettings settings) {
    this.registry = registry;
    this.settings = settings;
  }

  ScanSettings settings() {
    return settings;
  }

  /** Scans one input file's content that has no folder (bytes, a stream). Never throws for anything the content does. */
  FileResult scanInput(ByteSource source, String path, String name, Optional<Path> inputFile) {
    return scanInput(source, path, name, inputFile, Optional.empty()).result();
  }

  /**
   * Scans one input file's content; the neighbouring files its scanner declared as data of the model ({@link
   * dev.modelscan.api.spi.ScanContext#declareCompanion}) come back with the result. Never throws for anything the
   * content does.
   */
  InputScan scanInput(
      ByteSource source, String path, String name, Optional<Path> inputFile, Optional<SiblingFiles> siblings) {
    FileScan fs = new FileScan(path, inputFile, siblings, settings);
    // Every byte is hashed, within the file's deadline; a large input on a thread of its own, during the scan.
    ContentHash.Pending hash = ContentHash.start(source, () -> fs.checkDeadline(path));
    Outcome o;
    try {
      o = dispatch(fs, source, name, "", 0, MemberKind.CONTENT);
    } catch (ScanLimitExceededException e) {
      // Only the deadline can escape dispatch; what was found before it stays in the result.
      fs.findings.add(fs.limitFinding("", e, -1));
      o = Outcome.of(Outcome.UNKNOWN_FORMAT, ScanStatus.PARTIAL, e.getMessage(), "");
    } catch (Throwable e) {
      // Scanner failures are contained per content in run(); anything that still gets here is a failure of the
      // engine, of a recognizer or of a byte source (a read that throws an unchecked exception or an Error). It must
      // not escape as an exception from a single-file scan, nor leave the file looking clean: the findings so far
      // stay, the file is FAILED.
      String what = Reasons.describe(e);
      fs.findings.add(
          Finding.builder(StandardRules.SCANNER_ERROR)
              .location(new Location(path, "", -1))
              .scanner("engine")
              .message("The scan of this file failed (" + what + "); it was not fully analysed.")
              .build());
      o = Outcome.of(Outcome.UNKNOWN_FORMAT, ScanStatus.FAILED, "scan failed: " + what, "");
    }
    FileResult r =
        new FileResult(path, source.size(), o.format(), o.status(), o.reason(), fs.findings, fs.members)
            .withSha256(hash.get());
    // Only an unrecognised file can be another's companion: its location is looked up for those alone.
    String location = "";
    if (o.unrecognised() && siblings.isPresent()) {
      try {
        location = siblings.get().inputLocation();
      } catch (IOException | RuntimeException e) {
        // not matchable: it stays skipped, as any unrecognised file
      }
    }
    return new InputScan(r, location, o.companions(), o.unrecognised());
  }

  /**
   * Recognises content and runs the best claim (and every other strong claim of another format, which makes the
   * content a polyglot). Content nobody claims is skipped, never clean, unless the parent said it is opaque data.
   */
  @Override
  public Outcome dispatch(FileScan fs, ByteSource source, String name, String entry, int depth, MemberKind kind) {
    fs.checkDeadline(fs.path);
    ContentHead head;
    try {
      head = readHead(source, name);
    } catch (IOException e) {
      return Outcome.of(
          Outcome.UNKNOWN_FORMAT, ScanStatus.FAILED, "could not read the content: " + e.getMessage(), "");
    }
    List<ScannerRegistry.Claim> claims = registry.claims(head);
    if (claims.isEmpty()) {
      if (source.size() == 0) {
        return Outcome.of("empty", ScanStatus.COMPLETE, "", "");
      }
      if (kind == MemberKind.OPAQUE_DATA) {
        return Outcome.of("data", ScanStatus.COMPLETE, "", "");
      }
      return Outcome.unrecognisedContent();
    }
    ScannerRegistry.Claim primary = claims.get(0);
    checkExtension(fs, head, primary, entry);
    Outcome result = run(fs, primary, source, name, entry, depth);
    for (ScannerRegistry.Claim other : claims.subList(1, claims.size())) {
      Recognition r = other.recognition();
      if (r.confidence() < Recognition.STRONG || r.format().equals(primary.recognition().format())) {
        continue;
      }
      // A second strong reading of the same bytes: a loader may take either, so both are scanned. The finding is not
      // made when the first reading's layout declared the other format as part of itself (TFLite's appended zip).
      if (!result.embedded().contains(r.format())) {
        fs.findings.add(
            Finding.builder(StandardRules.POLYGLOT)
                .location(new Location(fs.path, entry, -1))
                .scanner("engine")
                .message(
                    "The content is both "
                        + primary.recognition().format()
                        + " and "
                        + r.format()
                        + "; a loader that reads it as "
                        + r.format()
                        + " sees other content than one that reads it as "
                        + primary.recognition().format()
                        + ". Both readings were scanned.")
                .build());
      }
      Outcome second = run(fs, other, source, name, entry, depth);
      List<SiblingFile> companions = new ArrayList<>(result.companions());
      companions.addAll(second.companions());
      result =
          new Outcome(
              result.format() + "+" + second.format(),
              result.status().worst(second.status()),
              Reasons.join(result.reason(), second.reason()),
              result.scanner() + "+" + second.scanner(),
              result.embedded(),
              companions,
              false);
    }
    return result;
  }

  private void checkExtension(FileScan fs, ContentHead head, ScannerRegistry.Claim primary, String entry) {
    String ext = head.extension();
    if (ext.isEmpty()) {
      return;
    }
    List<String> owners = registry.extensionOwners(ext);
    if (!owners.isEmpty() && !owners.contains(primary.scannerName())) {
      fs.findings.add(
          Finding.builder(StandardRules.FORMAT_MISMATCH)
              .location(new Location(fs.path, entry, -1))
              .scanner("engine")
              .message(
                  "Named ."
                      + ext
                      + " (a format of "
                      + String.join(", ", owners)
                      + ") but the content is "
                      + primary.recognition().format()
                      + ". Loaders go by the content: it was scanned as "
                      + primary.recognition().format()
                      + ".")
              .build());
    }
  }

  private Outcome run(
      FileScan fs, ScannerRegistry.Claim claim, ByteSource source, String name, String entry, int depth) {
    DefaultScanContext ctx = new DefaultScanContext(this, fs, claim, source, name, entry, depth);
    try {
      claim.scanner().scan(ctx);
    } catch (ScanLimitExceededException e) {
      ctx.limitReached(e, -1);
    } catch (MalformedContentException e) {
      ctx.malformed(e);
    } catch (Throwable e) {
      // A scanner that breaks on hostile input must not take the scan down, and must not leave the content looking
      // clean: the failure is recorded on this content, findings made before it are kept. Errors too: an
      // InternalError from a memory-mapped file truncated under the scan, a StackOverflowError from deep recursion, a
      // LinkageError from a plugin built against other classes, an OutOfMemoryError from one huge allocation that a
      // size field asked for. All of them are about this content, and the next file's scan is unaffected.
      ctx.crashed(e);
    }
    return ctx.outcome();
  }

  static ContentHead readHead(ByteSource source, String name) throws IOException {
    long size = source.size();
    int h = (int) Math.min(size, ContentHead.HEAD_SIZE);
    if (size <= h) {
      return ContentHead.of(source.readBytes(0, h), NO_TAIL, size, name);
    }
    int t = (int) Math.min(size, ContentHead.TAIL_SIZE);
    if (size <= (long) ContentHead.HEAD_SIZE + ContentHead.TAIL_SIZE) {
      // Head and tail touch or overlap: one read instead of two (one system call less per member of 8-72 KiB).
      byte[] all = source.readBytes(0, (int) size);
      byte[] tail = t == size ? all : Arrays.copyOfRange(all, (int) size - t, (int) size);
      return ContentHead.of(Arrays.copyOf(all, h), tail, size, name);
    }
    return ContentHead.of(source.readBytes(0, h), source.readBytes(size - t, t), size, name);
  }

  private static final byte[] NO_TAIL = new byte[0];
}
