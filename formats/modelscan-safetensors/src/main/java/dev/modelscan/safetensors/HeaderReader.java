package dev.modelscan.safetensors;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.modelscan.api.LimitType;
import dev.modelscan.api.ScanLimits;
import dev.modelscan.api.io.ByteSource;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.Recognition;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * Reads and validates a SafeTensors header the way the reference reader ({@code huggingface/safetensors},
 * {@code tensor.rs}: {@code read_metadata} and {@code Metadata::validate}) does, and adds the checks it skips.
 *
 * <h2>Memory</h2>
 *
 * Nothing is ever allocated from a length the file claims. The 8-byte header length is compared with the reference
 * maximum, the file size and {@link ScanLimits#maxHeaderBytes()} before a single header byte is read, and even then
 * the header is streamed through a fixed 64 KiB buffer (UTF-8 check) and Jackson's own buffers (JSON), never read
 * whole. Shapes are folded into an element count as they stream by; the dimensions are not kept. Tensor bytes are
 * never read. What does grow with the header is one small record per tensor and the set of names (for duplicate
 * detection), bounded by the real header size, by {@link Policy#maxTensors()} and by Jackson's
 * {@link StreamReadConstraints} (nesting depth, string and name length, document length = the header length).
 *
 * <h2>JSON semantics</h2>
 *
 * The reference parses the header with serde_json into a struct with a flattened map: duplicate tensor names keep
 * the last entry, a duplicate {@code __metadata__} or a duplicate field inside one entry is an error, unknown fields
 * inside an entry are ignored, numbers must be plain non-negative integers that fit 64 bits, strings must not hold
 * lone surrogate escapes, and only JSON whitespace may surround the object. This reader follows those semantics for
 * what it validates (the last duplicate wins) and reports every deviation.
 *
 * <h2>Parts</h2>
 *
 * This class reads the 8-byte length, decides the order of the checks and turns Jackson's exceptions into outcomes;
 * {@link HeaderPrescan} checks the header's bytes (UTF-8, NUL, what surrounds the object), {@link HeaderEntries}
 * checks its JSON entries as the reference's structs do, and {@link DataLayout} checks the data section against them.
 *
 * <p>Stateless; every call builds its own parser.
 */
final class HeaderReader {

  /** The reference reader's {@code MAX_HEADER_SIZE}. */
  static final long REFERENCE_MAX_HEADER = 100_000_000L;

  /** Longest number text accepted; 2^64 - 1 has 20 digits. */
  private static final int MAX_NUMBER_CHARS = 64;

  /** How often loops over header entries check the deadline. */
  static final int DEADLINE_EVERY = 1024;

  /** How many characters of a name a message shows. */
  private static final int NAME_TEXT_CHARS = 80;

  /**
   * Sanity bounds beyond which a header is reported as excessive. Real checkpoints have at most some tens of
   * thousands of tensors per file, names well under a hundred characters, ranks under ten, and short metadata.
   *
   * @param maxTensors more entries than this stop the analysis (finding and partial status): each one costs every
   *     reader an index entry, so the scanner does not go on building its own
   * @param maxNameChars longer tensor names are reported
   * @param maxRank more dimensions are reported
   * @param maxMetadataValueChars longer metadata values are reported
   */
  record Policy(int maxTensors, int maxNameChars, int maxRank, int maxMetadataValueChars) {
    static final Policy DEFAULT = new Policy(1_000_000, 4096, 64, 65_536);
  }

  private HeaderReader() {}

  /**
   * Recognises SafeTensors by content: a little-endian length and a JSON object right after it.
   *
   * <ul>
   *   <li>{@link Recognition#CERTAIN}: the length fits the file and the header starts with {@code {"} or {@code
   *       {}}, as every writer produces.
   *   <li>{@link Recognition#STRONG}: the length fits and the header starts with '{' after whitespace.
   *   <li>{@link Recognition#PROBABLE}: the header starts with {@code {"} but the length does not fit the file (a
   *       forged or truncated length, up to a 2^62 claim): claimed so that it is reported, not left unrecognised.
   *   <li>{@link Recognition#WEAK}: the length fits the file but the header is garbage, and the name ends in {@code
   *       .safetensors}: a broken SafeTensors file is reported as malformed rather than unrecognised. Content that
   *       another scanner recognises wins over this.
   * </ul>
   */
  static Recognition recognize(ContentHead head, String format) {
    if (head.headLength() < 9) {
      return Recognition.none();
    }
    long n = 0;
    for (int i = 7; i >= 0; i--) {
      n = (n << 8) | head.headByte(i);
    }
    boolean fits = Long.compareUnsigned(n, head.size() - 8) <= 0;
    int firstNonWs = skipWhitespace(head, 8);
    int first = firstNonWs < head.headLength() ? head.headByte(firstNonWs) : -1;
    int afterBrace = first == '{' ? skipWhitespace(head, firstNonWs + 1) : head.headLength();
    int next = afterBrace < head.headLength() ? head.headByte(afterBrace) : -1;
    boolean objectStart = first == '{' && (next == '"' || next == '}' || next == -1);
    if (fits && n >= 2 && objectStart && firstNonWs == 8) {
      return Recognition.of(format, Recognition.CERTAIN);
    }
    if (fits && n >= 2 && objectStart) {
      return Recognition.of(format, Recognition.STRONG);
    }
    if (objectStart && firstNonWs == 8) {
      return Recognition.of(format, Recognition.PROBABLE);
    }
    if (fits && "safetensors".equals(head.extension())) {
      return Recognition.of(format, Recognition.WEAK);
    }
    return Recognition.none();
  }

  private static int skipWhitespace(ContentHead head, int from) {
    int i = from;
    while (i < head.headLength() && isJsonWhitespace(head.headByte(i))) {
      i++;
    }
    return i;
  }

  static boolean isJsonWhitespace(int b) {
    return b == ' ' || b == '\t' || b == '\n' || b == '\r';
  }

  /**
   * Reads and validates the header of a SafeTensors file.
   *
   * @param source the whole file
   * @param limits the scan limits (header bytes, JSON depth, string length)
   * @param policy the sanity bounds
   * @param deadline called in loops over content-controlled counts; throws when the scan's time is up
   * @return what was found
   * @throws IOException when the source cannot be read
   */
  static Outcome read(ByteSource source, ScanLimits limits, Policy policy, Runnable deadline) throws IOException {
    Outcome out = new Outcome();
    long size = source.size();
    if (size < 8) {
      out.refuse(
          SafetensorsRules.INVALID_HEADER,
          0,
          "HeaderTooSmall",
          "the file has " + size + " bytes, fewer than the 8-byte header length: loaders refuse it (HeaderTooSmall)");
      return out;
    }
    byte[] prefix = source.readBytes(0, 8);
    long n = 0;
    for (int i = 7; i >= 0; i--) {
      n = (n << 8) | (prefix[i] & 0xFF);
    }
    String claimed = Long.toUnsignedString(n);
    if (Long.compareUnsigned(n, REFERENCE_MAX_HEADER) > 0) {
      // Decided from the 8 bytes alone: nothing sized by n is ever allocated.
      out.refuse(
          SafetensorsRules.HEADER_TOO_LARGE,
          0,
          "HeaderTooLarge",
          "the header length field claims "
              + claimed
              + " bytes in a file of "
              + size
              + " bytes: the reference reader refuses it (HeaderTooLarge, maximum 100,000,000), a reader that"
              + " allocates the declared length before reading asks for "
              + claimed
              + " bytes");
      return out;
    }
    if (n > size - 8) {
      out.refuse(
          SafetensorsRules.INVALID_HEADER,
          0,
          "InvalidHeaderLength",
          "the header length field claims "
              + n
              + " bytes but only "
              + (size - 8)
              + " follow it: the file is truncated or the length is forged, and the reference reader refuses it"
              + " (InvalidHeaderLength)");
      return out;
    }
    if (n > limits.maxHeaderBytes()) {
      out.limit(
          limits.exceeded(LimitType.HEADER_BYTES, n, "SafeTensors header"),
          0);
      return out;
    }
    out.headerLength(n);
    if (!HeaderPrescan.prescan(source, n, out, deadline)) {
      return out;
    }
    HeaderEntries parse = new HeaderEntries(out, policy, deadline);
    JsonFactory factory = factory(limits, n);
    try (InputStream in = source.slice(8, n).openStream();
        JsonParser parser = factory.createParser(in)) {
      parse.root(parser);
    } catch (StreamConstraintsException e) {
      long at = 8 + byteOffset(e.getLocation());
      String message = e.getOriginalMessage();
      if (message != null && message.contains("NestingDepth")) {
        out.limit(
            limits.exceeded(LimitType.JSON_DEPTH, -1, "SafeTensors header nesting"),
            at);
      } else if (message != null && message.contains("NumberLength")) {
        out.refuse(
            SafetensorsRules.INVALID_HEADER,
            at,
            "InvalidHeaderDeserialization",
            "a number in the header has more than "
                + MAX_NUMBER_CHARS
                + " digits, far beyond 64 bits: the reference reader refuses it (InvalidHeaderDeserialization)");
      } else {
        out.limit(
            limits.exceeded(LimitType.STRING_BYTES, -1, "a string in the SafeTensors header"),
            at);
      }
      return out;
    } catch (IllegalStateException e) {
      // Jackson's symbol table reports a hash-collision flood of names this way.
      out.problem(
          SafetensorsRules.EXCESSIVE_HEADER,
          8,
          "the tensor names are built to collide in hash tables (" + e.getMessage()
              + "): readers that index names in hash maps slow to a crawl; analysis stopped");
      out.incomplete("the header's names flood hash tables; the header was not read to the end");
      return out;
    } catch (JsonProcessingException e) {
      out.refuse(
          SafetensorsRules.INVALID_HEADER,
          8 + byteOffset(e.getLocation()),
          "InvalidHeaderDeserialization",
          "the header is not valid JSON ("
              + e.getOriginalMessage()
              + "): the reference reader refuses it (InvalidHeaderDeserialization)");
      return out;
    }
    if (!out.headerRead()) {
      return out;
    }
    List<Tensor> tensors = parse.tensors();
    long dataSize = size - 8 - n;
    DataLayout.checkSizes(tensors, dataSize, out, policy, deadline);
    if (parse.allEntriesRead()) {
      DataLayout.checkLayout(tensors, 8 + n, dataSize, out, deadline);
    } else {
      out.incomplete("the data layout was not checked because some tensor entries could not be read");
    }
    out.tensors().addAll(tensors);
    return out;
  }

  private static JsonFactory factory(ScanLimits limits, long headerLength) {
    StreamReadConstraints constraints =
        StreamReadConstraints.builder()
            .maxNestingDepth(limits.maxJsonDepth())
            .maxStringLength(limits.maxStringBytes())
            .maxNameLength(limits.maxStringBytes())
            .maxNumberLength(MAX_NUMBER_CHARS)
            .maxDocumentLength(headerLength)
            .build();
    // Names are canonicalised in a symbol table that belongs to this factory alone and dies with the scan (turning
    // canonicalisation off would make Jackson decode through a Reader and lose byte offsets). They are not interned:
    // attacker-chosen names must not fill the JVM's string pool. The table's hash-flooding check stays on.
    return JsonFactory.builder()
        .streamReadConstraints(constraints)
        .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
        .enable(JsonFactory.Feature.FAIL_ON_SYMBOL_HASH_OVERFLOW)
        .build();
  }

  static long byteOffset(JsonLocation location) {
    if (location == null) {
      return 0;
    }
    long offset = location.getByteOffset();
    return offset < 0 ? 0 : offset;
  }

  /** A name for a message: quoted, shortened, control characters escaped. */
  static String show(String name) {
    StringBuilder sb = new StringBuilder("\"");
    int limit = Math.min(name.length(), NAME_TEXT_CHARS);
    for (int i = 0; i < limit; i++) {
      char c = name.charAt(i);
      if (c < 0x20 || c == 0x7F || Character.isSurrogate(c)) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    if (name.length() > limit) {
      sb.append("...(").append(name.length()).append(" chars)");
    }
    return sb.append('"').toString();
  }

}
