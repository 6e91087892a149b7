package dev.modelscan.h5;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import dev.modelscan.api.LimitType;
import dev.modelscan.api.MalformedContentException;
import dev.modelscan.api.ScanLimitExceededException;
import dev.modelscan.api.ScanLimits;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a JSON document the way Python's {@code json.loads} (which Keras uses) reads it, into a small bounded tree.
 *
 * <p>Objects become {@link LinkedHashMap}s in which the <b>last</b> value of a duplicate key wins, as in Python: an
 * attacker can put a benign value first for first-wins readers and the payload last for Keras. Every duplicate is
 * recorded so it can be reported. Arrays become {@link List}s, strings {@link String}s (escapes decoded, so {@code
 * "\u0063lass_name"} is {@code class_name}), numbers {@link Number}s, booleans {@link Boolean}s and {@code null}
 * {@link #NULL}. {@code NaN} and {@code Infinity} are accepted like Python does. Depth, string length, number of
 * values and document size are bounded by the {@link ScanLimits}.
 */
final class JsonTree {

  /** The JSON {@code null} (Java {@code null} is never stored). */
  static final Object NULL = new Object() {
    @Override
    public String toString() {
      return "null";
    }
  };

  /** The most values (of any kind) one document may hold; stops documents of millions of tiny values. */
  static final int MAX_VALUES = 2_000_000;

  private final Object root;
  private final List<String> duplicateKeys;
  private final int duplicateCount;
  private final boolean trailingData;

  private JsonTree(Object root, List<String> duplicateKeys, int duplicateCount, boolean trailingData) {
    this.root = root;
    this.duplicateKeys = duplicateKeys;
    this.duplicateCount = duplicateCount;
    this.trailingData = trailingData;
  }

  /** The root value. */
  Object root() {
    return root;
  }

  /** Paths of keys that occurred more than once in their object (the last value was kept), the first ones only. */
  List<String> duplicateKeys() {
    return duplicateKeys;
  }

  /** How many times a key repeated in its object, in the whole document. */
  int duplicateCount() {
    return duplicateCount;
  }

  /** Whether something other than whitespace follows the root value (Python raises "Extra data"). */
  boolean trailingData() {
    return trailingData;
  }

  /**
   * Parses a document. The encoding (UTF-8, UTF-16, UTF-32, with or without BOM) is detected from the bytes, as
   * {@code json.loads(bytes)} does.
   *
   * @throws ScanLimitExceededException when a limit is hit
   * @throws MalformedContentException when the bytes are not JSON
   */
  static JsonTree parse(byte[] bytes, ScanLimits limits) {
    return parse(bytes, limits, MAX_VALUES);
  }

  static JsonTree parse(byte[] bytes, ScanLimits limits, int maxValues) {
    limits.check(LimitType.HEADER_BYTES, bytes.length, "JSON configuration");
    int maxDepth = limits.maxJsonDepth();
    JsonFactory factory =
        JsonFactory.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            // Our own depth check fires first with the right limit type; Jackson's is a backstop.
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxNestingDepth(maxDepth + 1)
                    .maxStringLength(limits.maxStringBytes())
                    .maxNameLength(limits.maxStringBytes())
                    .maxDocumentLength(limits.maxHeaderBytes())
                    .build())
            .build();
    try (JsonParser p = factory.createParser(bytes)) {
      List<String> duplicates = new ArrayList<>();
      Object root = read(p, maxDepth, maxValues, duplicates);
      boolean trailing;
      try {
        trailing = p.nextToken() != null;
      } catch (JsonProcessingException e) {
        trailing = true;
      }
      List<String> shown = new ArrayList<>();
      for (String d : duplicates) {
        if (d != null) {
          shown.add(d);
        }
      }
      return new JsonTree(root, List.copyOf(shown), duplicates.size(), trailing);
    } catch (StreamConstraintsException e) {
      String m = String.valueOf(e.getOriginalMessage());
      if (m.contains("depth")) {
        throw limits.exceeded(LimitType.JSON_DEPTH, -1, "JSON configuration");
      }
      if (m.contains("Document length")) {
        throw limits.exceeded(LimitType.HEADER_BYTES, -1, "JSON configuration");
      }
      throw limits.exceeded(LimitType.STRING_BYTES, -1, "string in JSON configuration");
    } catch (JsonProcessingException e) {
      long offset = e.getLocation() == null ? -1 : Math.max(-1, e.getLocation().getByteOffset());
      throw new MalformedContentException(offset, "not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new MalformedContentException(-1, "not valid JSON: " + e.getMessage(), e);
    }
  }

  /** Most duplicate-key paths recorded (all duplicates still follow Python's last-wins rule). */
  static final int MAX_DUPLICATES_RECORDED = 1000;

  /**
   * A container under construction, with the key its next value goes to and a short label of where it sits in its
   * parent. Full paths are never stored per value: with long keys that would copy the key once per descendant.
   */
  private static final class Frame {
    final Object container;
    final String label;
    String key;

    Frame(Object container, String label) {
      this.container = container;
      this.label = label;
    }
  }

  /** A key as shown in a path: long keys are cut, so paths stay small whatever the document holds. */
  static String shortKey(String key) {
    return key.length() > 40 ? key.substring(0, 40) + "..." : key;
  }

  /** Iterative reader: no Java recursion, so depth is bounded only by the limit, never by the thread stack. */
  private static Object read(JsonParser p, int maxDepth, int maxValues, List<String> duplicates)
      throws IOException {
    Deque<Frame> stack = new ArrayDeque<>();
    int values = 0;
    JsonToken t = p.nextToken();
    if (t == null) {
      throw new MalformedContentException(0, "empty JSON document");
    }
    while (t != null) {
      if (t == JsonToken.FIELD_NAME) {
        Frame f = stack.peek();
        f.key = p.currentName();
        t = p.nextToken();
        continue;
      }
      if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
        Frame done = stack.pop();
        if (stack.isEmpty()) {
          return done.container;
        }
        t = p.nextToken();
        continue;
      }
      if (++values > maxValues) {
        throw new ScanLimitExceededException(
            LimitType.HEADER_BYTES, maxValues, values, "values in JSON configuration");
      }
      Object value;
      boolean container = false;
      switch (t) {
        case START_OBJECT:
          value = new LinkedHashMap<String, Object>();
          container = true;
          break;
        case START_ARRAY:
          value = new ArrayList<Object>();
          container = true;
          break;
        case VALUE_STRING:
          value = p.getText();
          break;
        case VALUE_NUMBER_INT:
        case VALUE_NUMBER_FLOAT:
          value = p.getNumberValue();
          break;
        case VALUE_TRUE:
          value = Boolean.TRUE;
          break;
        case VALUE_FALSE:
          value = Boolean.FALSE;
          break;
        case VALUE_NULL:
          value = NULL;
          break;
        default:
          throw new MalformedContentException(-1, "unexpected JSON token " + t);
      }
      String label = "$";
      if (!stack.isEmpty()) {
        label = add(stack, value, duplicates);
      }
      if (container) {
        if (stack.size() >= maxDepth) {
          throw new ScanLimitExceededException(LimitType.JSON_DEPTH, maxDepth, stack.size() + 1, "JSON nesting");
        }
        stack.push(new Frame(value, label));
      } else if (stack.isEmpty()) {
        return value;
      }
      t = p.nextToken();
    }
    throw new MalformedContentException(-1, "JSON document ends early");
  }

  /** Adds a value to the innermost container; returns the value's label within it. */
  @SuppressWarnings("unchecked")
  private static String add(Deque<Frame> stack, Object value, List<String> duplicates) {
    Frame parent = stack.peek();
    if (parent.container instanceof Map) {
      Map<String, Object> map = (Map<String, Object>) parent.container;
      String key = parent.key;
      // Python's dict keeps the first insertion position but the last value; put() on a present key does the same.
      if (map.containsKey(key)) {
        // the first paths are kept for the report; the null entries only count the rest
        duplicates.add(duplicates.size() < MAX_DUPLICATES_RECORDED ? path(stack) + "." + shortKey(key) : null);
      }
      map.put(key, value);
      return "." + shortKey(key);
    }
    List<Object> list = (List<Object>) parent.container;
    list.add(value);
    return "[" + (list.size() - 1) + "]";
  }

  private static String path(Deque<Frame> stack) {
    StringBuilder sb = new StringBuilder();
    for (java.util.Iterator<Frame> it = stack.descendingIterator(); it.hasNext(); ) {
      sb.append(it.next().label);
    }
    return sb.toString();
  }
}
