package dev.modelscan.tokenizers;

import com.google.auto.service.AutoService;
import dev.modelscan.api.LimitType;
import dev.modelscan.api.MalformedContentException;
import dev.modelscan.api.ModelScanVersion;
import dev.modelscan.api.ScanLimitExceededException;
import dev.modelscan.api.io.Utf8;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.api.spi.Recognition;
import dev.modelscan.api.spi.ScanContext;
import dev.modelscan.api.spi.ScannerDescriptor;
import dev.modelscan.protobuf.ProtoReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Recognises and validates SentencePiece tokenizer models ({@code tokenizer.model}, {@code spiece.model}, {@code
 * sentencepiece.bpe.model}): a protobuf {@code ModelProto} of {@code sentencepiece_model.proto}.
 *
 * <p>Why a scanner for a file without code: a model directory is complete only when every file in it was analysed,
 * and content that no scanner recognises stays skipped (fail closed). A SentencePiece model holds a vocabulary, a
 * trainer configuration and normalisation tables; nothing in it is executed or names code, so this scanner makes no
 * code findings. What it does check is structure, because a loader's C++ protobuf parser reads the file: content
 * that breaks the format is reported as malformed ({@code MODELSCAN-MALFORMED}, by a {@link
 * MalformedContentException}) and the result is partial, so a file that merely looks like a tokenizer at its start
 * cannot carry anything else behind it unseen.
 *
 * <p>Checked over the whole file, bounded by the limits: every tag has a known wire type (no groups) and every length
 * lies inside its enclosing message, with nothing after the top-level message; the top level has only fields 1 to 5,
 * all length-delimited (anything else is data no loader reads: appended or hidden content); each piece has exactly
 * fields 1 (piece: non-empty, well-formed UTF-8, not repeated: a repeated piece makes the id mapping ambiguous), 2
 * (score, fixed32) and 3 (type, varint 1 to 6); the normalizer and denormalizer specs have their {@code name} and
 * {@code normalization_rule_tsv} as UTF-8 and their flags as varints; the trainer spec and self-test data are walked
 * field by field without interpretation. Bounds: the bytes decoded (tags, varints, strings; the skipped charsmap
 * does not count) by {@code maxHeaderBytes}, each string by {@code maxStringBytes} (recorded as a reached limit, the
 * walk goes on), the number of pieces by {@value #MAX_PIECES} (twice the largest vocabulary in use, Gemma's
 * 262,144; {@code maxArchiveMembers} is not used because real vocabularies exceed its default), and the deadline is
 * checked once per piece.
 *
 * <p>Format facts verified on models written by the real trainer (python3-sentencepiece 0.1.97, unigram and BPE
 * with byte fallback, see the test fixtures and {@code gen_sentencepiece.py}) by walking their wire format: the file
 * is one ModelProto with the pieces first (field 1, each message {@code 0A} piece, {@code 15} score as fixed32 written
 * even when 0.0, {@code 18} type only when not NORMAL), then field 2 TrainerSpec (model_type, vocab_size,
 * user_defined_symbols as field 31 strings, byte_fallback as field 35), then field 3 NormalizerSpec (1 name {@code
 * identity}, 2 an empty precompiled_charsmap); types seen: 1 NORMAL, 2 UNKNOWN ({@code <unk>}), 3 CONTROL ({@code
 * <s>}, {@code </s>}), 4 USER_DEFINED, 6 BYTE ({@code <0x00>} to {@code <0xFF>}). Type 5 (UNUSED) and fields 4
 * (SelfTestData) and 5 (denormalizer_spec) come from the schema only.
 */
@AutoService(ModelScanner.class)
public final class SentencePieceScanner implements ModelScanner {
  static final String FORMAT = "sentencepiece";

  /** The most pieces walked; see the class comment. */
  static final int MAX_PIECES = 1 << 19;

  private final int maxPieces;

  /** Public no-argument constructor for {@link java.util.ServiceLoader}. */
  public SentencePieceScanner() {
    this(MAX_PIECES);
  }

  /** For tests: a smaller bound on the number of pieces. */
  SentencePieceScanner(int maxPieces) {
    this.maxPieces = maxPieces;
  }

  @Override
  public ScannerDescriptor descriptor() {
    return ScannerDescriptor.of(
        "sentencepiece", ModelScanVersion.current(),
        "SentencePiece tokenizer models (tokenizer.model): structure validation",
        // No extension is owned: ".model" is also what gensim (pickles), XGBoost, LightGBM and others write, so it
        // cannot disagree with content; it only raises a borderline head (see SentencePieceHead).
        List.of(FORMAT), List.of());
  }

  @Override
  public Recognition recognize(ContentHead head) {
    int confidence = SentencePieceHead.confidence(head);
    return confidence == 0 ? Recognition.none() : Recognition.of(FORMAT, confidence);
  }

  @Override
  public void scan(ScanContext ctx) throws IOException {
    new Walk(ctx, maxPieces).model(ProtoReader.of(ctx.source(), ctx.limits().maxHeaderBytes()));
  }

  /** One scan's state. */
  private static final class Walk {
    private final ScanContext ctx;
    private final int maxPieces;
    /** Every piece seen, to find repeats; bounded by maxPieces and, in bytes, by the decode budget. */
    private final Set<String> seen = new HashSet<>();

    Walk(ScanContext ctx, int maxPieces) {
      this.ctx = ctx;
      this.maxPieces = maxPieces;
    }

    void model(ProtoReader r) throws IOException {
      int pieces = 0;
      while (r.next()) {
        ctx.checkDeadline();
        int f = r.field();
        if (f < 1 || f > 5) {
          throw new MalformedContentException(r.offset(), "field " + f + " (wire type " + r.wire()
              + ") at the top level, which a SentencePiece ModelProto does not define: data no loader reads");
        }
        wire(r, ProtoReader.LEN, "ModelProto field " + f);
        switch (f) {
          case 1 -> {
            if (pieces == maxPieces) {
              ctx.markPartial("more than " + maxPieces + " SentencePiece pieces: the rest of the model was not"
                  + " checked");
              return;
            }
            piece(r.message(), r.offset(), pieces++);
          }
          case 3 -> normalizer(r.message(), "normalizer_spec");
          case 5 -> normalizer(r.message(), "denormalizer_spec");
          default -> opaque(r.message()); // 2 TrainerSpec, 4 SelfTestData
        }
      }
      if (pieces == 0) {
        throw new MalformedContentException(0, "SentencePiece model without pieces");
      }
    }

    private void piece(ProtoReader m, long at, int index) throws IOException {
      byte[] text = null;
      boolean overLimit = false;
      while (m.next()) {
        switch (m.field()) {
          case 1 -> {
            wire(m, ProtoReader.LEN, "piece " + index + " text");
            text = bytes(m);
            overLimit |= text == null;
          }
          case 2 -> {
            wire(m, ProtoReader.FIXED32, "piece " + index + " score");
            m.skip();
          }
          case 3 -> {
            wire(m, ProtoReader.VARINT, "piece " + index + " type");
            long type = m.varint();
            if (type < 1 || type > 6) {
              throw new MalformedContentException(m.offset(), "piece " + index + " has type " + type
                  + "; SentencePiece defines 1 (NORMAL) to 6 (BYTE)");
            }
          }
          default -> throw new MalformedContentException(m.offset(), "piece " + index + " has field " + m.field()
              + ", which a SentencePiece piece does not define");
        }
      }
      if (overLimit) {
        return; // recorded as a reached limit; the text was not seen
      }
      if (text == null || text.length == 0) {
        throw new MalformedContentException(at, "piece " + index + " has no text");
      }
      if (!Utf8.isValid(text, 0, text.length)) {
        throw new MalformedContentException(at, "piece " + index + " is not well-formed UTF-8");
      }
      String s = new String(text, StandardCharsets.UTF_8);
      if (!seen.add(s)) {
        throw new MalformedContentException(at, "piece " + index + " repeats an earlier piece "
            + quote(s) + ": one text with two ids");
      }
    }

    private void normalizer(ProtoReader m, String what) throws IOException {
      while (m.next()) {
        ctx.checkDeadline();
        switch (m.field()) {
          case 1, 6 -> {
            wire(m, ProtoReader.LEN, what + " field " + m.field());
            long at = m.offset();
            byte[] text = bytes(m);
            if (text != null && !Utf8.isValid(text, 0, text.length)) {
              throw new MalformedContentException(at, what + " field " + m.field() + " is not well-formed UTF-8");
            }
          }
          case 2 -> {
            wire(m, ProtoReader.LEN, what + " precompiled_charsmap");
            m.skip();
          }
          case 3, 4, 5 -> {
            wire(m, ProtoReader.VARINT, what + " field " + m.field());
            m.skip();
          }
          default -> m.skip(); // newer options: their tags and lengths are still checked
        }
      }
    }

    /** Walks a message whose fields are not interpreted: tags and lengths must still be valid. */
    private void opaque(ProtoReader m) throws IOException {
      while (m.next()) {
        ctx.checkDeadline();
        m.skip();
      }
    }

    /** A LEN field's bytes; one over the string limit is recorded and skipped (null), the walk goes on. */
    private byte[] bytes(ProtoReader r) throws IOException {
      long at = r.offset();
      try {
        return r.bytes(ctx.limits().maxStringBytes());
      } catch (ScanLimitExceededException e) {
        if (e.limitType() != LimitType.STRING_BYTES) {
          throw e;
        }
        ctx.limitReached(e, at);
        return null;
      }
    }

    private static void wire(ProtoReader r, int expected, String what) {
      if (r.wire() != expected) {
        throw new MalformedContentException(r.offset(), what + " has wire type " + r.wire() + ", not " + expected);
      }
    }

    private static String quote(String s) {
      String t = s.length() > 60 ? s.substring(0, 60) + "..." : s;
      return '"' + t.replaceAll("\\p{Cntrl}", "?") + '"';
    }
  }
}
