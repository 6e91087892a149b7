package dev.modelscan.safetensors;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.modelscan.api.LimitType;
import dev.modelscan.api.ScanLimits;
import dev.modelscan.api.Severity;
import dev.modelscan.api.io.ByteSource;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.Recognition;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
 * <p>Stateless; every call builds its own parser.
 */
final class HeaderReader {

  /** The reference reader's {@code MAX_HEADER_SIZE}. */
  static final long REFERENCE_MAX_HEADER = 100_000_000L;

  /** Longest number text accepted; 2^64 - 1 has 20 digits. */
  private static final int MAX_NUMBER_CHARS = 64;

  private static final int CHUNK = 64 * 1024;

  /** How often loops over header entries check the deadline. */
  private static final int DEADLINE_EVERY = 1024;

  /** How many dimensions of a shape a message shows. */
  private static final int SHAPE_TEXT_DIMS = 8;

  /** How many characters of a name a message shows. */
  private static final int NAME_TEXT_CHARS = 80;

  /**
   * A tensor whose shape asks for more bytes than the file holds, and at least this many, is an allocation bomb; a
   * smaller disagreement is an invalid layout and nothing more.
   */
  static final long BOMB_BYTES = 16L << 20;

  /** At most this many regions outside every tensor are handed back for scanning. */
  private static final int MAX_REGIONS = 16;

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

  private static boolean isJsonWhitespace(int b) {
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
    if (!prescan(source, n, out, deadline)) {
      return out;
    }
    Parse parse = new Parse(out, policy, deadline);
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
    checkSizes(tensors, dataSize, out, policy, deadline);
    if (parse.allEntriesRead()) {
      checkLayout(tensors, 8 + n, dataSize, out, deadline);
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

  private static long byteOffset(JsonLocation location) {
    if (location == null) {
      return 0;
    }
    long offset = location.getByteOffset();
    return offset < 0 ? 0 : offset;
  }

  /**
   * Streams the header bytes once: strict UTF-8 (the reference's {@code from_utf8}), no NUL byte, a '{' as the
   * first non-whitespace byte, and what surrounds the object. Returns false when the JSON must not be parsed.
   *
   * <p>Two reasons to do this before Jackson sees a byte: the reference rejects invalid UTF-8 anywhere in the header,
   * even inside padding that JSON parsing would never reach; and Jackson guesses the encoding from the first bytes
   * (a '{' followed by NUL reads as UTF-16), which would let a header parse here that the reference refuses. With
   * NUL bytes excluded, Jackson always reads UTF-8, so its byte offsets are file offsets minus 8.
   */
  private static boolean prescan(ByteSource source, long n, Outcome out, Runnable deadline) throws IOException {
    byte[] buf = new byte[(int) Math.min(n, CHUNK)];
    Utf8 utf8 = new Utf8();
    long firstNonWs = -1;
    int firstByte = -1;
    int lastByte = -1;
    long oddPadding = -1;
    for (long pos = 0; pos < n; ) {
      deadline.run();
      int len = (int) Math.min(buf.length, n - pos);
      source.readFully(8 + pos, buf, 0, len);
      for (int i = 0; i < len; i++) {
        int b = buf[i] & 0xFF;
        long at = 8 + pos + i;
        if (!utf8.accept(b)) {
          out.refuse(
              SafetensorsRules.INVALID_HEADER,
              at,
              "InvalidHeader",
              "the header is not valid UTF-8 (byte 0x"
                  + Integer.toHexString(b)
                  + " at offset "
                  + at
                  + "): the reference reader refuses it (InvalidHeader)");
          return false;
        }
        if (b == 0) {
          out.refuse(
              SafetensorsRules.INVALID_HEADER,
              at,
              "InvalidHeaderDeserialization",
              "the header holds a NUL byte at offset "
                  + at
                  + ", which JSON does not allow there: the reference reader refuses it"
                  + " (InvalidHeaderDeserialization)");
          return false;
        }
        if (isJsonWhitespace(b)) {
          if (b != ' ' && oddPadding < 0) {
            oddPadding = at;
          }
        } else {
          if (firstNonWs < 0) {
            firstNonWs = at;
            firstByte = b;
          }
          lastByte = b;
          oddPadding = -1;
        }
      }
      pos += len;
    }
    if (!utf8.complete()) {
      out.refuse(
          SafetensorsRules.INVALID_HEADER,
          8 + n,
          "InvalidHeader",
          "the header ends inside a UTF-8 sequence: the reference reader refuses it (InvalidHeader)");
      return false;
    }
    if (firstNonWs < 0) {
      out.refuse(
          SafetensorsRules.INVALID_HEADER,
          8,
          "InvalidHeaderDeserialization",
          "the header is empty or only whitespace: the reference reader finds no JSON object and refuses it"
              + " (InvalidHeaderDeserialization)");
      return false;
    }
    if (firstByte != '{') {
      out.refuse(
          SafetensorsRules.INVALID_HEADER,
          firstNonWs,
          "InvalidHeaderDeserialization",
          "the header starts with "
              + describeByte(firstByte)
              + " instead of '{': it is not the JSON object the format requires, and the reference reader refuses"
              + " it (InvalidHeaderDeserialization)");
      return false;
    }
    if (firstNonWs > 8) {
      out.problem(
          SafetensorsRules.NONSTANDARD_HEADER,
          8,
          "the header starts with "
              + (firstNonWs - 8)
              + " whitespace byte(s) before '{': the reference reader skips them, but the format requires '{' at"
              + " byte 8 and strict readers refuse the file");
    }
    if (oddPadding >= 0 && lastByte == '}') {
      out.problem(
          SafetensorsRules.NONSTANDARD_HEADER,
          oddPadding,
          "the header is padded with tabs, line feeds or carriage returns after its closing '}', not only with"
              + " spaces: the reference reader skips them, strict readers refuse the file");
    }
    return true;
  }

  private static String describeByte(int b) {
    if (b >= 0x21 && b < 0x7F) {
      return "'" + (char) b + "'";
    }
    return "byte 0x" + Integer.toHexString(b);
  }

  /** Per-tensor checks: rank, element count overflow, sub-byte alignment, shape vs offsets, size vs file. */
  private static void checkSizes(
      List<Tensor> tensors, long dataSize, Outcome out, Policy policy, Runnable deadline) {
    int i = 0;
    for (Tensor t : tensors) {
      if (++i % DEADLINE_EVERY == 0) {
        deadline.run();
      }
      String who = "tensor " + show(t.name()) + " (" + t.describe() + ")";
      if (t.rank() > policy.maxRank()) {
        out.problem(
            SafetensorsRules.EXCESSIVE_HEADER,
            t.offset(),
            who + " has " + t.rank() + " dimensions, more than " + policy.maxRank()
                + ": frameworks refuse such tensors, and every reader copies the whole shape");
      }
      long bits = t.bits();
      if (bits == Tensor.OVERFLOW) {
        out.refuse(
            SafetensorsRules.SHAPE_BOMB,
            t.offset(),
            "ValidationOverflow",
            who
                + ": the shape's element count times "
                + t.dtype().bits()
                + " bits overflows 64 bits; the reference reader refuses the file (ValidationOverflow), a loader that"
                + " multiplies the shape without overflow checks allocates a wrapped-around size or exhausts"
                + " memory");
        continue;
      }
      if ((bits & 7) != 0) {
        out.refuse(
            SafetensorsRules.INVALID_LAYOUT,
            t.offset(),
            "MisalignedSlice",
            who
                + " has "
                + Long.toUnsignedString(bits)
                + " bits, not a whole number of bytes: the reference reader refuses the file (MisalignedSlice)");
        continue;
      }
      long bytes = bits >>> 3;
      if (Long.compareUnsigned(bytes, dataSize) > 0 && Long.compareUnsigned(bytes, BOMB_BYTES) >= 0) {
        out.refuse(
            SafetensorsRules.SHAPE_BOMB,
            t.offset(),
            "TensorInvalidInfo",
            who
                + " needs "
                + Long.toUnsignedString(bytes)
                + " bytes but the file's data holds only "
                + dataSize
                + ": the reference reader refuses the file, a loader that allocates the tensor from its shape"
                + " before checking the offsets asks for "
                + Long.toUnsignedString(bytes)
                + " bytes");
        continue;
      }
      if (Long.compareUnsigned(t.end(), t.begin()) >= 0 && bytes != t.end() - t.begin()) {
        out.refuse(
            SafetensorsRules.INVALID_LAYOUT,
            t.offset(),
            "TensorInvalidInfo",
            who
                + ": shape and dtype give "
                + bytes
                + " bytes but the offsets span "
                + Long.toUnsignedString(t.end() - t.begin())
                + ": the reference reader refuses the file (TensorInvalidInfo), a lenient reader reads the wrong"
                + " bytes");
      }
    }
  }

  /**
   * The reference's offset rules: sorted by (begin, end), the first at 0, each where the previous ended, none ending
   * before it begins, the last at the end of the file. Reported separately: gaps (bytes of no tensor), overlaps
   * (bytes of two tensors), trailing bytes and data missing at the end.
   */
  private static void checkLayout(
      List<Tensor> tensors, long dataStart, long dataSize, Outcome out, Runnable deadline) {
    List<Tensor> sorted = new ArrayList<>(tensors);
    sorted.sort(
        Comparator.comparing(Tensor::begin, Long::compareUnsigned)
            .thenComparing(Tensor::end, Long::compareUnsigned));
    long covered = 0;
    Tensor coveredBy = null;
    int i = 0;
    for (Tensor t : sorted) {
      if (++i % DEADLINE_EVERY == 0) {
        deadline.run();
      }
      String who = "tensor " + show(t.name()) + " (" + t.describe() + ")";
      if (Long.compareUnsigned(t.end(), t.begin()) < 0) {
        out.refuse(
            SafetensorsRules.INVALID_LAYOUT,
            t.offset(),
            "InvalidOffset",
            who + " ends before it begins: the reference reader refuses the file (InvalidOffset)");
        continue;
      }
      int c = Long.compareUnsigned(t.begin(), covered);
      if (c > 0) {
        out.refuse(
            SafetensorsRules.INVALID_LAYOUT,
            t.offset(),
            "InvalidOffset",
            "bytes ["
                + covered
                + ", "
                + Long.toUnsignedString(t.begin())
                + ") of the data belong to no tensor ("
                + (coveredBy == null ? "the first tensor, " : "")
                + who
                + ", does not start where the previous one ends): the reference reader refuses the file"
                + " (InvalidOffset); the bytes in the file are scanned as nested content");
        if (Long.compareUnsigned(covered, dataSize) < 0) {
          long gapEnd = Long.compareUnsigned(t.begin(), dataSize) < 0 ? t.begin() : dataSize;
          addRegion(out, "gap@" + (dataStart + covered), dataStart + covered, gapEnd - covered);
        }
      } else if (c < 0) {
        out.refuse(
            SafetensorsRules.OVERLAPPING_TENSORS,
            t.offset(),
            "InvalidOffset",
            who
                + " overlaps tensor "
                + show(coveredBy.name())
                + " ("
                + coveredBy.describe()
                + "): the reference reader refuses the file (InvalidOffset), a lenient reader gives both tensors the"
                + " same bytes");
      }
      if (Long.compareUnsigned(t.end(), covered) > 0) {
        covered = t.end();
        coveredBy = t;
      }
    }
    if (Long.compareUnsigned(covered, dataSize) < 0) {
      out.refuse(
          SafetensorsRules.HIDDEN_DATA,
          dataStart + covered,
          "MetadataIncompleteBuffer",
          (dataSize - covered)
              + " bytes follow the last tensor, from file offset "
              + (dataStart + covered)
              + ": the reference reader refuses the file (MetadataIncompleteBuffer), other readers ignore them;"
              + " they are scanned as nested content");
      addRegion(out, "trailing-data", dataStart + covered, dataSize - covered);
    } else if (Long.compareUnsigned(covered, dataSize) > 0) {
      out.refuse(
          SafetensorsRules.INVALID_LAYOUT,
          coveredBy.offset(),
          "MetadataIncompleteBuffer",
          "the tensors end at byte "
              + Long.toUnsignedString(covered)
              + " of the data but the file holds only "
              + dataSize
              + " (tensor "
              + show(coveredBy.name())
              + "): the file is truncated or its offsets are forged; the reference reader refuses it"
              + " (MetadataIncompleteBuffer), a reader that maps the file faults on the missing bytes");
    }
  }

  private static void addRegion(Outcome out, String name, long offset, long length) {
    if (length > 0 && out.regions().size() < MAX_REGIONS) {
      out.region(name, offset, length);
    }
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

  /** The state of one JSON parse. */
  private static final class Parse {
    private final Outcome out;
    private final Policy policy;
    private final Runnable deadline;
    private final List<Tensor> tensors = new ArrayList<>();
    private final Map<String, Integer> byName = new HashMap<>();
    private final Map<String, String> normalised = new HashMap<>();
    private boolean allEntriesRead = true;
    private JsonParser p;
    private long number;

    Parse(Outcome out, Policy policy, Runnable deadline) {
      this.out = out;
      this.policy = policy;
      this.deadline = deadline;
    }

    /** The tensors the reference would index: the last of duplicates, without entries that could not be read. */
    List<Tensor> tensors() {
      List<Tensor> result = new ArrayList<>(tensors.size());
      for (Tensor t : tensors) {
        if (t != null) {
          result.add(t);
        }
      }
      return result;
    }

    boolean allEntriesRead() {
      return allEntriesRead;
    }

    private long at() {
      return 8 + byteOffset(p.currentTokenLocation());
    }

    void root(JsonParser parser) throws IOException {
      this.p = parser;
      JsonToken t = p.nextToken();
      if (t != JsonToken.START_OBJECT) {
        // The prescan saw '{' first, so Jackson cannot get here without an exception; kept for safety.
        out.refuse(
            SafetensorsRules.INVALID_HEADER,
            at(),
            "InvalidHeaderDeserialization",
            "the header is not a JSON object: the reference reader refuses it (InvalidHeaderDeserialization)");
        return;
      }
      boolean metadataSeen = false;
      int entries = 0;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        long at = at();
        if (++entries % DEADLINE_EVERY == 0) {
          deadline.run();
        }
        checkText(name, at, "a tensor name");
        p.nextToken();
        if ("__metadata__".equals(name)) {
          if (metadataSeen) {
            out.refuse(
                SafetensorsRules.DUPLICATE_KEY,
                at,
                "InvalidHeaderDeserialization",
                "\"__metadata__\" appears twice: the reference reader refuses the file (serde reports a duplicate"
                    + " field), Python's json keeps the second one");
          }
          metadataSeen = true;
          metadata();
          continue;
        }
        Integer previous = byName.get(name);
        if (previous == null && byName.size() >= policy.maxTensors()) {
          out.problem(
              SafetensorsRules.EXCESSIVE_HEADER,
              at,
              "the header has more than "
                  + policy.maxTensors()
                  + " tensors: every reader builds an index entry per tensor; analysis stopped here");
          out.incomplete("stopped after " + policy.maxTensors() + " tensors; the rest of the header was not read");
          allEntriesRead = false;
          return;
        }
        if (name.length() > policy.maxNameChars()) {
          out.problem(
              SafetensorsRules.EXCESSIVE_HEADER,
              at,
              "tensor name "
                  + show(name)
                  + " is longer than "
                  + policy.maxNameChars()
                  + " characters: every reader copies it into its index and every tool that lists tensors prints"
                  + " it");
        }
        if (previous == null) {
          checkNormalisation(name, at);
        }
        Tensor tensor = tensor(name, at);
        if (previous == null) {
          byName.put(name, tensors.size());
          tensors.add(tensor);
        } else {
          Tensor first = tensors.get(previous);
          out.problem(
              SafetensorsRules.DUPLICATE_KEY,
              at,
              "tensor "
                  + show(name)
                  + " is defined twice: serde_json (the reference reader) and Python's json keep the last definition"
                  + (tensor == null ? "" : " (" + tensor.describe() + ")")
                  + ", a reader that keeps the first sees "
                  + (first == null ? "an invalid entry" : first.describe()));
          tensors.set(previous, tensor);
        }
      }
      if (t != JsonToken.END_OBJECT) {
        throw new IllegalStateException("Jackson ended an object with " + t);
      }
      JsonToken after = p.nextToken();
      if (after != null) {
        out.refuse(
            SafetensorsRules.INVALID_HEADER,
            at(),
            "InvalidHeaderDeserialization",
            "the header has content after its JSON object: the reference reader refuses it (trailing characters,"
                + " InvalidHeaderDeserialization)");
        return;
      }
      out.headerRead(true);
    }

    /**
     * Names that differ only in Unicode normalisation (NFC vs NFD, compatibility forms) are two tensors to every
     * reader, but one name to a person or a tool that normalises: a second tensor can hide behind a familiar name.
     */
    private void checkNormalisation(String name, long at) {
      boolean ascii = true;
      for (int i = 0; i < name.length() && ascii; i++) {
        ascii = name.charAt(i) < 0x80;
      }
      String key = ascii ? name : Normalizer.normalize(name, Normalizer.Form.NFKC);
      String other = normalised.putIfAbsent(key, name);
      if (other != null && !other.equals(name)) {
        out.problem(
            SafetensorsRules.DUPLICATE_KEY,
            Severity.LOW,
            at,
            "tensor names "
                + show(other)
                + " and "
                + show(name)
                + " differ only in Unicode normalisation: every reader keeps both tensors, but they look the same to"
                + " a person, and tools that normalise names see one");
      }
    }

    /** {@code __metadata__}: a string-to-string object, or null (which the reference reads as "no metadata"). */
    private void metadata() throws IOException {
      JsonToken t = p.currentToken();
      if (t == JsonToken.VALUE_NULL) {
        return;
      }
      if (t != JsonToken.START_OBJECT) {
        out.refuse(
            SafetensorsRules.INVALID_HEADER,
            at(),
            "InvalidHeaderDeserialization",
            "\"__metadata__\" is " + describeToken(t) + ", not an object of strings: the reference reader refuses"
                + " the file (InvalidHeaderDeserialization)");
        skipValue();
        return;
      }
      Set<String> keys = new HashSet<>();
      int entries = 0;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        long at = at();
        if (++entries % DEADLINE_EVERY == 0) {
          deadline.run();
        }
        checkText(key, at, "a metadata key");
        if (!keys.add(key)) {
          out.problem(
              SafetensorsRules.DUPLICATE_KEY,
              at,
              "metadata key "
                  + show(key)
                  + " appears twice: serde_json (the reference reader) and Python's json keep the last value, a"
                  + " reader that keeps the first sees the other");
        }
        t = p.nextToken();
        if (t != JsonToken.VALUE_STRING) {
          out.refuse(
              SafetensorsRules.INVALID_HEADER,
              at(),
              "InvalidHeaderDeserialization",
              "metadata value of "
                  + show(key)
                  + " is "
                  + describeToken(t)
                  + ", not a string: the reference reader refuses the file (__metadata__ maps strings to strings"
                  + " only)");
          skipValue();
          continue;
        }
        String value = p.getText();
        checkText(value, at(), "a metadata value");
        if (value.length() > policy.maxMetadataValueChars()) {
          out.problem(
              SafetensorsRules.EXCESSIVE_HEADER,
              at(),
              "metadata value of "
                  + show(key)
                  + " has "
                  + value.length()
                  + " characters, more than "
                  + policy.maxMetadataValueChars()
                  + ": tools that read or display metadata load it whole");
        }
      }
    }

    /** One tensor entry; null when the reference would refuse it (the problem is recorded). */
    private Tensor tensor(String name, long at) throws IOException {
      JsonToken t = p.currentToken();
      if (t != JsonToken.START_OBJECT) {
        out.refuse(
            SafetensorsRules.INVALID_HEADER,
            at,
            "InvalidHeaderDeserialization",
            "entry "
                + show(name)
                + " is "
                + describeToken(t)
                + ", not an object with dtype, shape and data_offsets: the reference reader refuses the file"
                + " (InvalidHeaderDeserialization)");
        skipValue();
        allEntriesRead = false;
        return null;
      }
      boolean ok = true;
      Dtype dtype = null;
      boolean dtypeSeen = false;
      boolean shapeSeen = false;
      boolean offsetsSeen = false;
      StringBuilder shapeText = new StringBuilder("[");
      int rank = 0;
      long elements = 1;
      boolean overflow = false;
      long begin = 0;
      long end = 0;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        long fieldAt = at();
        p.nextToken();
        boolean duplicate;
        switch (field) {
          case "dtype":
            duplicate = dtypeSeen;
            dtypeSeen = true;
            if (p.currentToken() == JsonToken.VALUE_STRING) {
              String text = p.getText();
              Dtype d = Dtype.byName(text);
              if (d == null) {
                out.refuse(
                    SafetensorsRules.INVALID_HEADER,
                    at(),
                    "InvalidHeaderDeserialization",
                    "tensor "
                        + show(name)
                        + " has the unknown dtype "
                        + show(text)
                        + ": the reference reader refuses the file (InvalidHeaderDeserialization)");
                ok = false;
              } else {
                dtype = d;
              }
            } else {
              out.refuse(
                  SafetensorsRules.INVALID_HEADER,
                  at(),
                  "InvalidHeaderDeserialization",
                  "dtype of tensor " + show(name) + " is " + describeToken(p.currentToken())
                      + ", not a string naming a known type: the reference reader refuses the file");
              skipValue();
              ok = false;
            }
            break;
          case "shape":
            duplicate = shapeSeen;
            shapeSeen = true;
            if (p.currentToken() != JsonToken.START_ARRAY) {
              out.refuse(
                  SafetensorsRules.INVALID_HEADER,
                  at(),
                  "InvalidHeaderDeserialization",
                  "shape of tensor " + show(name) + " is " + describeToken(p.currentToken())
                      + ", not an array of non-negative integers: the reference reader refuses the file");
              skipValue();
              ok = false;
              break;
            }
            shapeText.setLength(1);
            rank = 0;
            elements = 1;
            overflow = false;
            while (p.nextToken() != JsonToken.END_ARRAY) {
              if (!unsigned("a dimension", name)) {
                ok = false;
                continue;
              }
              rank++;
              if (rank % DEADLINE_EVERY == 0) {
                deadline.run();
              }
              if (rank <= SHAPE_TEXT_DIMS) {
                shapeText.append(rank > 1 ? ", " : "").append(Long.toUnsignedString(number));
              } else if (rank == SHAPE_TEXT_DIMS + 1) {
                shapeText.append(", ...");
              }
              if (!overflow) {
                long product = Unsigned.multiply(elements, number);
                if (product == Unsigned.OVERFLOW) {
                  overflow = true;
                } else {
                  elements = product;
                }
              }
            }
            break;
          case "data_offsets":
            duplicate = offsetsSeen;
            offsetsSeen = true;
            if (p.currentToken() != JsonToken.START_ARRAY) {
              out.refuse(
                  SafetensorsRules.INVALID_HEADER,
                  at(),
                  "InvalidHeaderDeserialization",
                  "data_offsets of tensor " + show(name) + " is " + describeToken(p.currentToken())
                      + ", not a pair of non-negative integers: the reference reader refuses the file");
              skipValue();
              ok = false;
              break;
            }
            int count = 0;
            while (p.nextToken() != JsonToken.END_ARRAY) {
              count++;
              if (!unsigned("an offset", name)) {
                ok = false;
              } else if (count == 1) {
                begin = number;
              } else if (count == 2) {
                end = number;
              }
            }
            if (count != 2) {
              out.refuse(
                  SafetensorsRules.INVALID_HEADER,
                  fieldAt,
                  "InvalidHeaderDeserialization",
                  "data_offsets of tensor " + show(name) + " has " + count
                      + " numbers instead of 2: the reference reader refuses the file");
              ok = false;
            }
            break;
          default:
            duplicate = false;
            checkText(field, fieldAt, "a field name");
            out.problem(
                SafetensorsRules.NONSTANDARD_HEADER,
                fieldAt,
                "tensor "
                    + show(name)
                    + " has the field "
                    + show(field)
                    + ", which no writer produces: the reference reader ignores it, so whatever it holds is carried"
                    + " unseen by loaders");
            skipChecked(fieldAt);
            break;
        }
        if (duplicate) {
          out.refuse(
              SafetensorsRules.DUPLICATE_KEY,
              fieldAt,
              "InvalidHeaderDeserialization",
              "tensor "
                  + show(name)
                  + " has the field "
                  + show(field)
                  + " twice: the reference reader refuses the file (serde reports a duplicate field), Python's json"
                  + " keeps the last value, other parsers the first");
        }
      }
      if (!dtypeSeen || !shapeSeen || !offsetsSeen) {
        out.refuse(
            SafetensorsRules.INVALID_HEADER,
            at,
            "InvalidHeaderDeserialization",
            "tensor "
                + show(name)
                + " lacks "
                + (!dtypeSeen ? "dtype" : !shapeSeen ? "shape" : "data_offsets")
                + ": the reference reader refuses the file (InvalidHeaderDeserialization)");
        ok = false;
      }
      if (!ok) {
        allEntriesRead = false;
        return null;
      }
      return new Tensor(name, dtype, shapeText.append(']').toString(), rank, elements, overflow, begin, end, at);
    }

    /**
     * Reads the current token as a u64 into {@link #number}. The reference accepts only plain non-negative integers
     * that fit 64 bits: serde_json refuses floats ({@code 1.0}, {@code 1e3}), negatives, and {@code -0} (which it
     * reads as the float -0.0).
     */
    private boolean unsigned(String what, String tensor) throws IOException {
      JsonToken t = p.currentToken();
      if (t == JsonToken.VALUE_NUMBER_INT) {
        String text = p.getText();
        if (text.startsWith("-")) {
          out.refuse(
              SafetensorsRules.INVALID_HEADER,
              at(),
              "InvalidHeaderDeserialization",
              what + " of tensor " + show(tensor) + " is negative (" + text
                  + "): the reference reader refuses the file (InvalidHeaderDeserialization)");
          return false;
        }
        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
          BigInteger value = p.getBigIntegerValue();
          if (value.bitLength() > 64) {
            out.refuse(
                SafetensorsRules.INVALID_HEADER,
                at(),
                "InvalidHeaderDeserialization",
                what + " of tensor " + show(tensor) + " (" + text
                    + ") does not fit 64 bits: the reference reader refuses the file (InvalidHeaderDeserialization)");
            return false;
          }
          number = value.longValue();
          return true;
        }
        number = p.getLongValue();
        return true;
      }
      out.refuse(
          SafetensorsRules.INVALID_HEADER,
          at(),
          "InvalidHeaderDeserialization",
          what + " of tensor " + show(tensor) + " is " + describeToken(t)
              + ", not a non-negative integer: the reference reader refuses the file (InvalidHeaderDeserialization)");
      skipValue();
      return false;
    }

    /**
     * Skips the current value, checking its strings as serde_json would while it buffers an ignored field: a lone
     * surrogate there still makes the reference reader refuse the file.
     */
    private void skipChecked(long at) throws IOException {
      JsonToken t = p.currentToken();
      int depth = 0;
      int tokens = 0;
      do {
        if (++tokens % DEADLINE_EVERY == 0) {
          deadline.run();
        }
        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
          depth++;
        } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
          depth--;
        } else if (t == JsonToken.VALUE_STRING || t == JsonToken.FIELD_NAME) {
          checkText(t == JsonToken.FIELD_NAME ? p.currentName() : p.getText(), at, "a string in an ignored field");
        }
      } while (depth > 0 && (t = p.nextToken()) != null);
    }

    private void skipValue() throws IOException {
      JsonToken t = p.currentToken();
      if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
        p.skipChildren();
      }
    }

    /**
     * serde_json refuses strings with an unpaired surrogate escape ({@code "\ud800"}); Jackson keeps them. Since the
     * bytes were checked to be UTF-8, such a surrogate can only come from an escape.
     */
    private void checkText(String text, long at, String what) {
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
          i++;
        } else if (Character.isSurrogate(c)) {
          out.refuse(
              SafetensorsRules.INVALID_HEADER,
              at,
              "InvalidHeaderDeserialization",
              what
                  + " ("
                  + show(text)
                  + ") holds an unpaired surrogate escape: the reference reader refuses the file, other readers"
                  + " replace or keep the character, so they disagree on the name");
          return;
        }
      }
    }

    private static String describeToken(JsonToken t) {
      if (t == null) {
        return "missing";
      }
      switch (t) {
        case START_OBJECT:
          return "an object";
        case START_ARRAY:
          return "an array";
        case VALUE_STRING:
          return "a string";
        case VALUE_NUMBER_INT:
          return "an integer";
        case VALUE_NUMBER_FLOAT:
          return "a non-integer number";
        case VALUE_TRUE:
        case VALUE_FALSE:
          return "a boolean";
        case VALUE_NULL:
          return "null";
        default:
          return t.toString();
      }
    }
  }

  /**
   * A strict streaming UTF-8 validator (Unicode Table 3-7, as Rust's {@code str::from_utf8}): no overlong forms, no
   * encoded surrogates, nothing above U+10FFFF.
   */
  private static final class Utf8 {
    private int need;
    private int lo = 0x80;
    private int hi = 0xBF;

    boolean accept(int b) {
      if (need == 0) {
        if (b < 0x80) {
          return true;
        }
        if (b >= 0xC2 && b <= 0xDF) {
          return expect(1, 0x80, 0xBF);
        }
        if (b == 0xE0) {
          return expect(2, 0xA0, 0xBF);
        }
        if ((b >= 0xE1 && b <= 0xEC) || b == 0xEE || b == 0xEF) {
          return expect(2, 0x80, 0xBF);
        }
        if (b == 0xED) {
          return expect(2, 0x80, 0x9F);
        }
        if (b == 0xF0) {
          return expect(3, 0x90, 0xBF);
        }
        if (b >= 0xF1 && b <= 0xF3) {
          return expect(3, 0x80, 0xBF);
        }
        if (b == 0xF4) {
          return expect(3, 0x80, 0x8F);
        }
        return false;
      }
      if (b < lo || b > hi) {
        return false;
      }
      need--;
      lo = 0x80;
      hi = 0xBF;
      return true;
    }

    private boolean expect(int count, int low, int high) {
      need = count;
      lo = low;
      hi = high;
      return true;
    }

    boolean complete() {
      return need == 0;
    }
  }
}
