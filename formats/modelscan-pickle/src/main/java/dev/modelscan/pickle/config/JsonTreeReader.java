package dev.modelscan.pickle.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Reads a JSON config into a {@link ConfigNode} tree with jackson-core's streaming parser under explicit limits
 * (nesting depth, string and name length, document length), keeping duplicate keys (Python's {@code json} keeps the
 * last, other readers the first; both are analysed). Nodes are attached as they are read, so a parse error leaves the
 * tree read so far.
 */
final class JsonTreeReader {

  private JsonTreeReader() {}

  /** Why the read stopped. */
  static final class JsonProblem extends Exception {
    private static final long serialVersionUID = 1L;

    final long offset;
    final boolean limit;

    JsonProblem(long offset, String message, boolean limit, Throwable cause) {
      super(message, cause);
      this.offset = offset;
      this.limit = limit;
    }
  }

  /**
   * Reads one JSON document.
   *
   * @param bytes the content (UTF-8, UTF-16 or UTF-32; jackson detects which)
   * @param maxDepth the deepest nesting allowed
   * @param maxString the longest string allowed, in characters
   * @param deadline called every few thousand tokens
   * @param root receives the root as soon as it is known; filled in place afterwards
   * @throws JsonProblem when the JSON is malformed or exceeds a limit
   */
  static void read(
      byte[] bytes,
      int maxDepth,
      int maxString,
      Runnable deadline,
      java.util.function.Consumer<ConfigNode> root)
      throws JsonProblem {
    StreamReadConstraints constraints =
        StreamReadConstraints.builder()
            .maxNestingDepth(maxDepth)
            .maxStringLength(Math.max(1, maxString))
            .maxNameLength(Math.max(1, Math.min(maxString, 1 << 20)))
            .maxDocumentLength(bytes.length + 1L)
            .build();
    JsonFactory factory = JsonFactory.builder().streamReadConstraints(constraints).build();
    Deque<ConfigNode> stack = new ArrayDeque<>();
    String pendingName = null;
    long tokens = 0;
    try (JsonParser p = factory.createParser(bytes)) {
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        if ((++tokens & 0xFFF) == 0) {
          deadline.run();
        }
        long offset = p.currentTokenLocation().getByteOffset();
        if (t == JsonToken.FIELD_NAME) {
          pendingName = p.currentName();
          ConfigNode.MapNode m = (ConfigNode.MapNode) stack.peek();
          m.keys.add(new ConfigNode.Scalar(offset, pendingName));
          m.values.add(null);
          continue;
        }
        if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
          stack.pop();
          continue;
        }
        ConfigNode node;
        switch (t) {
          case START_OBJECT -> node = new ConfigNode.MapNode(offset);
          case START_ARRAY -> node = new ConfigNode.Seq(offset);
          case VALUE_NULL -> node = new ConfigNode.Scalar(offset, null);
          default -> node = new ConfigNode.Scalar(offset, p.getText());
        }
        ConfigNode parent = stack.peek();
        if (parent == null) {
          root.accept(node);
        } else if (parent instanceof ConfigNode.MapNode) {
          ConfigNode.MapNode m = (ConfigNode.MapNode) parent;
          m.values.set(m.values.size() - 1, node);
        } else {
          ((ConfigNode.Seq) parent).items.add(node);
        }
        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
          stack.push(node);
        }
        if (stack.isEmpty()) {
          // One value per document: json.loads rejects anything but white space after it.
          JsonToken extra = p.nextToken();
          if (extra != null) {
            throw new JsonProblem(p.currentTokenLocation().getByteOffset(), "content after the JSON value", false,
                null);
          }
          return;
        }
      }
      if (!stack.isEmpty()) {
        throw new JsonProblem(bytes.length, "the JSON ends inside an object or array", false, null);
      }
    } catch (StreamConstraintsException e) {
      throw new JsonProblem(-1, e.getOriginalMessage(), true, e);
    } catch (JsonParseException e) {
      throw new JsonProblem(
          e.getLocation() == null ? -1 : e.getLocation().getByteOffset(), e.getOriginalMessage(), false, e);
    } catch (IOException e) {
      throw new JsonProblem(-1, e.getMessage(), false, e);
    }
  }
}
