package dev.modelscan.pickle.python;

/**
 * Turns character offsets in decoded text back into byte offsets of the content, which findings report. Moves
 * forward from the last answer, so that answers asked in increasing order (the order findings are made in) cost one
 * pass over the text in all; an earlier offset restarts from the beginning. Assumes the text was decoded from UTF-8,
 * or from the single-byte or UTF-16 encoding named at construction.
 *
 * <p>Public only for the other packages of this module (the module exports nothing). Not thread-safe: one per scan.
 */
public final class TextOffsets {

  private final CharSequence text;
  private final long base;
  private final int unitBytes;
  private int charPos;
  private long bytePos;

  /**
   * Creates a converter.
   *
   * @param text the decoded text
   * @param base the byte offset where the text starts (after a byte order mark)
   * @param unitBytes 0 for UTF-8, 1 for single-byte encodings, 2 for UTF-16
   */
  public TextOffsets(CharSequence text, long base, int unitBytes) {
    this.text = text;
    this.base = base;
    this.unitBytes = unitBytes;
    this.bytePos = base;
  }

  /**
   * The byte offset of a character offset.
   *
   * @param charOffset a character offset in the text; negative values are returned unchanged
   * @return the byte offset in the content
   */
  public long byteOffset(long charOffset) {
    if (charOffset < 0) {
      return charOffset;
    }
    int target = (int) Math.min(charOffset, text.length());
    if (unitBytes > 0) {
      return base + (long) target * unitBytes;
    }
    if (target < charPos) {
      charPos = 0;
      bytePos = base;
    }
    while (charPos < target) {
      char c = text.charAt(charPos);
      if (c < 0x80) {
        bytePos += 1;
      } else if (c < 0x800) {
        bytePos += 2;
      } else if (Character.isHighSurrogate(c)) {
        bytePos += 4;
        charPos++; // the low surrogate belongs to the same 4-byte sequence
      } else {
        bytePos += 3;
      }
      charPos++;
    }
    return bytePos;
  }
}
