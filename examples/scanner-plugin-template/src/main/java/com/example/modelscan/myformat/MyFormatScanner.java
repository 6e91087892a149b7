package com.example.modelscan.myformat;

import com.google.auto.service.AutoService;
import dev.modelscan.api.LimitType;
import dev.modelscan.api.MalformedContentException;
import dev.modelscan.api.Rule;
import dev.modelscan.api.ScanLimitExceededException;
import dev.modelscan.api.Severity;
import dev.modelscan.api.ThreatType;
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
 * Scans "my-format" files, a made-up layout standing in for yours:
 *
 * <pre>
 * offset 0   "MYFM"                  magic
 * offset 4   1 byte                  version (1)
 * offset 5   4 bytes, little endian  length n of the loader name
 * offset 9   n bytes, UTF-8          loader name, "module.function" or empty
 * offset 9+n ...                     weights, never interpreted by the loader
 * </pre>
 *
 * <p>The reference loader imports and calls the loader name when it is not empty: that is the finding. The weights
 * are handed back to the engine as opaque data, so a pickle or an archive hidden there is still found.
 */
@AutoService(ModelScanner.class)
public final class MyFormatScanner implements ModelScanner {

  /** The format id this scanner claims. */
  public static final String FORMAT = "my-format";

  /** A loader name: loading the file imports and calls it. */
  // tag::rule[]
  public static final Rule LOADER =
      Rule.of(
          "MYFM-LOADER",
          "my-format file names a Python callable to run",
          "The file names a module.function that the loader imports and calls while loading.",
          Severity.HIGH,
          ThreatType.CODE_INJECTION);
  // end::rule[]

  private static final byte[] MAGIC = "MYFM".getBytes(StandardCharsets.US_ASCII);
  private static final int HEADER = 9;

  /** ServiceLoader needs a public no-argument constructor. */
  public MyFormatScanner() {}

  @Override
  public ScannerDescriptor descriptor() {
    // tag::descriptor[]
    return ScannerDescriptor.of("my-format", "1.0", "my-format files: loader callables.",
        List.of(FORMAT),    // format ids you may claim: lower case words with dashes
        List.of("myfm"));   // usual extensions, lower case, no dot
    // end::descriptor[]
  }

  @Override
  public List<Rule> rules() {
    return List.of(LOADER);
  }

  // tag::recognize[]
  /** The magic and a known version byte: certain. Never looks at the name, never throws. */
  @Override
  public Recognition recognize(ContentHead head) {
    if (head.headLength() < 5 || !head.startsWith(MAGIC)) {   // check the length before reading a byte
      return Recognition.none();
    }
    return Recognition.of(FORMAT, head.headByte(4) == 1 ? Recognition.CERTAIN : Recognition.STRONG);
  }
  // end::recognize[]

  @Override
  public void scan(ScanContext context) throws IOException {
    ByteSource source = context.source();
    if (source.size() < HEADER) {
      throw new MalformedContentException(source.size(), "my-format header is cut short");
    }
    byte[] header = source.readBytes(0, HEADER);
    if (header[4] != 1) {
      // A version we do not know may hold fields we do not check: never call that complete.
      context.markPartial("my-format version " + (header[4] & 0xFF) + " is not known; read as version 1");
    }
    long length = (header[5] & 0xFFL) | (header[6] & 0xFFL) << 8 | (header[7] & 0xFFL) << 16 | (header[8] & 0xFFL) << 24;
    // The length is a claim, not a fact: check it against the limit and the file before allocating anything.
    int maxString = context.limits().maxStringBytes();
    if (length > maxString) {
      throw new ScanLimitExceededException(LimitType.STRING_BYTES, maxString, length, "my-format loader name");
    }
    if (length > source.size() - HEADER) {
      throw new MalformedContentException(5, "loader name claims " + length + " bytes; the file is shorter");
    }
    String loader = new String(source.readBytes(HEADER, (int) length), StandardCharsets.UTF_8);
    if (!loader.isEmpty()) {
      int dot = loader.lastIndexOf('.');
      context.report(
          context
              .finding(LOADER)
              .offset(HEADER)
              .module(dot < 0 ? "" : loader.substring(0, dot))
              .operator(loader.substring(dot + 1))
              .message("Loading this file imports and calls '" + loader + "'.")
              .build());
    }
    long weights = HEADER + length;
    if (weights < source.size()) {
      context.scanMember("weights", source.slice(weights, source.size() - weights), MemberKind.OPAQUE_DATA);
    }
  }
}
