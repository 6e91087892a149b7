package dev.modelscan.pickle;

import com.google.auto.service.AutoService;
import dev.modelscan.api.ModelScanVersion;
import dev.modelscan.api.Rule;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.api.spi.Recognition;
import dev.modelscan.api.spi.ScanContext;
import dev.modelscan.api.spi.ScannerDescriptor;
import java.util.List;

/**
 * Scans raw pickles of every protocol, wherever they are: plain {@code .pkl} files, stacked pickles, PyTorch's legacy
 * stacked format, joblib dumps, dill and cloudpickle pickles, and pickles inside zips ({@code data.pkl}, TorchScript
 * {@code constants.pkl}) that the zip scanner dispatches here by content.
 *
 * <p>Recognition is by content only: a PROTO opcode, or for protocols 0 and 1 (which have no magic bytes) a bounded
 * trial run of the head that must look like a pickle. The scan runs an abstract pickle machine over every stream and
 * never executes anything.
 *
 * @since 0.1
 */
@AutoService(ModelScanner.class)
public final class PickleScanner implements ModelScanner {

  /** The scanner's name, which findings carry. */
  public static final String NAME = "pickle";

  private static final ScannerDescriptor DESCRIPTOR =
      ScannerDescriptor.of(
          NAME,
          ModelScanVersion.current(),
          "Pickles of every protocol, including PyTorch legacy checkpoints, joblib, dill and cloudpickle files.",
          List.of("pickle", "pytorch-legacy", "joblib", "dill", "cloudpickle"),
          // Generic names (.bin, .dat, .data) are left out: a .bin can be anything, so it cannot disagree with content.
          List.of("pkl", "pickle", "pt", "pth", "ckpt", "joblib", "dill", "p"));

  /** Creates the scanner; it is stateless. */
  public PickleScanner() {}

  /** Names under which a file is meant to be unpickled; a hint only, see {@link #recognize}. */
  private static final java.util.Set<String> PICKLE_NAMES =
      java.util.Set.of("pkl", "pickle", "pt", "pth", "ckpt", "joblib", "dill", "p");

  @Override
  public ScannerDescriptor descriptor() {
    return DESCRIPTOR;
  }

  @Override
  public Recognition recognize(ContentHead head) {
    try {
      int n = head.headLength();
      if (n < 2 || !firstBytePlausible(head.headByte(0))) {
        return Recognition.none();
      }
      java.nio.ByteBuffer h = head.head();
      Recognition r = PickleAnalysis.sniff(h, n, head.isComplete(), head.size());
      if (!r.recognised()
          && h.get(0) == (byte) 0x80
          && (h.get(1) & 0xFF) <= 5
          && PICKLE_NAMES.contains(head.extension())) {
        // PROTO, then something the trial run rejects (an opcode declaring 2^62 bytes): tensor bytes start like this
        // too, so content alone does not claim it; a pickle's name raises it to a weak claim, so that a broken or
        // hostile file named .pkl is reported as malformed instead of merely unrecognised (found by fuzzing).
        return Recognition.of("pickle", Recognition.WEAK);
      }
      return r;
    } catch (RuntimeException e) {
      return Recognition.none(); // recognize never throws
    }
  }

  private static boolean firstBytePlausible(int b) {
    // Cheap pre-filter before any allocation: printable text and zip/npy magics rarely start with these.
    return b == 0x80 || b == 0x95 || (b >= 0x28 && b <= 0x8f);
  }

  @Override
  public void scan(ScanContext context) {
    PickleAnalysis analysis = PickleAnalysis.forScan(context);
    analysis.scanStreams(0, context.source().size(), true);
    String refined = analysis.refinedFormat();
    if (refined != null) {
      context.refineFormat(refined);
    }
  }

  @Override
  public List<Rule> rules() {
    return PickleRules.all();
  }
}
