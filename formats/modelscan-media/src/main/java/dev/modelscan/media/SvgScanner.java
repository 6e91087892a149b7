package dev.modelscan.media;

import com.google.auto.service.AutoService;
import dev.modelscan.api.ModelScanVersion;
import dev.modelscan.api.Rule;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.api.spi.Recognition;
import dev.modelscan.api.spi.ScanContext;
import dev.modelscan.api.spi.ScannerDescriptor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * SVG images, which are XML text and can carry script. Read in one linear pass; reported: {@code <script} elements,
 * event handler attributes ({@code onload=}, {@code onclick=}, ...), {@code javascript:} links (with the white space and
 * control characters browsers drop inside the scheme), and entity declarations that point at external files or URLs
 * ({@code <!ENTITY x SYSTEM "file:///etc/passwd">}). Each kind is reported once, at its first place.
 */
@AutoService(ModelScanner.class)
public final class SvgScanner extends MediaScanner {

  /** The format id. */
  public static final String FORMAT = "svg";

  private static final ScannerDescriptor DESCRIPTOR =
      ScannerDescriptor.of(
          "svg", ModelScanVersion.current(),
          "SVG images: script elements, event handlers, javascript: links and external entities.",
          List.of(FORMAT), List.of("svg"));

  /** Creates the scanner. */
  public SvgScanner() {
    super(DESCRIPTOR, List.of(MediaRules.SVG_SCRIPT, MediaRules.XML_EXTERNAL_ENTITY));
  }

  @Override
  public Recognition recognize(ContentHead head) {
    if (Text.firstSignificant(head) != '<' || !Text.headIsText(head)) {
      return Recognition.none();
    }
    byte[] bytes = new byte[head.headLength()];
    head.head().get(bytes);
    String text = new String(bytes, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
    return text.contains("<svg") ? Recognition.of(FORMAT, Recognition.STRONG) : Recognition.none();
  }

  @Override
  public void scan(ScanContext context) throws IOException {
    Scan s = new Scan(context);
    Text.read(context, s::next);
  }

  /** The one-pass state machine. */
  private static final class Scan {
    private final ScanContext context;
    private final Keyword script = new Keyword("<script", false);
    private final Keyword javascript = new Keyword("javascript:", true);
    private final Keyword entity = new Keyword("<!entity", false);
    private final Keyword system = new Keyword("system", false);
    private final Keyword publicId = new Keyword("public", false);
    private boolean inTag;
    private int quote;
    private boolean inEntity;
    private final StringBuilder word = new StringBuilder();
    private String lastWord = "";
    private long lastWordAt;
    private boolean reportedScript;
    private boolean reportedHandler;
    private boolean reportedJavascript;
    private boolean reportedEntity;

    Scan(ScanContext context) {
      this.context = context;
    }

    void next(int cp, long at) {
      int c = cp < 0x80 ? Character.toLowerCase(cp) : cp;
      if (script.next(c) && !reportedScript) {
        reportedScript = true;
        report(MediaRules.SVG_SCRIPT, at, "A <script> element: it runs when the image is opened in a browser.");
      }
      if (javascript.next(c) && !reportedJavascript) {
        reportedJavascript = true;
        report(MediaRules.SVG_SCRIPT, at, "A javascript: link: it runs when the link is followed.");
      }
      if (entity.next(c)) {
        inEntity = true;
      }
      if (inEntity && (system.next(c) || publicId.next(c)) && !reportedEntity) {
        reportedEntity = true;
        report(MediaRules.XML_EXTERNAL_ENTITY, at, "An entity declared with an external identifier (SYSTEM or"
            + " PUBLIC): parsers that resolve entities read that file or URL.");
      }
      if (c == '<' && quote == 0) {
        inTag = true;
        word.setLength(0);
        lastWord = "";
        return;
      }
      if (!inTag) {
        return;
      }
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        }
        return;
      }
      if (c == '"' || c == '\'') {
        quote = c;
        lastWord = "";
        return;
      }
      if (c == '>') {
        inTag = false;
        inEntity = false;
        return;
      }
      if (c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == ':') {
        if (word.length() == 0) {
          lastWordAt = at;
        }
        if (word.length() < 64) {
          word.append((char) c);
        }
        return;
      }
      if (word.length() > 0) {
        lastWord = word.toString();
        word.setLength(0);
      }
      if (c == '=' && lastWord.length() > 2 && lastWord.startsWith("on") && !reportedHandler) {
        reportedHandler = true;
        report(MediaRules.SVG_SCRIPT, lastWordAt, "An event handler attribute (" + lastWord + "): its script runs"
            + " when the event fires in a browser.");
      }
      if (c > ' ' && c != '=') {
        lastWord = "";
      }
    }

    private void report(Rule rule, long at, String message) {
      context.report(context.finding(rule).offset(at).message(message).build());
    }
  }

  /** Finds a lower-case ASCII keyword in a stream of code points, optionally skipping white space and controls. */
  private static final class Keyword {
    private final String word;
    private final boolean skipSpace;
    private int matched;

    Keyword(String word, boolean skipSpace) {
      this.word = word;
      this.skipSpace = skipSpace;
    }

    boolean next(int c) {
      if (skipSpace && c <= ' ' && matched > 0) {
        return false; // "java\tscript:" is javascript: to a browser
      }
      if (c == word.charAt(matched)) {
        matched++;
      } else {
        matched = c == word.charAt(0) ? 1 : 0;
      }
      if (matched == word.length()) {
        matched = 0;
        return true;
      }
      return false;
    }
  }
}
