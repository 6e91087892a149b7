package dev.modelscan.safetensors;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.google.auto.service.AutoService;
import dev.modelscan.api.LimitType;
import dev.modelscan.api.ModelScanVersion;
import dev.modelscan.api.Rule;
import dev.modelscan.api.ScanLimits;
import dev.modelscan.api.Severity;
import dev.modelscan.api.io.ByteSource;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.api.spi.Recognition;
import dev.modelscan.api.spi.ScanContext;
import dev.modelscan.api.spi.ScannerDescriptor;
import dev.modelscan.api.spi.SiblingFile;
import dev.modelscan.api.spi.SiblingFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks the index of a sharded checkpoint ({@code model.safetensors.index.json}, as written by Hugging Face
 * transformers): a JSON object whose {@code weight_map} maps each tensor name to the shard file that holds it.
 *
 * <p>Loaders join each shard name to the index's directory and open it, choosing the reader by the name: a shard
 * ending in {@code .safetensors} goes to the SafeTensors reader, anything else to {@code torch.load}, which
 * unpickles. So the index decides which files are opened and how. This scanner reports shard names that escape the
 * directory (absolute paths, {@code ..}, symbolic links out), shards of a SafeTensors index that are not SafeTensors
 * by name or by content, missing shards, and disagreements between the index and the shards' own headers (a tensor
 * the shard lacks, a tensor the index does not list or maps elsewhere, a wrong {@code total_size}).
 *
 * <p>Shards are found through {@link ScanContext#siblings()}, which exists only for an index scanned from a folder (a
 * local one or one on a Hadoop file system) at depth 0; otherwise the shard checks are skipped and the result is
 * partial. Names are never followed outside the
 * index's directory. Only shard headers are read, each under the same bounds as {@link SafetensorsScanner}; their
 * findings belong to the shards' own scans, this scanner reports only whether the index and the shards agree.
 *
 * <p>Stateless and thread-safe.
 */
@AutoService(ModelScanner.class)
public final class SafetensorsIndexScanner implements ModelScanner {

  // Compiled once: String.split with a pattern of more than one character compiles a regex on every call, and this
  // runs for every member name, in code a short CLI run mostly interprets.
  private static final Pattern SEPARATORS = Pattern.compile("[/\\\\]");

  /** The format id this scanner claims. */
  static final String FORMAT = "safetensors-index";

  private static final String SAFETENSORS_SUFFIX = ".safetensors";

  private static final byte[] WEIGHT_MAP_KEY = "\"weight_map\"".getBytes(StandardCharsets.US_ASCII);

  private static final int DEADLINE_EVERY = 1024;

  private static final ScannerDescriptor DESCRIPTOR =
      ScannerDescriptor.of(
          "safetensors-index",
          ModelScanVersion.current(),
          "Checks sharded checkpoint indexes (model.safetensors.index.json) against the shards they name.",
          List.of(FORMAT),
          // No extensions: .json belongs to many formats, and the engine reports every .json file another scanner
          // claims as a name/content mismatch against the scanners that list it.
          List.of());

  private final HeaderReader.Policy policy;

  /** Creates the scanner with the default sanity bounds; used by the service loader. */
  public SafetensorsIndexScanner() {
    this(HeaderReader.Policy.DEFAULT);
  }

  /** Creates the scanner with other sanity bounds (the most weight_map entries is {@code maxTensors}). */
  SafetensorsIndexScanner(HeaderReader.Policy policy) {
    this.policy = policy;
  }

  @Override
  public ScannerDescriptor descriptor() {
    return DESCRIPTOR;
  }

  /**
   * Claims a JSON object that has a {@code "weight_map"} key in its first bytes ({@link Recognition#STRONG}), or,
   * weakly, a JSON object named {@code *.safetensors.index.json}.
   */
  @Override
  public Recognition recognize(ContentHead head) {
    int i = 0;
    while (i < head.headLength() && isJsonWhitespace(head.headByte(i))) {
      i++;
    }
    if (i >= head.headLength() || head.headByte(i) != '{') {
      return Recognition.none();
    }
    for (int at = i; at + WEIGHT_MAP_KEY.length <= head.headLength(); at++) {
      if (head.startsWith(at, WEIGHT_MAP_KEY)) {
        return Recognition.of(FORMAT, Recognition.STRONG);
      }
    }
    if (head.name().endsWith(".safetensors.index.json")) {
      return Recognition.of(FORMAT, Recognition.WEAK);
    }
    return Recognition.none();
  }

  private static boolean isJsonWhitespace(int b) {
    return b == ' ' || b == '\t' || b == '\n' || b == '\r';
  }

  @Override
  public void scan(ScanContext ctx) throws IOException {
    ScanLimits limits = ctx.limits();
    long size = ctx.source().size();
    limits.check(LimitType.HEADER_BYTES, size, "sharded checkpoint index");
    Outcome out = new Outcome();
    Index index = parse(ctx, size, out);
    if (index != null) {
      checkShards(ctx, index, out);
    }
    out.reportTo(ctx);
  }

  @Override
  public List<Rule> rules() {
    return SafetensorsRules.INDEX_RULES;
  }

  /** What the index says: tensor to shard, in file order, and the stated total size (or -1). */
  private static final class Index {
    final Map<String, String> weightMap = new LinkedHashMap<>();
    long totalSize = -1;
  }

  private Index parse(ScanContext ctx, long size, Outcome out) throws IOException {
    ScanLimits limits = ctx.limits();
    StreamReadConstraints constraints =
        StreamReadConstraints.builder()
            .maxNestingDepth(limits.maxJsonDepth())
            .maxStringLength(limits.maxStringBytes())
            .maxNameLength(limits.maxStringBytes())
            .maxDocumentLength(Math.max(1, size))
            .build();
    JsonFactory factory =
        JsonFactory.builder()
            .streamReadConstraints(constraints)
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .build();
    Index index = new Index();
    boolean weightMapSeen = false;
    try (InputStream in = ctx.source().openStream();
        JsonParser p = factory.createParser(in)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        invalid(out, 0, "the index is not a JSON object: loaders refuse it");
        return null;
      }
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        long at = p.currentTokenLocation().getByteOffset();
        t = p.nextToken();
        if ("weight_map".equals(key)) {
          if (weightMapSeen) {
            out.problem(
                SafetensorsRules.DUPLICATE_KEY,
                at,
                "\"weight_map\" appears twice: Python's json (transformers) keeps the second, serde (the safetensors"
                    + " crate) refuses the index, other parsers keep the first");
            index.weightMap.clear();
          }
          weightMapSeen = true;
          if (t != JsonToken.START_OBJECT) {
            invalid(out, at, "\"weight_map\" is not an object mapping tensor names to shard files");
            p.skipChildren();
            continue;
          }
          weightMap(ctx, p, index, out);
        } else if ("metadata".equals(key) && t == JsonToken.START_OBJECT) {
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            if ("total_size".equals(field) && v == JsonToken.VALUE_NUMBER_INT && !p.getText().startsWith("-")
                && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
              index.totalSize = p.getLongValue();
            } else {
              p.skipChildren();
            }
          }
        } else {
          p.skipChildren();
        }
      }
      if (p.nextToken() != null) {
        invalid(out, p.currentTokenLocation().getByteOffset(), "the index has content after its JSON object");
        return null;
      }
    } catch (StreamConstraintsException e) {
      String message = e.getOriginalMessage();
      boolean depth = message != null && message.contains("NestingDepth");
      throw limits.exceeded(
          depth ? LimitType.JSON_DEPTH : LimitType.STRING_BYTES,
          -1,
          "sharded checkpoint index");
    } catch (JsonProcessingException e) {
      invalid(
          out,
          Math.max(0, e.getLocation() == null ? 0 : e.getLocation().getByteOffset()),
          "the index is not valid JSON (" + e.getOriginalMessage() + "): loaders refuse it");
      return null;
    } catch (java.io.CharConversionException e) {
      // Jackson guesses UTF-16/32 from NUL bytes at the start; bytes that do not decode in the guessed encoding are
      // malformed content, not a scanner failure (found by fuzzing: a '{' followed by NULs).
      invalid(out, 0, "the index is not decodable text (" + e.getMessage() + "): loaders refuse it");
      return null;
    }
    if (!weightMapSeen) {
      invalid(out, 0, "the index has no \"weight_map\": loaders refuse it");
      return null;
    }
    return index;
  }

  private void weightMap(ScanContext ctx, JsonParser p, Index index, Outcome out) throws IOException {
    Set<String> seen = new HashSet<>();
    int entries = 0;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String tensor = p.currentName();
      long at = p.currentTokenLocation().getByteOffset();
      if (++entries % DEADLINE_EVERY == 0) {
        ctx.checkDeadline();
      }
      if (entries > policy.maxTensors()) {
        out.problem(
            SafetensorsRules.EXCESSIVE_HEADER,
            at,
            "the weight_map has more than " + policy.maxTensors() + " entries; the rest was not checked");
        out.incomplete("stopped after " + policy.maxTensors() + " weight_map entries");
        p.skipChildren();
        return;
      }
      JsonToken v = p.nextToken();
      if (v != JsonToken.VALUE_STRING) {
        invalid(
            out,
            at,
            "weight_map entry " + HeaderReader.show(tensor) + " is not a shard file name: loaders refuse the index");
        p.skipChildren();
        continue;
      }
      if (!seen.add(tensor)) {
        out.problem(
            SafetensorsRules.DUPLICATE_KEY,
            at,
            "tensor "
                + HeaderReader.show(tensor)
                + " appears twice in the weight_map: Python's json (transformers) keeps the last shard ("
                + HeaderReader.show(p.getText())
                + "), other parsers the first ("
                + HeaderReader.show(index.weightMap.get(tensor))
                + ")");
      }
      index.weightMap.put(tensor, p.getText());
    }
  }

  private static void invalid(Outcome out, long at, String message) {
    out.problem(SafetensorsRules.INDEX_INVALID, at, message);
    out.incomplete("not a valid sharded checkpoint index: " + message);
  }

  /** Why a shard name escapes the index's directory, or null when it stays inside. */
  static String escape(String name) {
    if (name.isEmpty()) {
      return "is empty";
    }
    if (name.indexOf('\0') >= 0) {
      return "contains a NUL character";
    }
    if (name.startsWith("/") || name.startsWith("\\")) {
      return "is an absolute path";
    }
    if (name.length() >= 2 && name.charAt(1) == ':' && Character.isLetter(name.charAt(0))) {
      return "starts with a drive letter (an absolute path on Windows)";
    }
    for (String segment : SEPARATORS.split(name, -1)) {
      if (segment.equals("..")) {
        return "climbs out of the model directory with '..'";
      }
    }
    return null;
  }

  private void checkShards(ScanContext ctx, Index index, Outcome out) throws IOException {
    Map<String, List<String>> shards = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : index.weightMap.entrySet()) {
      shards.computeIfAbsent(e.getValue(), k -> new ArrayList<>()).add(e.getKey());
    }
    boolean safetensorsIndex =
        ctx.name().endsWith(".safetensors.index.json")
            || shards.keySet().stream().anyMatch(s -> s.endsWith(SAFETENSORS_SUFFIX));
    Map<String, String> safeNames = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> e : shards.entrySet()) {
      String shard = e.getKey();
      String tensors = describeTensors(e.getValue());
      String why = escape(shard);
      if (why != null) {
        out.problem(
            SafetensorsRules.INDEX_PATH_TRAVERSAL,
            -1,
            "the index maps "
                + tensors
                + " to "
                + HeaderReader.show(shard)
                + ", which "
                + why
                + ": a loader joins it to the model directory and opens a file outside the model");
        continue;
      }
      if (safetensorsIndex && !shard.endsWith(SAFETENSORS_SUFFIX)) {
        out.problem(
            SafetensorsRules.INDEX_NOT_SAFETENSORS,
            -1,
            "the SafeTensors index maps "
                + tensors
                + " to "
                + HeaderReader.show(shard)
                + ", which does not end in .safetensors: transformers loads such a shard with torch.load, which"
                + " unpickles it and runs any code a pickle carries");
      }
      safeNames.put(shard, tensors);
    }
    Optional<SiblingFiles> siblings = ctx.siblings();
    if (siblings.isEmpty()) {
      if (!safeNames.isEmpty()) {
        out.incomplete(
            "the shards named by the index were not checked against it: the index was not scanned as a file on"
                + " disk, so its sibling files cannot be found");
      }
      return;
    }
    long totalBytes = 0;
    boolean allShardsRead = true;
    for (Map.Entry<String, String> e : safeNames.entrySet()) {
      ctx.checkDeadline();
      String shard = e.getKey();
      // The view joins the name to the index's folder as a loader does, and refuses what leaves the model.
      SiblingFile file = siblings.get().find(shard);
      if (file.kind() == SiblingFile.Kind.OUTSIDE) {
        // escape() already refused every name that could get here; kept so that no path outside is ever opened.
        out.problem(SafetensorsRules.INDEX_PATH_TRAVERSAL, -1, HeaderReader.show(shard) + " resolves outside");
        allShardsRead = false;
        continue;
      }
      if (file.kind() == SiblingFile.Kind.MISSING) {
        out.problem(
            SafetensorsRules.INDEX_MISMATCH,
            -1,
            "the index maps "
                + e.getValue()
                + " to "
                + HeaderReader.show(shard)
                + ", which is not in the index's directory: loading fails, or picks up whatever file is put there"
                + " later");
        allShardsRead = false;
        continue;
      }
      if (file.kind() == SiblingFile.Kind.LINKED_OUTSIDE) {
        out.problem(
            SafetensorsRules.INDEX_PATH_TRAVERSAL,
            -1,
            "shard "
                + HeaderReader.show(shard)
                + " is a symbolic link to a file outside the model directory: a loader opens that file instead");
        allShardsRead = false;
        continue;
      }
      if (!file.isFile()) {
        String special = file.description();
        // Never opened: opening a FIFO blocks until a writer comes, a device never ends. A loader opens it all the
        // same, and hangs, reads the device into tensors, or fails: the checkpoint is not what the index promises.
        out.problem(
            SafetensorsRules.INDEX_NOT_SAFETENSORS,
            -1,
            "the index maps "
                + e.getValue()
                + " to "
                + HeaderReader.show(shard)
                + ", which is "
                + special
                + ", not a file: a loader that opens it blocks, reads whatever the device gives, or fails; it was not"
                + " opened");
        out.incomplete("shard " + HeaderReader.show(shard) + " is " + special + " and was not read");
        allShardsRead = false;
        continue;
      }
      if (!shard.endsWith(SAFETENSORS_SUFFIX)) {
        // Not a SafeTensors shard: it has its own format and its own scan; nothing to compare here.
        allShardsRead = false;
        continue;
      }
      long bytes = compare(ctx, index, shard, shards.get(shard), siblings.get(), file, out);
      if (bytes < 0) {
        allShardsRead = false;
      } else {
        totalBytes += bytes;
      }
    }
    if (allShardsRead && index.totalSize >= 0 && index.totalSize != totalBytes) {
      out.problem(
          SafetensorsRules.INDEX_MISMATCH,
          Severity.LOW,
          -1,
          "metadata.total_size says "
              + index.totalSize
              + " bytes but the shards' tensors hold "
              + totalBytes
              + ": the index was not written for these shards");
    }
  }

  /** Compares one SafeTensors shard with the index; returns its tensors' total byte size, or -1 when unreadable. */
  private long compare(
      ScanContext ctx,
      Index index,
      String shard,
      List<String> mapped,
      SiblingFiles siblings,
      SiblingFile file,
      Outcome out)
      throws IOException {
    try (ByteSource source = siblings.open(file)) {
      int headLength = (int) Math.min(source.size(), ContentHead.HEAD_SIZE);
      ContentHead head = ContentHead.of(source.readBytes(0, headLength), new byte[0], source.size(), shard);
      // No bytes of a shard go into a message, only its name and size: a shard can be a hard link to any file the
      // scan may read (a key, a token file), and reports end up in CI logs. Its own scan reports its content.
      if (HeaderReader.recognize(head, FORMAT).confidence() < Recognition.PROBABLE) {
        out.problem(
            SafetensorsRules.INDEX_NOT_SAFETENSORS,
            -1,
            "shard "
                + HeaderReader.show(shard)
                + " is named .safetensors but its bytes are not SafeTensors ("
                + source.size()
                + " bytes): the safetensors reader refuses it, and a tool that trusts the name never looks inside;"
                + " scan the shard on its own");
        return -1;
      }
      Outcome shardOutcome = HeaderReader.read(source, ctx.limits(), policy, ctx::checkDeadline);
      if (!shardOutcome.headerRead() || shardOutcome.refused()) {
        out.problem(
            SafetensorsRules.INDEX_MISMATCH,
            -1,
            "shard "
                + HeaderReader.show(shard)
                + " is not a valid SafeTensors file: loading the checkpoint fails; scan the shard for details");
        if (!shardOutcome.headerRead()) {
          out.incomplete("shard " + HeaderReader.show(shard) + " could not be compared with the index");
          return -1;
        }
      }
      long bytes = 0;
      Set<String> names = new HashSet<>();
      int count = 0;
      for (Tensor t : shardOutcome.tensors()) {
        if (++count % DEADLINE_EVERY == 0) {
          ctx.checkDeadline();
        }
        names.add(t.name());
        long size = t.byteSize();
        bytes += Math.max(0, size);
        String mappedTo = index.weightMap.get(t.name());
        if (mappedTo == null) {
          out.problem(
              SafetensorsRules.INDEX_MISMATCH,
              -1,
              "shard "
                  + HeaderReader.show(shard)
                  + " holds tensor "
                  + HeaderReader.show(t.name())
                  + ", which the index does not list: loaders that read whole shards load it unseen by anyone who"
                  + " reviews the index");
        } else if (!mappedTo.equals(shard)) {
          out.problem(
              SafetensorsRules.INDEX_MISMATCH,
              -1,
              "shard "
                  + HeaderReader.show(shard)
                  + " holds tensor "
                  + HeaderReader.show(t.name())
                  + ", which the index maps to "
                  + HeaderReader.show(mappedTo)
                  + ": which copy a loader ends up with depends on the order it reads shards");
        }
      }
      for (String tensor : mapped) {
        if (!names.contains(tensor)) {
          out.problem(
              SafetensorsRules.INDEX_MISMATCH,
              -1,
              "the index maps tensor "
                  + HeaderReader.show(tensor)
                  + " to "
                  + HeaderReader.show(shard)
                  + ", which does not hold it: loading fails or leaves the tensor uninitialised");
        }
      }
      return bytes;
    }
  }



  private static String describeTensors(List<String> tensors) {
    String first = HeaderReader.show(tensors.get(0));
    return tensors.size() == 1 ? "tensor " + first : tensors.size() + " tensors (" + first + ", ...)";
  }
}
