package dev.modelscan.safetensors;

import static dev.modelscan.safetensors.HeaderReader.DEADLINE_EVERY;
import static dev.modelscan.safetensors.HeaderReader.byteOffset;
import static dev.modelscan.safetensors.HeaderReader.show;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.modelscan.api.Severity;
import java.io.IOException;
import java.math.BigInteger;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One pass over the tokens of a SafeTensors header (Jackson's streaming parser, already bounded by the reader's
 * {@code StreamReadConstraints}): the {@code __metadata__} map and every tensor entry checked as the reference's
 * serde structs check them (field types, duplicates, unknown fields, 64-bit numbers, dtype names, shapes and
 * offsets), the names against the {@link HeaderReader.Policy}, each deviation an entry of the {@link Outcome}. The
 * byte-level checks come before it ({@link HeaderPrescan}); the layout of the data after it ({@link DataLayout}).
 *
 * <p>One instance per header; not thread-safe.
 */
final class HeaderEntries {
  /** How many dimensions of a shape a message shows. */
  private static final int SHAPE_TEXT_DIMS = 8;

  private final Outcome out;
  private final HeaderReader.Policy policy;
  private final Runnable deadline;
  private final List<Tensor> tensors = new ArrayList<>();
  private final Map<String, Integer> byName = new HashMap<>();
  private final Map<String, String> normalised = new HashMap<>();
  private boolean allEntriesRead = true;
  private JsonParser p;
  private long number;

  HeaderEntries(Outcome out, HeaderReader.Policy policy, Runnable deadline) {
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
