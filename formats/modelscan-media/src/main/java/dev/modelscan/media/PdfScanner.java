package dev.modelscan.media;

import com.google.auto.service.AutoService;
import dev.modelscan.api.LimitType;
import dev.modelscan.api.ModelScanVersion;
import dev.modelscan.api.ScanLimitExceededException;
import dev.modelscan.api.Severity;
import dev.modelscan.api.StandardRules;
import dev.modelscan.api.io.ByteSource;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.api.spi.Recognition;
import dev.modelscan.api.spi.ScanContext;
import dev.modelscan.api.spi.ScannerDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.InflaterInputStream;

/**
 * PDF documents, reported as seen: no page is rendered, but every name token of the file and of its Flate-compressed
 * streams (where object streams hide dictionaries) is read, and the ones that make a PDF act are reported: {@code
 * /JavaScript}, {@code /JS}, {@code /Launch}, {@code /EmbeddedFile}, {@code /RichMedia} (MEDIUM), and {@code
 * /OpenAction}, {@code /AA} (LOW on their own: they mostly set the first view). Names are decoded ({@code #xx}
 * escapes, PDF 1.7 section 7.3.5) before they are compared, so {@code /J#61vaScript} is {@code /JavaScript}. Bytes
 * after the last {@code %%EOF} are reported and scanned as content of their own.
 */
@AutoService(ModelScanner.class)
public final class PdfScanner extends MediaScanner {

  /** The format id. */
  public static final String FORMAT = "pdf";

  private static final byte[] MAGIC = {'%', 'P', 'D', 'F', '-'};
  private static final int MAGIC_WINDOW = 1024; // readers accept junk before the header within the first KiB
  private static final int MAX_NAME = 127; // PDF 1.7 annex C: names longer than 127 bytes are not portable

  private static final Map<String, Severity> ACTIVE = new LinkedHashMap<>();

  static {
    ACTIVE.put("JavaScript", Severity.MEDIUM);
    ACTIVE.put("JS", Severity.MEDIUM);
    ACTIVE.put("Launch", Severity.MEDIUM);
    ACTIVE.put("EmbeddedFile", Severity.MEDIUM);
    ACTIVE.put("EmbeddedFiles", Severity.MEDIUM);
    ACTIVE.put("RichMedia", Severity.MEDIUM);
    ACTIVE.put("OpenAction", Severity.LOW);
    ACTIVE.put("AA", Severity.LOW);
  }

  private static final ScannerDescriptor DESCRIPTOR =
      ScannerDescriptor.of(
          "pdf", ModelScanVersion.current(),
          "PDF documents: JavaScript, launch actions and embedded files flagged; appended data scanned.",
          List.of(FORMAT), List.of("pdf"));

  /** Creates the scanner. */
  public PdfScanner() {
    super(DESCRIPTOR, List.of(MediaRules.PDF_ACTIVE_CONTENT, MediaRules.APPENDED_DATA, StandardRules.MALFORMED_CONTENT));
  }

  @Override
  public Recognition recognize(ContentHead head) {
    if (head.startsWith(MAGIC)) {
      return Recognition.of(FORMAT, Recognition.CERTAIN);
    }
    for (int i = 1; i + MAGIC.length <= Math.min(head.headLength(), MAGIC_WINDOW); i++) {
      if (head.startsWith(i, MAGIC)) {
        return Recognition.of(FORMAT, Recognition.STRONG);
      }
    }
    return Recognition.none();
  }

  @Override
  public void scan(ScanContext context) throws IOException {
    ByteSource source = context.source();
    Names names = new Names(context);
    Cursor c = new Cursor(source, 0);
    long budget = context.limits().maxTotalDecompressedBytes();
    long lastEof = -1;
    long n = 0;
    int b;
    // Outside streams every byte goes through the name tokenizer; inside one only "endstream" is looked for, because
    // compressed bytes would make names by chance. A Flate stream is inflated (bounded) and tokenized instead.
    Matcher stream = new Matcher("stream");
    Matcher endstream = new Matcher("endstream");
    Matcher eof = new Matcher("%%EOF");
    boolean inStream = false;
    while ((b = c.peek()) >= 0) {
      long at = c.position();
      c.seek(at + 1);
      if ((++n & 0xFFFFF) == 0) {
        context.checkDeadline();
      }
      if (inStream) {
        if (endstream.next(b)) {
          inStream = false;
        }
        continue;
      }
      names.next(b, at, false);
      if (eof.next(b)) {
        lastEof = at + 1;
      }
      boolean endHit = endstream.next(b);
      if (stream.next(b) && !endHit && startsStream(source, at)) {
        long data = at + 1;
        if (c.peek() == '\r') {
          c.seek(++data);
        }
        if (c.peek() == '\n') {
          c.seek(++data);
        }
        budget -= inflate(context, source, data, Math.max(0, budget), names);
        inStream = true;
        endstream.reset();
      }
    }
    names.end();
    if (lastEof < 0) {
      context.report(
          context.finding(StandardRules.MALFORMED_CONTENT)
              .message("No %%EOF marker: the document is truncated or is not a PDF a reader would open as such.")
              .build());
      return;
    }
    long end = lastEof;
    while (end < source.size()) {
      int x = source.readBytes(end, 1)[0] & 0xFF;
      if (x != '\r' && x != '\n' && x != ' ' && x != '\t' && x != 0) {
        break;
      }
      end++;
    }
    if (end < source.size()) {
      Trailing.check(context, lastEof, "%%EOF");
    }
  }

  /**
   * Whether the keyword {@code stream} ending at {@code last} starts stream data: preceded by the end of a dictionary
   * or white space and followed by an end of line (PDF 1.7 section 7.3.8), so that the word in a string or a name does
   * not make the scanner skip content.
   */
  private static boolean startsStream(ByteSource source, long last) throws IOException {
    long before = last - 6;
    if (before < 0 || last + 1 >= source.size()) {
      return false;
    }
    int p = source.readBytes(before, 1)[0] & 0xFF;
    int e = source.readBytes(last + 1, 1)[0] & 0xFF;
    return (p == '>' || p == ' ' || p == '\r' || p == '\n' || p == '\t') && (e == '\r' || e == '\n');
  }

  /** Inflates a stream if it is zlib data, tokenizing the names in it; returns the bytes inflated. */
  private static long inflate(ScanContext context, ByteSource source, long from, long budget, Names names)
      throws IOException {
    long max = Math.min(budget, context.limits().maxMemberBytes());
    long done = 0;
    try (InputStream in = new InflaterInputStream(source.openStream(from))) {
      byte[] buf = new byte[8192];
      int k;
      while ((k = in.read(buf)) > 0) {
        context.checkDeadline();
        for (int i = 0; i < k; i++) {
          names.next(buf[i] & 0xFF, from, true);
        }
        done += k;
        if (done > max) {
          context.limitReached(
              new ScanLimitExceededException(LimitType.MEMBER_BYTES, max, done, "inflated PDF stream"), from);
          break;
        }
      }
    } catch (java.util.zip.ZipException | java.io.EOFException e) {
      // Not Flate data (an image, an encrypted or differently filtered stream) or the end of a truncated one: the
      // raw bytes are all there is to look at, and they were skipped as stream data.
    }
    names.end();
    return done;
  }

  /** Finds a keyword in a byte stream, one byte at a time. */
  private static final class Matcher {
    private final byte[] word;
    private int matched;

    Matcher(String word) {
      this.word = word.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    boolean next(int b) {
      if (b == word[matched]) {
        matched++;
      } else {
        matched = b == word[0] ? 1 : 0;
      }
      if (matched == word.length) {
        matched = 0;
        return true;
      }
      return false;
    }

    void reset() {
      matched = 0;
    }
  }

  /** Reads name tokens ({@code /Name}, with {@code #xx} escapes) and reports the active ones, once per name. */
  private static final class Names {
    private final ScanContext context;
    private final StringBuilder name = new StringBuilder();
    private final java.util.Set<String> reported = new java.util.HashSet<>();
    private boolean inName;
    private int hex = -1;
    private int hexValue;
    private long start;

    Names(ScanContext context) {
      this.context = context;
    }

    private static boolean delimiter(int b) {
      return b <= ' ' || b == '/' || b == '(' || b == ')' || b == '<' || b == '>' || b == '[' || b == ']'
          || b == '{' || b == '}' || b == '%' || b >= 0x7F;
    }

    void next(int b, long at, boolean compressed) {
      if (inName) {
        if (hex >= 0) {
          int d = Character.digit(b, 16);
          if (d >= 0) {
            hexValue = hexValue * 16 + d;
            if (++hex == 2) {
              append(hexValue);
              hex = -1;
            }
            return;
          }
          hex = -1;
        }
        if (b == '#') {
          hex = 0;
          hexValue = 0;
          return;
        }
        if (!delimiter(b)) {
          append(b);
          return;
        }
        end();
      }
      if (b == '/') {
        inName = true;
        name.setLength(0);
        start = at;
      }
    }

    private void append(int b) {
      if (name.length() <= MAX_NAME) {
        name.append((char) b);
      }
    }

    void end() {
      if (!inName) {
        return;
      }
      inName = false;
      hex = -1;
      String n = name.toString();
      Severity s = ACTIVE.get(n);
      if (s != null && reported.add(n)) {
        context.report(
            context.finding(MediaRules.PDF_ACTIVE_CONTENT)
                .severity(s)
                .offset(start)
                .message("The PDF names /" + n + (s == Severity.LOW
                    ? ": an action run when the document opens (often only a view setting)."
                    : ": content that runs or is carried along when the document is opened. It is not extracted or"
                        + " scanned; remove it from files shipped with a model."))
                .build());
      }
    }
  }
}
