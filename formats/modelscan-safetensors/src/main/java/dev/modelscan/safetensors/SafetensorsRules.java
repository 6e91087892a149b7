package dev.modelscan.safetensors;

import dev.modelscan.api.Rule;
import dev.modelscan.api.Severity;
import dev.modelscan.api.ThreatType;
import java.util.List;

/** The rules the SafeTensors scanners report. */
final class SafetensorsRules {

  /** The header length field claims more than any reader should allocate. */
  static final Rule HEADER_TOO_LARGE =
      Rule.of(
          "SAFETENSORS-HEADER-TOO-LARGE",
          "SafeTensors header length is an allocation bomb",
          "The 8-byte header length claims more than the reference reader's 100,000,000-byte maximum. The reference"
              + " reader refuses the file; a reader that trusts the length allocates that many bytes before it"
              + " reads any of them.",
          Severity.HIGH,
          ThreatType.DENIAL_OF_SERVICE);

  /** A tensor's shape asks for more memory than the file could hold, or overflows. */
  static final Rule SHAPE_BOMB =
      Rule.of(
          "SAFETENSORS-SHAPE-BOMB",
          "SafeTensors shape is an allocation bomb",
          "A tensor's shape times its element size overflows 64 bits or exceeds the file's data. The reference"
              + " reader refuses the file; a loader that allocates the tensor from its shape before checking the"
              + " offsets exhausts memory.",
          Severity.HIGH,
          ThreatType.DENIAL_OF_SERVICE);

  /** The header is not what the reference reader accepts. */
  static final Rule INVALID_HEADER =
      Rule.of(
          "SAFETENSORS-INVALID-HEADER",
          "Invalid SafeTensors header",
          "The header is not a JSON object the reference reader accepts (bad length, UTF-8, JSON, types, dtype or"
              + " metadata). The reference reader refuses the file; lenient readers may read something else, so the"
              + " file is not the validated SafeTensors file its name promises.",
          Severity.MEDIUM,
          ThreatType.MALFORMED_CONTENT);

  /** The tensor offsets do not tile the data buffer exactly. */
  static final Rule INVALID_LAYOUT =
      Rule.of(
          "SAFETENSORS-INVALID-LAYOUT",
          "Invalid SafeTensors data layout",
          "Tensor offsets do not cover the data buffer exactly once from byte 0 to the end of the file, or a"
              + " tensor's size disagrees with its shape and dtype. The reference reader refuses the file; lenient"
              + " readers alias or skip bytes.",
          Severity.MEDIUM,
          ThreatType.MALFORMED_CONTENT);

  /** Two tensors share bytes. */
  static final Rule OVERLAPPING_TENSORS =
      Rule.of(
          "SAFETENSORS-OVERLAPPING-TENSORS",
          "Overlapping SafeTensors tensors",
          "Two tensors claim the same bytes. The reference reader refuses the file; a lenient reader gives both"
              + " names the same memory, so writing one silently changes the other.",
          Severity.MEDIUM,
          ThreatType.MALFORMED_CONTENT);

  /** Bytes after the last tensor or between tensors: room for a second format. */
  static final Rule HIDDEN_DATA =
      Rule.of(
          "SAFETENSORS-HIDDEN-DATA",
          "Data outside every SafeTensors tensor",
          "Bytes after the last tensor or between tensors belong to no tensor. The reference reader refuses the"
              + " file, but the bytes are there for any other reader (an appended zip or pickle makes a polyglot);"
              + " they are scanned as nested content.",
          Severity.MEDIUM,
          ThreatType.DISGUISED_CONTENT);

  /** The same key twice: readers disagree on which one counts. */
  static final Rule DUPLICATE_KEY =
      Rule.of(
          "SAFETENSORS-DUPLICATE-KEY",
          "Duplicate key in SafeTensors header",
          "A JSON key appears twice. The SafeTensors format forbids it; serde_json maps and Python's json keep the"
              + " last value, other parsers the first, so two readers of the same file see different tensors.",
          Severity.MEDIUM,
          ThreatType.MALFORMED_CONTENT);

  /** Accepted by the reference reader but not what its writer produces or its README allows. */
  static final Rule NONSTANDARD_HEADER =
      Rule.of(
          "SAFETENSORS-NONSTANDARD-HEADER",
          "Non-standard SafeTensors header",
          "The header does not start with '{', is padded with something other than spaces, or carries fields the"
              + " reader ignores. The reference reader accepts it, but no SafeTensors writer produces it: data hidden"
              + " where readers do not look, or a reader that parses differently.",
          Severity.LOW,
          ThreatType.MALFORMED_CONTENT);

  /** Counts and sizes far beyond real models. */
  static final Rule EXCESSIVE_HEADER =
      Rule.of(
          "SAFETENSORS-EXCESSIVE-HEADER",
          "SafeTensors header beyond sane limits",
          "The header has more tensors, longer names, more dimensions or larger metadata values than any real model."
              + " Every reader builds an index entry per tensor and copies every name: such headers make loaders"
              + " and tools that list them slow or exhaust memory.",
          Severity.MEDIUM,
          ThreatType.DENIAL_OF_SERVICE);

  /** A shard index names a file outside its directory. */
  static final Rule INDEX_PATH_TRAVERSAL =
      Rule.of(
          "SAFETENSORS-INDEX-PATH-TRAVERSAL",
          "Sharded checkpoint index names a file outside its directory",
          "The weight_map of a model.safetensors.index.json names a shard by an absolute path or through '..'."
              + " Loaders join the name to the model directory and open whatever it points to.",
          Severity.HIGH,
          ThreatType.PATH_TRAVERSAL);

  /** A shard index names a file that a loader would not load as SafeTensors. */
  static final Rule INDEX_NOT_SAFETENSORS =
      Rule.of(
          "SAFETENSORS-INDEX-NOT-SAFETENSORS",
          "Sharded checkpoint index names a shard that is not SafeTensors",
          "A shard named by the index does not end in .safetensors or its bytes are not SafeTensors. Loaders pick"
              + " the reader by the shard's name: a .bin shard goes to torch.load, which unpickles it.",
          Severity.HIGH,
          ThreatType.DISGUISED_CONTENT);

  /** A shard index and its shards disagree. */
  static final Rule INDEX_MISMATCH =
      Rule.of(
          "SAFETENSORS-INDEX-MISMATCH",
          "Sharded checkpoint index disagrees with its shards",
          "The index names a shard that is missing, maps a tensor to a shard that lacks it, omits a tensor a shard"
              + " holds, or states a total size the shards do not have. Loaders fail, or take a tensor from a"
              + " different shard than a reviewer of the index expects.",
          Severity.MEDIUM,
          ThreatType.MALFORMED_CONTENT);

  /** The shard index is not what loaders accept. */
  static final Rule INDEX_INVALID =
      Rule.of(
          "SAFETENSORS-INDEX-INVALID",
          "Invalid sharded checkpoint index",
          "The index is not a JSON object whose weight_map maps tensor names to shard file names. Loaders refuse"
              + " it or read it differently.",
          Severity.MEDIUM,
          ThreatType.MALFORMED_CONTENT);

  /** The rules of the file scanner. */
  static final List<Rule> FILE_RULES =
      List.of(
          HEADER_TOO_LARGE,
          SHAPE_BOMB,
          INVALID_HEADER,
          INVALID_LAYOUT,
          OVERLAPPING_TENSORS,
          HIDDEN_DATA,
          DUPLICATE_KEY,
          NONSTANDARD_HEADER,
          EXCESSIVE_HEADER);

  /** The rules of the index scanner. */
  static final List<Rule> INDEX_RULES =
      List.of(INDEX_PATH_TRAVERSAL, INDEX_NOT_SAFETENSORS, INDEX_MISMATCH, INDEX_INVALID, DUPLICATE_KEY);

  private SafetensorsRules() {}
}
