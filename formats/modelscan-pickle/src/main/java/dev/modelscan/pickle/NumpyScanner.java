package dev.modelscan.pickle;

import com.google.auto.service.AutoService;
import dev.modelscan.api.LimitType;
import dev.modelscan.api.ModelScanVersion;
import dev.modelscan.api.Rule;
import dev.modelscan.api.ScanLimitExceededException;
import dev.modelscan.api.io.ByteSource;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.MemberKind;
import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.api.spi.Recognition;
import dev.modelscan.api.spi.ScanContext;
import dev.modelscan.api.spi.ScannerDescriptor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Scans NumPy {@code .npy} arrays (every header version; {@code .npz} members arrive here from the zip scanner). The
 * header is parsed as a literal and bounded. An object dtype means {@code np.load(allow_pickle=True)} unpickles the
 * data, so the pickle that follows the header is analysed; for any other dtype the array bytes are never read, only
 * their size is checked against the header.
 *
 * @since 0.1
 */
@AutoService(ModelScanner.class)
public final class NumpyScanner implements ModelScanner {

  /** The scanner's name, which findings carry. */
  public static final String NAME = "numpy";

  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

  private static final ScannerDescriptor DESCRIPTOR =
      ScannerDescriptor.of(
          NAME,
          ModelScanVersion.current(),
          "NumPy .npy arrays; object arrays carry a pickle, which is analysed.",
          List.of("numpy"),
          List.of("npy"));

  /** Creates the scanner; it is stateless. */
  public NumpyScanner() {}

  @Override
  public ScannerDescriptor descriptor() {
    return DESCRIPTOR;
  }

  @Override
  public Recognition recognize(ContentHead head) {
    if (head.startsWith(MAGIC) && head.headLength() >= 10) {
      return Recognition.of("numpy", Recognition.CERTAIN);
    }
    return Recognition.none();
  }

  @Override
  public void scan(ScanContext ctx) throws IOException {
    ByteSource src = ctx.source();
    long size = src.size();
    if (size < 10) {
      throw new dev.modelscan.api.MalformedContentException(size, "the .npy file ends inside its preamble");
    }
    byte[] pre = src.readBytes(0, 12 <= size ? 12 : 10);
    int major = pre[6] & 0xFF;
    int minor = pre[7] & 0xFF;
    long headerLen;
    int prefix;
    if (major == 1 && minor == 0) {
      headerLen = (pre[8] & 0xFF) | (pre[9] & 0xFF) << 8;
      prefix = 10;
    } else if ((major == 2 || major == 3) && minor == 0 && pre.length >= 12) {
      headerLen =
          ((pre[8] & 0xFFL) | (pre[9] & 0xFFL) << 8 | (pre[10] & 0xFFL) << 16 | (pre[11] & 0xFFL) << 24);
      prefix = 12;
    } else {
      malformed(ctx, 6, "unsupported .npy format version " + major + "." + minor + "; np.load refuses it");
      ctx.markPartial("unsupported .npy version " + major + "." + minor);
      return;
    }
    long maxHeader = Math.min(ctx.limits().maxHeaderBytes(), ctx.limits().maxStringBytes());
    if (headerLen > maxHeader) {
      throw new ScanLimitExceededException(LimitType.HEADER_BYTES, maxHeader, headerLen, ".npy header");
    }
    if (prefix + headerLen > size) {
      throw new dev.modelscan.api.MalformedContentException(prefix, "the .npy header runs past the end of the file");
    }
    long dataStart = prefix + headerLen;
    String text =
        new String(
            src.readBytes(prefix, (int) headerLen),
            major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    NpyHeader header;
    try {
      header = NpyHeader.parse(text);
    } catch (NpyHeader.BadHeader e) {
      malformed(ctx, prefix, "the .npy header is not a literal np.load accepts: " + e.getMessage());
      ctx.markPartial("unparseable .npy header");
      return;
    }
    NumpyDtype dtype;
    try {
      // np.load builds the dtype with numpy/lib/format.py descr_to_dtype; a descr it rejects makes np.load fail, and
      // one this scanner does not model exactly is not guessed at: either way the content is not reported clean.
      dtype = NumpyDtype.fromHeaderDescr(header.descr);
    } catch (NumpyDtype.Malformed e) {
      malformed(ctx, prefix, "the .npy descr " + header.descr + " is not a dtype np.load builds: " + e.getMessage());
      ctx.markPartial("the .npy dtype is not understood; the array bytes were not checked");
      return;
    }
    if (dtype.hasObject) {
      // numpy/lib/format.py read_array: when dtype.hasobject (an 'O' anywhere: '<f4,|O', a structured field, a
      // sub-array of objects), np.load(allow_pickle=True) unpickles the data: analyse it like any pickle.
      PickleAnalysis.forScan(ctx).scanStreams(dataStart, size, false);
      return;
    }
    long count = header.count();
    if (count < 0) {
      malformed(ctx, prefix, "the .npy shape " + header.shape + " overflows; np.load fails on it");
      return;
    }
    long nbytes;
    try {
      nbytes = Math.multiplyExact(count, dtype.itemsize);
    } catch (ArithmeticException e) {
      nbytes = Long.MAX_VALUE;
    }
    long have = size - dataStart;
    if (nbytes > have) {
      malformed(
          ctx,
          dataStart,
          "the header declares " + nbytes + " bytes of array data but the file holds " + have
              + "; np.load fails on it");
    } else if (nbytes < have) {
      long extra = dataStart + nbytes;
      ctx.report(
          ctx.finding(PickleRules.TRAILING_DATA)
              .offset(extra)
              .message(
                  (have - nbytes) + " bytes follow the array data at offset " + extra + ". np.load ignores them;"
                      + " they were scanned as separate content.")
              .build());
      ctx.scanMember("trailing-data@" + extra, src.slice(extra, have - nbytes), MemberKind.CONTENT);
    }
  }

  private static void malformed(ScanContext ctx, long offset, String message) {
    ctx.report(ctx.finding(PickleRules.MALFORMED).offset(offset).message(message).build());
  }

  @Override
  public List<Rule> rules() {
    return PickleRules.all();
  }
}
