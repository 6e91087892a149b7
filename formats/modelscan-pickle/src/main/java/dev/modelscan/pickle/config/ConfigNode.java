package dev.modelscan.pickle.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The tree of a JSON or YAML config as the analysis needs it: mappings (every key kept in order, repeated keys
 * included, since loaders disagree on which one wins), sequences, scalars (decoded text) and aliases, each with its
 * YAML tag and the character offset where it starts. Containers are attached to their parent before they are filled,
 * so that a parse that stops on malformed input leaves everything read so far for the analysis.
 */
abstract class ConfigNode {

  /** Character offset of the node in the decoded text (JSON: byte offset of the token). */
  final long offset;

  /** The YAML tag written on the node ({@code !!python/object:os.system}, {@code !custom}), or null. */
  String tag;

  ConfigNode(long offset) {
    this.offset = offset;
  }

  /** A scalar: its decoded text, or null for a YAML null / JSON null. */
  static final class Scalar extends ConfigNode {
    final String value;

    Scalar(long offset, String value) {
      super(offset);
      this.value = value;
    }
  }

  /** A sequence. */
  static final class Seq extends ConfigNode {
    final List<ConfigNode> items = new ArrayList<>();

    Seq(long offset) {
      super(offset);
    }
  }

  /** A mapping: keys and values by position; a key whose value is still being read has a null value. */
  static final class MapNode extends ConfigNode {
    final List<ConfigNode> keys = new ArrayList<>();
    final List<ConfigNode> values = new ArrayList<>();

    MapNode(long offset) {
      super(offset);
    }

    /** The text of key {@code i} when it is a scalar, else null. */
    String keyText(int i) {
      ConfigNode k = keys.get(i);
      return k instanceof Scalar ? ((Scalar) k).value : null;
    }
  }

  /** A YAML alias ({@code *name}): a reference to an anchored node, not expanded. */
  static final class Alias extends ConfigNode {
    final String name;

    Alias(long offset, String name) {
      super(offset);
      this.name = name;
    }
  }
}
