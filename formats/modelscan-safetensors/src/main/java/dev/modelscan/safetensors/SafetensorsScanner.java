package dev.modelscan.safetensors;

import com.google.auto.service.AutoService;
import dev.modelscan.api.ModelScanVersion;
import dev.modelscan.api.Rule;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.MemberKind;
import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.api.spi.Recognition;
import dev.modelscan.api.spi.ScanContext;
import dev.modelscan.api.spi.ScannerDescriptor;
import java.io.IOException;
import java.util.List;
import java.util.Objects;

/**
 * Validates SafeTensors files as strictly as the reference reader and more: the header length, UTF-8, the JSON
 * object and its types, dtypes (sub-byte ones included), shapes against offsets with overflow checks, offsets that
 * tile the data buffer from 0 to the end of the file, and {@code __metadata__}; plus duplicate keys, a header that
 * does not start with '{', padding that is not spaces, unknown fields, and counts beyond sane limits.
 *
 * <p>SafeTensors cannot carry code, so the risks are a file that is not what its name promises (a loader refuses
 * it, or a lenient reader sees something else), allocation bombs (a forged header length or shape), and bytes that
 * belong to no tensor (a polyglot tail). Bytes outside every tensor are handed back to the engine as nested content
 * and scanned by their own format. Tensor bytes are never read.
 *
 * <p>Memory does not depend on the lengths the file claims: a header length of 2^62 or a shape of 2^93 elements is
 * rejected from the numbers alone, before anything is allocated (see {@code HeaderReader}).
 *
 * <p>Recognition is by content only (a plausible little-endian length followed by a JSON object); the name only
 * raises a weak claim on a file whose length prefix fits but whose header is broken, so that a damaged {@code
 * .safetensors} file is reported as malformed. A pickle or zip named {@code .safetensors} is left to its own
 * scanner; the engine reports the name mismatch from this scanner's extensions.
 *
 * <p>Stateless and thread-safe.
 */
@AutoService(ModelScanner.class)
public final class SafetensorsScanner implements ModelScanner {

  /** The format id this scanner claims. */
  static final String FORMAT = "safetensors";

  private static final ScannerDescriptor DESCRIPTOR =
      ScannerDescriptor.of(
          "safetensors",
          ModelScanVersion.current(),
          "Validates SafeTensors headers and data layout against the reference reader, and stricter.",
          List.of(FORMAT),
          List.of("safetensors"));

  private final HeaderReader.Policy policy;

  /** Creates the scanner with the default sanity bounds; used by the service loader. */
  public SafetensorsScanner() {
    this(HeaderReader.Policy.DEFAULT);
  }

  /** Creates the scanner with other sanity bounds, so tests can reach them with tiny files. */
  SafetensorsScanner(HeaderReader.Policy policy) {
    this.policy = Objects.requireNonNull(policy, "policy");
  }

  @Override
  public ScannerDescriptor descriptor() {
    return DESCRIPTOR;
  }

  @Override
  public Recognition recognize(ContentHead head) {
    return HeaderReader.recognize(head, FORMAT);
  }

  @Override
  public void scan(ScanContext ctx) throws IOException {
    Outcome outcome = HeaderReader.read(ctx.source(), ctx.limits(), policy, ctx::checkDeadline);
    outcome.reportTo(ctx);
    for (Outcome.Region region : outcome.regions()) {
      // Bytes of no tensor: no SafeTensors reader interprets them, but another reader of the same file may.
      ctx.scanMember(region.name(), ctx.source().slice(region.offset(), region.length()), MemberKind.CONTENT);
    }
  }

  @Override
  public List<Rule> rules() {
    return SafetensorsRules.FILE_RULES;
  }
}
