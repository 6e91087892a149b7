package dev.modelscan.media;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.google.auto.service.AutoService;
import dev.modelscan.api.LimitType;
import dev.modelscan.api.ModelScanVersion;
import dev.modelscan.api.ScanLimits;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.api.spi.Recognition;
import dev.modelscan.api.spi.ScanContext;
import dev.modelscan.api.spi.ScannerDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * JSON files that no model-specific scanner claims (tokenizer files, generation and preprocessor configs, label maps,
 * JSON Lines) and Jupyter notebooks. The whole document is parsed with a streaming parser under the JSON limits
 * ({@link ScanLimits#maxJsonDepth()}, {@link ScanLimits#maxStringBytes()}); values are never kept. A notebook
 * (top-level {@code nbformat} key) is reported as {@value #NOTEBOOK}: its code cells and outputs are text to a model
 * loader, which never runs them. Content that does not parse is reported (LOW) and checked as plain text.
 *
 * <p>The claim is just above plain text ({@link Recognition#WEAK} + 1) so that every scanner with evidence of a
 * model format (Keras configs, SafeTensors indexes, configuration scanners that look for {@code _target_} or {@code
 * auto_map}) wins; a file named {@code *.safetensors.index.json} is left to the SafeTensors index scanner.
 */
@AutoService(ModelScanner.class)
public final class JsonScanner extends MediaScanner {

  /** The format id of JSON documents. */
  public static final String FORMAT = "json";

  /** The format id of Jupyter notebooks. */
  public static final String NOTEBOOK = "jupyter-notebook";

  private static final ScannerDescriptor DESCRIPTOR =
      ScannerDescriptor.of(
          "json", ModelScanVersion.current(),
          "JSON documents and Jupyter notebooks parsed in full under the JSON limits.",
          List.of(FORMAT, NOTEBOOK), List.of());

  /** Creates the scanner. */
  public JsonScanner() {
    super(DESCRIPTOR, List.of(MediaRules.MALFORMED_TEXT));
  }

  @Override
  public Recognition recognize(ContentHead head) {
    int first = Text.firstSignificant(head);
    String ext = head.extension();
    if (first != '{' && first != '[' || head.name().endsWith(".safetensors.index.json")
        // A vocabulary line such as "[UNK]" is text: .txt and .md stay the text scanner's, or the engine would call
        // the name a disguise.
        || ext.equals("txt") || ext.equals("md")
        || !plausibleStart(head) || !Text.headIsText(head)) {
      return Recognition.none();
    }
    return Recognition.of(FORMAT, Recognition.WEAK + 1);
  }

  /** Whether what follows the opening bracket can continue a JSON document. */
  private static boolean plausibleStart(ContentHead head) {
    int i = head.startsWith((byte) 0xEF, (byte) 0xBB, (byte) 0xBF) ? 3 : 0;
    while (i < head.headLength() && head.headByte(i) != '{' && head.headByte(i) != '[') {
      i++;
    }
    for (i++; i < head.headLength(); i++) {
      int b = head.headByte(i);
      if (b == ' ' || b == '\t' || b == '\r' || b == '\n') {
        continue;
      }
      return b == '"' || b == '{' || b == '[' || b == ']' || b == '}' || b == '-' || b >= '0' && b <= '9'
          || b == 't' || b == 'f' || b == 'n' || b == 'N' || b == 'I';
    }
    return !head.isComplete() || head.headLength() > 0;
  }

  @Override
  public void scan(ScanContext context) throws IOException {
    ScanLimits limits = context.limits();
    JsonFactory factory =
        JsonFactory.builder()
            // Python's json.loads, which reads these files, accepts NaN and Infinity (json.dumps writes them).
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxNestingDepth(limits.maxJsonDepth())
                    .maxStringLength(limits.maxStringBytes())
                    .maxNameLength(limits.maxStringBytes())
                    .build())
            .build();
    long tokens = 0;
    boolean notebook = false;
    try (InputStream in = context.source().openStream();
        JsonParser p = factory.createParser(in)) {
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        if ((++tokens & 0xFFFF) == 0) {
          context.checkDeadline();
        }
        if (t == JsonToken.FIELD_NAME && p.getParsingContext().getParent().inRoot()
            && "nbformat".equals(p.currentName())) {
          notebook = true;
        }
      }
    } catch (StreamConstraintsException e) {
      throw limits.exceeded(
          e.getMessage().contains("depth") ? LimitType.JSON_DEPTH : LimitType.STRING_BYTES, -1, "JSON document");
    } catch (JsonProcessingException e) {
      long offset = e.getLocation() == null ? -1 : e.getLocation().getByteOffset();
      context.refineFormat("text");
      context.report(
          context.finding(MediaRules.MALFORMED_TEXT)
              .offset(offset)
              .message("Not valid JSON: " + firstLine(e.getOriginalMessage()) + ". It was read as plain text.")
              .build());
      Text.read(context, (cp, at) -> { });
      return;
    }
    if (notebook) {
      context.refineFormat(NOTEBOOK);
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "parse error";
    }
    int nl = s.indexOf('\n');
    String line = nl < 0 ? s : s.substring(0, nl);
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }
}
