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
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * PDF documents, reported as seen: no page is rendered, but every name token of the file and of its Flate-compressed
 * streams (where object streams hide dictionaries) is read, and the ones that make a PDF act are reported: {@code
 * /JavaScript}, {@code /JS}, {@code /Launch}, {@code /EmbeddedFile}, {@code /RichMedia} (MEDIUM), and {@code
 * /OpenAction}, {@code /AA} (LOW on their own: they mostly set the first view). Names are decoded ({@code #xx}
 * escapes, PDF 1.7 section 7.3.5) before they are compared, so {@code /J#61vaScript} is {@code /JavaScript}. Bytes
 * after the last {@code %%EOF} are reported and scanned as content of their own.
 *
 * <p>Fail closed on object streams: a reader takes the dictionaries of a compressed object stream from the stream's
 * decoded bytes, so an action hidden there is only seen when the stream is decoded exactly as the reader decodes it.
 * An object stream whose dictionary asks for more than plain Flate (another filter, a filter chain, a predictor, a
 * crypt filter), or whose data does not inflate to its end (an encrypted document, damaged data), makes the result
 * PARTIAL instead of letting the objects in it pass unseen.
 */
@AutoService(ModelScanner.class)
public final class PdfScanner extends MediaScanner {

  /** The format id. */
  public static final String FORMAT = "pdf";

  private static final byte[] MAGIC = {'%', 'P', 'D', 'F', '-'};
  private static final int MAGIC_WINDOW = 1024; // readers accept junk before the header within the first KiB
  private static final int MAX_NAME = 127; // PDF 1.7 annex C: names longer than 127 bytes are not portable

  private static final Map<String, Severity> ACTIVE = new LinkedHashMap<>();

  // The names an object stream's dictionary may hold when its data is plain Flate (PDF 1.7 sections 7.3.8.2 and
  // 7.5.7, PDF 2.0's /DL): anything else (another filter, /DecodeParms, /Crypt) changes the decoded bytes.
  private static final java.util.Set<String> OBJECT_STREAM_KEYS =
      java.util.Set.of("Type", "ObjStm", "N", "First", "Extends", "Length", "Filter", "FlateDecode", "Fl", "DL");
  private static final int MAX_OBJECT_NAMES = 64;

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
    // "obj" (also the end of "endobj") starts a new object's dictionary, but only as a keyword: the same letters in a
    // name, a string or a comment inside an object stream's dictionary must not reset what it said about its filters.
    Matcher obj = new Matcher("obj");
    Syntax syntax = new Syntax();
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
      if (!syntax.code(b) || names.inName()) {
        obj.reset();
      } else if (obj.next(b)) {
        names.newObject();
      }
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
        names.end();
        boolean objectStream = names.objectStream(); // before the stream's own names join the list
        String unread = objectStream ? names.undecodedFilter() : null;
        Inflated inflated = inflate(context, source, data, budget, names);
        budget -= inflated.bytes();
        if (objectStream) {
          if (unread != null) {
            context.markPartial("an object stream at offset " + data + " is encoded with /" + unread
                + ", which this reader does not undo: the objects in it were not read");
          } else if (!inflated.whole()) {
            context.markPartial("an object stream at offset " + data + " does not inflate to its end (an encrypted"
                + " document, or damaged data): the objects in it were not read");
          } else if (inflated.first() >= 0 && (inflated.first() < '0' || inflated.first() > '9')) {
            // Decoded, an object stream starts with its table of object numbers and offsets (PDF 1.7 section
            // 7.5.7). Anything else means more decoding was asked for than one Flate: a second Flate in a chain,
            // or a filter or predictor named through a reference (/Filter 9 0 R), which the names here cannot show.
            context.markPartial("an object stream at offset " + data + " does not decode to a table of objects with"
                + " one Flate (a filter chain or a referenced filter): the objects in it were not read");
          }
        }
        names.newObject();
        syntax.reset();
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

  /**
   * What {@link #inflate} read: the bytes inflated, whether the zlib data was read to its end (false when it is not
   * zlib data, is cut short or damaged, or a limit stopped it), and the first inflated byte that is not PDF white
   * space (-1 when there is none).
   */
  private record Inflated(long bytes, boolean whole, int first) {}

  /** Inflates a stream if it is zlib data, tokenizing the names in it. */
  private static Inflated inflate(ScanContext context, ByteSource source, long from, long budget, Names names)
      throws IOException {
    long max = Math.min(Math.max(0, budget), context.limits().maxMemberBytes());
    boolean whole = false;
    int first = -1;
    long done = 0;
    Inflater inflater = new Inflater();
    try (InputStream in = new InflaterInputStream(source.openStream(from), inflater)) {
      byte[] buf = new byte[8192];
      int k;
      while ((k = in.read(buf)) > 0) {
        context.checkDeadline();
        for (int i = 0; i < k; i++) {
          int x = buf[i] & 0xFF;
          if (first < 0 && !(x == ' ' || x == '\n' || x == '\r' || x == '\t' || x == '\f' || x == 0)) {
            first = x;
          }
          names.next(x, from, true);
        }
        done += k;
        if (done > max) {
          context.limitReached(
              new ScanLimitExceededException(LimitType.MEMBER_BYTES, max, done, "inflated PDF stream"), from);
          break;
        }
      }
      // Whole only at the zlib data's own end: not after a limit, and not at a preset-dictionary request, which the
      // stream reports as an end too (readers refuse such streams, but nothing was read from it).
      whole = k < 0 && inflater.finished();
    } catch (java.util.zip.ZipException | java.io.EOFException e) {
      // Not Flate data (an image, an encrypted or differently filtered stream) or the end of a truncated one: the
      // raw bytes are all there is to look at, and they were skipped as stream data.
    } finally {
      inflater.end();
    }
    names.end();
    return new Inflated(done, whole, first);
  }

  /**
   * Tells the bytes outside literal strings, hex strings and comments (PDF 1.7 sections 7.2.3, 7.3.4) from the bytes in
   * them, one byte at a time, so that keywords are only taken where a reader takes them.
   */
  private static final class Syntax {
    private int depth; // nesting of literal-string parentheses; > 0 inside one
    private boolean escape;
    private boolean comment;
    private boolean hex;
    private boolean lessThan; // the previous byte was a '<' that opened nothing yet

    /** Whether {@code b} is outside strings and comments; the bytes that open or close them count as inside. */
    boolean code(int b) {
      if (comment) {
        comment = b != '\r' && b != '\n';
        return false;
      }
      if (depth > 0) {
        if (escape) {
          escape = false;
        } else if (b == '\\') {
          escape = true;
        } else if (b == '(') {
          depth++;
        } else if (b == ')') {
          depth--;
        }
        return false;
      }
      if (hex) {
        hex = b != '>';
        return false;
      }
      if (lessThan) {
        lessThan = false;
        if (b != '<') { // "<<" opens a dictionary; '<' and anything else opens a hex string
          hex = b != '>';
          return false;
        }
        return true;
      }
      if (b == '<') {
        lessThan = true;
        return true;
      }
      if (b == '(') {
        depth = 1;
        return false;
      }
      if (b == '%') {
        comment = true;
        return false;
      }
      return true;
    }

    /** Back to plain syntax, after stream data. */
    void reset() {
      depth = 0;
      escape = false;
      comment = false;
      hex = false;
      lessThan = false;
    }
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
    // The names of the current object's dictionary (since the last "obj" keyword): what a stream's dictionary says
    // about how its data is encoded. Bounded; a dictionary with more names than this counts as unreadable.
    private final java.util.List<String> objectNames = new java.util.ArrayList<>();
    private boolean objectNamesOverflowed;
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

    /** Whether a name is being read (its bytes are not keywords). */
    boolean inName() {
      return inName;
    }

    /** A new object starts: its dictionary's names are collected from here. */
    void newObject() {
      objectNames.clear();
      objectNamesOverflowed = false;
    }

    /**
     * Whether the current object is an object stream: {@code /Type /ObjStm}, or a {@code /First} key, which is what
     * readers that do not check the type use to find the objects in it.
     */
    boolean objectStream() {
      return objectNames.contains("ObjStm") || objectNames.contains("First");
    }

    /**
     * The first name of the current object's dictionary that asks for more decoding than plain Flate (another
     * filter, a predictor, a crypt filter), or null when the stream is plain Flate (or not filtered at all).
     */
    String undecodedFilter() {
      if (objectNamesOverflowed) {
        return "... (a dictionary of more than " + MAX_OBJECT_NAMES + " names)";
      }
      for (String n : objectNames) {
        if (!OBJECT_STREAM_KEYS.contains(n)) {
          return n;
        }
      }
      return null;
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
      if (objectNames.size() < MAX_OBJECT_NAMES) {
        objectNames.add(n);
      } else {
        objectNamesOverflowed = true;
      }
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
