package dev.modelscan.protobuf;

import dev.modelscan.api.LimitType;
import dev.modelscan.api.MalformedContentException;
import dev.modelscan.api.ScanLimitExceededException;
import dev.modelscan.api.io.ByteSource;
import dev.modelscan.api.io.Varints;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A bounded reader of the protobuf wire format over one message range of a {@link ByteSource}.
 *
 * <p>Why not generated code: the scanner needs only a few field numbers, must skip tensor payloads of gigabytes by
 * their length without reading them, and must bound everything it does read. Every length is checked against the
 * enclosing message before use; strings are bounded by the caller; the bytes actually decoded (tags, varints,
 * strings; not skipped payloads) count against a budget shared by all readers of one scan. Groups (wire types 3 and 4)
 * do not occur in the formats read here and are rejected as malformed.
 *
 * <p>Shared by the ONNX and TensorFlow scanners (format modules do not depend on each other, so it lives here). A
 * reader is used by one thread; a new one is made per scan.
 *
 * @since 0.1
 */
public final class ProtoReader {
  /** Wire type 0: a base-128 varint. */
  public static final int VARINT = 0;

  /** Wire type 1: eight little-endian bytes. */
  public static final int FIXED64 = 1;

  /** Wire type 2: a length-delimited payload (bytes, string, nested message, packed values). */
  public static final int LEN = 2;

  /** Wire type 5: four little-endian bytes. */
  public static final int FIXED32 = 5;

  /** The content, a read window, and the decode budget, shared by a reader and its children. */
  private static final class Input {
    private static final int WINDOW = 64 * 1024;
    private final ByteSource source;
    private final long budget;
    private final byte[] window = new byte[WINDOW];
    private long windowStart;
    private int windowLength;
    private long used;

    Input(ByteSource source, long budget) {
      this.source = source;
      this.budget = budget;
    }

    /** Makes bytes [p, p + n) of the source readable in the window (n at most WINDOW); returns where p is in it. */
    int view(long p, int n) throws IOException {
      if (p < windowStart || p + n > windowStart + windowLength) {
        int len = (int) Math.min(WINDOW, source.size() - p);
        source.readFully(p, window, 0, len);
        windowStart = p;
        windowLength = len;
      }
      return (int) (p - windowStart);
    }

    void spend(long n) {
      used += n;
      if (used > budget) {
        throw new ScanLimitExceededException(
            LimitType.HEADER_BYTES, budget, used, "protobuf structure (bytes decoded outside tensor data)");
      }
    }
  }

  private final Input in;
  private final long end;
  private long pos;
  private int field;
  private int wire;
  private long tagOffset;

  private ProtoReader(Input in, long start, long end) {
    this.in = in;
    this.pos = start;
    this.end = end;
  }

  /**
   * A reader over the whole of {@code source}, decoding at most {@code budget} bytes (tags, varints and strings;
   * skipped payloads do not count).
   *
   * @param source the content; not closed
   * @param budget how many bytes all readers made from this one may decode together
   * @return the reader, positioned before the first field
   */
  public static ProtoReader of(ByteSource source, long budget) {
    return new ProtoReader(new Input(source, budget), 0, source.size());
  }

  /**
   * Advances to the next field.
   *
   * @return false at the end of the message
   * @throws IOException when the content cannot be read
   * @throws MalformedContentException for an invalid tag (field 0, groups, unknown wire types)
   * @throws ScanLimitExceededException when the decode budget is spent
   */
  public boolean next() throws IOException {
    if (pos >= end) {
      return false;
    }
    tagOffset = pos;
    long tag = rawVarint();
    field = (int) (tag >>> 3);
    wire = (int) (tag & 7);
    if (tag >>> 3 > 0x1FFFFFFF || field == 0 || wire == 3 || wire == 4 || wire > 5) {
      throw new MalformedContentException(tagOffset, "invalid protobuf tag " + tag);
    }
    return true;
  }

  /**
   * The current field's number.
   *
   * @return the field number, positive
   */
  public int field() {
    return field;
  }

  /**
   * The current field's wire type.
   *
   * @return one of {@link #VARINT}, {@link #FIXED64}, {@link #LEN}, {@link #FIXED32}
   */
  public int wire() {
    return wire;
  }

  /**
   * Where the current field's tag starts.
   *
   * @return byte offset in the content
   */
  public long offset() {
    return tagOffset;
  }

  /**
   * The value of the current VARINT field.
   *
   * @return the value (negative for values of 2^63 and more, as protobuf's uint64 in a Java long)
   * @throws IOException when the content cannot be read
   * @throws IllegalStateException when the current field is not a varint
   */
  public long varint() throws IOException {
    expect(VARINT);
    return rawVarint();
  }

  /**
   * The current LEN field as a nested message reader; this reader moves past it.
   *
   * @return a reader of the nested message, sharing this reader's decode budget
   * @throws IOException when the content cannot be read
   * @throws MalformedContentException when the declared length runs past this message
   */
  public ProtoReader message() throws IOException {
    long len = length();
    ProtoReader child = new ProtoReader(in, pos, pos + len);
    pos += len;
    return child;
  }

  /**
   * The current LEN field as UTF-8 text.
   *
   * @param max the longest string, in bytes, the caller accepts
   * @return the text
   * @throws IOException when the content cannot be read
   * @throws ScanLimitExceededException with {@link LimitType#STRING_BYTES} when it is longer than {@code max}; the
   *     reader has then moved past the field, so the caller may record the limit and go on
   */
  public String string(int max) throws IOException {
    long len = length();
    if (len > max) {
      pos += len;
      throw new ScanLimitExceededException(LimitType.STRING_BYTES, max, len, "protobuf string at " + tagOffset);
    }
    in.spend(len);
    byte[] bytes = in.source.readBytes(pos, (int) len);
    pos += len;
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /**
   * The current LEN field's raw bytes, for callers that must validate them (UTF-8 that {@link #string} would
   * silently repair with replacement characters).
   *
   * @param max the longest payload, in bytes, the caller accepts
   * @return a copy of the payload
   * @throws IOException when the content cannot be read
   * @throws ScanLimitExceededException with {@link LimitType#STRING_BYTES} when it is longer than {@code max}; the
   *     reader has then moved past the field, so the caller may record the limit and go on
   */
  public byte[] bytes(int max) throws IOException {
    long len = length();
    if (len > max) {
      pos += len;
      throw new ScanLimitExceededException(LimitType.STRING_BYTES, max, len, "protobuf bytes at " + tagOffset);
    }
    in.spend(len);
    byte[] bytes = in.source.readBytes(pos, (int) len);
    pos += len;
    return bytes;
  }

  /**
   * Skips the current field without decoding its payload (a tensor of gigabytes costs nothing).
   *
   * @throws IOException when the content cannot be read
   * @throws MalformedContentException when the field runs past its message
   */
  public void skip() throws IOException {
    switch (wire) {
      case VARINT -> rawVarint();
      case FIXED64 -> advance(8);
      case FIXED32 -> advance(4);
      default -> {
        long len = length(); // not "pos += length()": Java reads pos before length() moves it
        pos += len;
      }
    }
  }

  private void expect(int wireType) {
    if (wire != wireType) {
      throw new IllegalStateException("field " + field + " has wire type " + wire + ", not " + wireType);
    }
  }

  private long length() throws IOException {
    expect(LEN);
    long at = pos;
    long len = rawVarint();
    if (len < 0 || len > end - pos) {
      throw new MalformedContentException(
          at, "protobuf field " + field + " claims " + Long.toUnsignedString(len) + " bytes but its message has "
              + (end - pos) + " left");
    }
    return len;
  }

  private void advance(long n) {
    if (n > end - pos) {
      throw new MalformedContentException(pos, "protobuf field " + field + " runs past the end of its message");
    }
    pos += n;
  }

  private long rawVarint() throws IOException {
    int n = (int) Math.min(Varints.MAX_LENGTH, end - pos);
    int at = in.view(pos, n);
    Varints.Varint v = Varints.read(in.window, at, at + n);
    int length = v == null ? n : v.next() - at;
    in.spend(length);
    pos += length;
    if (v == null) {
      throw new MalformedContentException(
          pos,
          n < Varints.MAX_LENGTH
              ? "protobuf varint runs past the end of its message"
              : "protobuf varint longer than 10 bytes");
    }
    return v.value();
  }
}
