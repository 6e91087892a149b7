package dev.modelscan.h5;

import com.google.auto.service.AutoService;
import dev.modelscan.api.LimitType;
import dev.modelscan.api.MalformedContentException;
import dev.modelscan.api.ModelScanVersion;
import dev.modelscan.api.Rule;
import dev.modelscan.api.ScanLimitExceededException;
import dev.modelscan.api.StandardRules;
import dev.modelscan.api.io.ByteSource;
import dev.modelscan.h5.settings.Hdf5Limit;
import dev.modelscan.h5.settings.Hdf5Settings;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.MemberKind;
import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.api.spi.Recognition;
import dev.modelscan.api.spi.ScanContext;
import dev.modelscan.api.spi.ScannerDescriptor;
import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.api.dataset.ContiguousDataset;
import io.jhdf.exceptions.HdfFilterException;
import io.jhdf.filter.PipelineFilterWithData;
import io.jhdf.links.ExternalLink;
import io.jhdf.object.datatype.DataType;
import io.jhdf.object.datatype.StringData;
import io.jhdf.object.datatype.VariableLength;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Scans HDF5 files, including Keras 2 legacy {@code .h5} models and the {@code model.weights.h5} of Keras 3
 * archives, without libhdf5 and without reading any dataset data.
 *
 * <p>What it does:
 *
 * <ul>
 *   <li>Finds the superblock signature at 0, 512, 1024, 2048 &hellip; and hands the user block before it back for
 *       scanning by content (a pickle or zip hidden there is found by its own scanner).
 *   <li>Reads the root attributes Keras loads ({@code model_config}, {@code training_config}, and split {@code
 *       model_config0}, {@code model_config1} &hellip; concatenated), each bounded by {@code maxStringBytes}, and
 *       analyses them as Keras configurations.
 *   <li>Walks every group and dataset header by hard links (cycle-safe, bounded by {@code maxHdf5Objects}
 *       objects and the deadline): reports external links (never followed), external data files and virtual
 *       datasets (never read), datasets whose declared size dwarfs their stored size (shape bombs) and unknown
 *       filter ids (libhdf5 would load a native plugin).
 * </ul>
 *
 * <p>jHDF reads the content from memory: a file on disk is memory-mapped (up to 2 GiB); nested content (the
 * {@code model.weights.h5} of a {@code .keras}) is copied to the heap up to {@link #MAX_IN_MEMORY_BYTES} or an eighth
 * of the heap, whichever is less, and larger nested content is spooled to a temporary file that is memory-mapped in
 * turn, so that its size is bounded by {@code maxMemberBytes} (which does change it) and never by the heap. In memory,
 * jHDF's reads are views of the buffer, so a hostile size field fails with an exception instead of allocating.
 * Files above 2 GiB are read through jHDF's file channel, where a hostile size field can make it allocate up to
 * 2 GiB; that case catches {@link OutOfMemoryError} and marks the result partial. Every jHDF call is wrapped: what it
 * throws becomes a finding and a partial status.
 *
 * @since 0.1
 */
@AutoService(ModelScanner.class)
public final class Hdf5Scanner implements ModelScanner {

  /**
   * Nested HDF5 content up to this size (256 MiB), and at most an eighth of the heap, is copied into memory for jHDF;
   * larger content is spooled to a temporary file and memory-mapped from there.
   */
  public static final long MAX_IN_MEMORY_BYTES = 256L << 20;

  /** The in-memory bound of this instance: {@link #MAX_IN_MEMORY_BYTES} or an eighth of the heap, whichever is less. */
  private final long inMemoryBytes;

  /** Declared sizes below this (1 GiB) are never called a shape bomb, whatever the ratio. */
  static final long SHAPE_BOMB_MIN_BYTES = 1L << 30;

  /** Declared-to-stored ratio above which a large dataset is a shape bomb (Keras 3.16 uses 1000 as well). */
  static final long SHAPE_BOMB_RATIO = 1000;

  /**
   * Filter ids libhdf5 has built in (1-6) and the registered plugins that ship with h5py/hdf5plugin. Anything else
   * is loaded from HDF5_PLUGIN_PATH as native code by libhdf5.
   */
  static final Set<Integer> KNOWN_FILTERS =
      Set.of(1, 2, 3, 4, 5, 6, 307, 32000, 32001, 32004, 32008, 32013, 32015, 32017, 32018, 32024, 32025, 32026);

  private static final java.util.regex.Pattern FILTER_ID = java.util.regex.Pattern.compile("id=(\\d+)");

  private static final byte[] SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1A, '\n'};

  private static final ScannerDescriptor DESCRIPTOR =
      ScannerDescriptor.of(
          "hdf5",
          ModelScanVersion.current(),
          "HDF5 and Keras 2 .h5 models: Lambda layers and callable references in model_config, external links and"
              + " storage, shape bombs, user-block payloads",
          List.of("hdf5", "keras-h5"),
          List.of("h5", "hdf5", "he5"));

  /** Creates the scanner; it holds no state but its in-memory bound, taken from the heap. */
  public Hdf5Scanner() {
    this(Math.min(MAX_IN_MEMORY_BYTES, Runtime.getRuntime().maxMemory() / 8));
  }

  /** Creates the scanner with another in-memory bound for nested content (tests spool small content with it). */
  Hdf5Scanner(long inMemoryBytes) {
    this.inMemoryBytes = inMemoryBytes;
  }

  @Override
  public ScannerDescriptor descriptor() {
    return DESCRIPTOR;
  }

  @Override
  public List<Rule> rules() {
    List<Rule> rules = new ArrayList<>(KerasRules.HDF5);
    rules.addAll(KerasRules.KERAS);
    return List.copyOf(rules);
  }

  @Override
  public Recognition recognize(ContentHead head) {
    for (long off = 0; off + SIGNATURE.length <= head.headLength(); off = off == 0 ? 512 : off * 2) {
      if (head.startsWith((int) off, SIGNATURE)) {
        // At 0 nothing else is plausible; behind a user block the leading bytes may be another format too.
        return Recognition.of("hdf5", off == 0 ? Recognition.CERTAIN : Recognition.STRONG);
      }
    }
    return Recognition.none();
  }

  @Override
  public void scan(ScanContext ctx) throws IOException {
    ByteSource src = ctx.source();
    long sig = findSignature(ctx, src);
    if (sig < 0) {
      throw new MalformedContentException(0, "no HDF5 superblock signature at 0, 512, 1024, ...");
    }
    if (sig > 0) {
      userBlock(ctx, src, sig);
    }
    Optional<Path> file = ctx.inputFile();
    if (file.isPresent() && Files.size(file.get()) == src.size() && src.size() <= Integer.MAX_VALUE) {
      ByteBuffer mapped;
      try (FileChannel ch = FileChannel.open(file.get(), StandardOpenOption.READ)) {
        mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, src.size());
      }
      open(ctx, () -> HdfFile.fromByteBuffer(mapped), src.size() - sig);
    } else if (file.isPresent() && Files.size(file.get()) == src.size()) {
      Path p = file.get();
      open(ctx, () -> new HdfFile(p), src.size() - sig);
    } else if (src.size() <= inMemoryBytes) {
      byte[] bytes = src.readBytes(0, (int) src.size());
      open(ctx, () -> HdfFile.fromBytes(bytes), src.size() - sig);
    } else {
      spooled(ctx, src, sig);
    }
  }

  /**
   * Scans nested content too large for the heap from a temporary copy: memory-mapped like an input file (so jHDF's
   * reads stay views and a hostile size field cannot make it allocate), or through jHDF's file channel above 2 GiB.
   * A copy instead of a "limit reached": the member is already bounded by {@code maxMemberBytes}, and a {@code .keras}
   * with 300 MB of weights is an ordinary model, not an attack.
   */
  private static void spooled(ScanContext ctx, ByteSource src, long sig) throws IOException {
    Path tmp = Files.createTempFile("modelscan-hdf5-", ".h5");
    try {
      byte[] chunk = new byte[1 << 20];
      try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        for (long pos = 0; pos < src.size(); ) {
          ctx.checkDeadline();
          int n = (int) Math.min(chunk.length, src.size() - pos);
          src.readFully(pos, chunk, 0, n);
          ByteBuffer b = ByteBuffer.wrap(chunk, 0, n);
          while (b.hasRemaining()) {
            out.write(b);
          }
          pos += n;
        }
      }
      if (src.size() <= Integer.MAX_VALUE) {
        ByteBuffer mapped;
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.READ)) {
          mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, src.size());
        }
        open(ctx, () -> HdfFile.fromByteBuffer(mapped), src.size() - sig);
      } else {
        open(ctx, () -> new HdfFile(tmp), src.size() - sig);
      }
    } finally {
      try {
        // On Linux and macOS a mapped file can be deleted at once; the mapping lives until it is collected.
        Files.deleteIfExists(tmp);
      } catch (IOException e) {
        // Windows refuses to delete a file that is still mapped: the only case left to the JVM's exit.
        tmp.toFile().deleteOnExit();
      }
    }
  }

  /** Opens jHDF lazily so that its exceptions are handled in one place. */
  private interface Opener {
    HdfFile open();
  }

  private static void open(ScanContext ctx, Opener opener, long contentSize) {
    try (HdfFile hdf = opener.open()) {
      new Walk(ctx, hdf, contentSize).run();
    } catch (ScanLimitExceededException | MalformedContentException e) {
      throw e;
    } catch (OutOfMemoryError e) {
      // On the file-channel path (> 2 GiB on disk) jHDF allocates what a size field claims; on every path it keeps the
      // children of each group walked, so a walk of very many objects on a small heap ends here too.
      ctx.markPartial("HDF5 structure needs more memory than is available: " + e.getMessage());
      ctx.report(
          ctx.finding(StandardRules.LIMIT_REACHED)
              .message(
                  "HDF5 structure needs more memory than the heap has (a huge allocation, or too many objects for"
                      + " this heap); give the JVM more heap or lower maxHdf5Objects")
              .build());
    } catch (StackOverflowError e) {
      // jHDF follows B-tree and heap addresses recursively; a cycle in them recurses until the stack ends.
      malformed(ctx, "HDF5 structure is cyclic or too deep to read");
    } catch (RuntimeException e) {
      malformed(ctx, "HDF5 file could not be read: " + describe(e));
    }
  }

  static void malformed(ScanContext ctx, String message) {
    ctx.report(ctx.finding(StandardRules.MALFORMED_CONTENT).message(message).build());
    ctx.markPartial(message);
  }

  static String describe(Throwable e) {
    StringBuilder sb = new StringBuilder();
    Set<Throwable> seen = new HashSet<>();
    for (Throwable t = e; t != null && seen.add(t) && seen.size() <= 5; t = t.getCause()) {
      if (sb.length() > 0) {
        sb.append(" <- ");
      }
      sb.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
    }
    return sb.length() > 500 ? sb.substring(0, 500) + "..." : sb.toString();
  }

  /** The superblock signature's offset, searched where libhdf5 searches it, or -1. */
  static long findSignature(ScanContext ctx, ByteSource src) throws IOException {
    byte[] buf = new byte[SIGNATURE.length];
    for (long off = 0; off + SIGNATURE.length <= src.size(); off = off == 0 ? 512 : off * 2) {
      ctx.checkDeadline();
      src.readFully(off, buf, 0, buf.length);
      if (java.util.Arrays.equals(buf, SIGNATURE)) {
        return off;
      }
    }
    return -1;
  }

  /** Hands a non-empty user block back for content dispatch: it is where polyglot payloads live. */
  private static void userBlock(ScanContext ctx, ByteSource src, long length) throws IOException {
    byte[] chunk = new byte[64 * 1024];
    boolean zero = true;
    for (long pos = 0; pos < length && zero; pos += chunk.length) {
      ctx.checkDeadline();
      int n = (int) Math.min(chunk.length, length - pos);
      src.readFully(pos, chunk, 0, n);
      for (int i = 0; i < n; i++) {
        if (chunk[i] != 0) {
          zero = false;
          break;
        }
      }
    }
    if (!zero) {
      ctx.scanMember("user-block", src.slice(0, length), MemberKind.CONTENT);
    }
  }

  /** One walk over one open file. */
  private static final class Walk {
    private final ScanContext ctx;
    private final HdfFile hdf;
    private final int maxObjects;
    private final long contentSize;
    private int objects;

    Walk(ScanContext ctx, HdfFile hdf, long contentSize) {
      this.ctx = ctx;
      this.hdf = hdf;
      this.contentSize = contentSize;
      this.maxObjects = Hdf5Settings.of(ctx).maxHdf5Objects();
    }

    void run() {
      kerasAttributes();
      Deque<Group> groups = new ArrayDeque<>();
      Set<Long> visited = new HashSet<>();
      groups.push(hdf);
      visited.add(address(hdf));
      while (!groups.isEmpty()) {
        ctx.checkDeadline();
        Group g = groups.pop();
        Map<String, Node> children;
        try {
          children = g.getChildren();
        } catch (RuntimeException e) {
          childrenFailed(g, e);
          continue;
        }
        for (Node child : children.values()) {
          ctx.checkDeadline();
          if (++objects > maxObjects) {
            ctx.limitReached(
                Hdf5Settings.of(ctx).exceeded(Hdf5Limit.OBJECTS, objects, "HDF5 objects walked"),
                -1);
            return;
          }
          visit(child, groups, visited);
        }
      }
    }

    private static long address(Node n) {
      try {
        return n.getAddress();
      } catch (RuntimeException e) {
        return -1;
      }
    }

    private void visit(Node child, Deque<Group> groups, Set<Long> visited) {
      String path = safePath(child);
      try {
        if (child instanceof ExternalLink) {
          // getTarget()/isBrokenLink() would open the other file (verified with strace): only read the path.
          String target = KerasConfigAnalyzer.clip(((ExternalLink) child).getTargetPath(), 500);
          ctx.report(
              ctx.finding(KerasRules.EXTERNAL_LINK)
                  .operator(target)
                  .message("external link " + path + " points to " + target + "; not followed")
                  .build());
          return;
        }
        if (child.isLink()) {
          return; // soft link: its target is inside this file and reached through hard links, if at all
        }
        if (child instanceof Group) {
          if (visited.add(address(child))) {
            groups.push((Group) child);
          }
        } else if (child instanceof Dataset) {
          dataset((Dataset) child, path);
        }
      } catch (RuntimeException e) {
        malformed(ctx, "HDF5 object " + path + " could not be read: " + describe(e));
      }
    }

    private static String safePath(Node n) {
      try {
        return KerasConfigAnalyzer.clip(n.getPath(), 300);
      } catch (RuntimeException e) {
        return "?";
      }
    }

    /** jHDF refuses a whole group when one child uses external or virtual storage: report that, never "clean". */
    private void childrenFailed(Group g, RuntimeException e) {
      String why = describe(e);
      String path = safePath(g);
      if (why.contains("External Data Files")) {
        ctx.report(
            ctx.finding(KerasRules.EXTERNAL_STORAGE)
                .message("a dataset in group " + path + " stores its data in external files (External Data Files)")
                .build());
        ctx.markPartial("group " + path + " not walked: jHDF does not read groups holding external-file datasets");
      } else if (why.contains("Virtual storage")) {
        ctx.report(
            ctx.finding(KerasRules.EXTERNAL_STORAGE)
                .message("a dataset in group " + path + " is a virtual dataset mapping other files")
                .build());
        ctx.markPartial("group " + path + " not walked: jHDF does not read groups holding virtual datasets");
      } else {
        malformed(ctx, "HDF5 group " + path + " could not be read: " + why);
      }
    }

    private void dataset(Dataset d, String path) {
      int[] dims = d.getDimensions();
      DataType type = d.getDataType();
      long declared = Math.max(1, type.getSize());
      for (int dim : dims) {
        declared = dim <= 0 ? 0 : multiplySaturated(declared, dim);
      }
      long stored = storedBytes(d);
      if (declared >= SHAPE_BOMB_MIN_BYTES && declared / Math.max(1, stored) > SHAPE_BOMB_RATIO) {
        ctx.report(
            ctx.finding(KerasRules.SHAPE_BOMB)
                .message(
                    "dataset "
                        + path
                        + " declares "
                        + java.util.Arrays.toString(dims)
                        + " ("
                        + declared
                        + " bytes) but stores "
                        + stored
                        + " bytes")
                .build());
      }
      List<PipelineFilterWithData> filters;
      try {
        filters = d.getFilters();
      } catch (HdfFilterException e) {
        // jHDF refuses to build a pipeline with a filter it lacks; the id is in its message.
        java.util.regex.Matcher m = FILTER_ID.matcher(String.valueOf(e.getMessage()));
        unknownFilter(path, m.find() ? m.group(1) : "?", "not available to jHDF");
        return;
      }
      for (PipelineFilterWithData f : filters) {
        if (!KNOWN_FILTERS.contains(f.getId())) {
          unknownFilter(path, String.valueOf(f.getId()), f.getName());
        }
      }
    }

    private void unknownFilter(String path, String id, String name) {
      ctx.report(
          ctx.finding(KerasRules.UNKNOWN_FILTER)
              .operator(id)
              .message("dataset " + path + " uses filter id " + id + " (" + name + "); libhdf5 would load a plugin")
              .build());
    }

    /**
     * The bytes of data the file really holds for a dataset. jHDF reports a contiguous dataset's declared size as its
     * storage even when no space was ever allocated (address undefined) or the address lies past the end of the
     * file; h5py then reads fill values of the full declared size. Both count as stored only what is present.
     */
    private long storedBytes(Dataset d) {
      long stored = d.getStorageInBytes();
      if (d instanceof ContiguousDataset) {
        long address = ((ContiguousDataset) d).getDataAddress();
        if (address < 0 || address >= contentSize) {
          return 0;
        }
        return Math.min(stored, contentSize - address);
      }
      return stored;
    }

    private static long multiplySaturated(long a, long b) {
      long hi = Math.multiplyHigh(a, b);
      long lo = a * b;
      return hi != 0 || lo < 0 ? Long.MAX_VALUE : lo;
    }

    /** The root attributes Keras 2 (and Keras 3's legacy loader) turn into a model. */
    private void kerasAttributes() {
      Map<String, Attribute> attrs;
      try {
        attrs = hdf.getAttributes();
      } catch (RuntimeException e) {
        malformed(ctx, "HDF5 root attributes could not be read: " + describe(e));
        return;
      }
      boolean keras = false;
      for (String name : List.of("model_config", "training_config")) {
        if (attrs.containsKey(name)) {
          keras = true;
          bounded(() -> analyze(name, string(attrs.get(name))));
        }
        if (attrs.containsKey(name + "0")) {
          keras = true;
          bounded(() -> analyze(name + "0..", splitAttribute(attrs, name)));
        }
      }
      if (keras) {
        ctx.refineFormat("keras-h5");
      }
    }

    private static long declaredVlenBytes(Attribute a) {
      long count = a.getSize();
      ByteBuffer b = a.getBuffer().duplicate().order(java.nio.ByteOrder.LITTLE_ENDIAN);
      int start = b.position();
      if (count <= 0 || b.remaining() / count < 4) {
        throw new IllegalStateException("variable-length attribute " + a.getName() + " has no heap references");
      }
      int element = (int) (b.remaining() / count);
      long total = 0;
      for (long i = 0; i < count; i++) {
        total += Integer.toUnsignedLong(b.getInt(start + (int) (i * element)));
      }
      return total;
    }

    /** Runs one attribute's analysis; a limit stops that attribute only, the structure walk still runs. */
    private void bounded(Runnable analysis) {
      try {
        analysis.run();
      } catch (ScanLimitExceededException e) {
        if (e.limitType() == LimitType.SCAN_TIMEOUT) {
          throw e;
        }
        ctx.limitReached(e, -1);
      }
    }

    /** Keras' load_attributes_from_hdf5_group form: name0, name1, ... concatenated; null when absent. */
    private String splitAttribute(Map<String, Attribute> attrs, String name) {
      StringBuilder split = null;
      for (int i = 0; attrs.containsKey(name + i); i++) {
        ctx.checkDeadline();
        String part = string(attrs.get(name + i));
        if (part == null) {
          return null;
        }
        split = split == null ? new StringBuilder() : split;
        if ((long) split.length() + part.length() > ctx.limits().maxStringBytes()) {
          throw ctx.limits().exceeded(LimitType.STRING_BYTES, -1, "split attribute " + name);
        }
        split.append(part);
      }
      return split == null ? null : split.toString();
    }

    private void analyze(String name, String json) {
      if (json == null) {
        return;
      }
      KerasConfigAnalyzer analyzer = new KerasConfigAnalyzer(ctx, name);
      JsonTree tree;
      try {
        tree = JsonTree.parse(json.getBytes(StandardCharsets.UTF_8), ctx.limits());
      } catch (MalformedContentException e) {
        malformed(ctx, "root attribute " + name + " is not valid JSON: " + e.getMessage());
        return;
      }
      if (tree.trailingData()) {
        malformed(ctx, "root attribute " + name + " has data after the JSON value (Python rejects it)");
      }
      analyzer.analyze(tree);
    }

    /**
     * A string attribute's value, bounded by maxStringBytes; null (and a partial status) when it is not a string.
     * Fixed-length strings are decoded as UTF-8 from the raw buffer (jHDF decodes them as US-ASCII); variable-length
     * strings live in the global heap, which jHDF reads as views of the in-memory buffer.
     */
    private String string(Attribute a) {
      try {
        if (a.isEmpty() || a.getJavaType() != String.class) {
          malformed(ctx, "attribute " + a.getName() + " is not a string");
          return null;
        }
        int max = ctx.limits().maxStringBytes();
        DataType t = a.getDataType();
        if (t instanceof StringData) {
          long bytes = a.getSizeInBytes();
          ctx.limits().check(LimitType.STRING_BYTES, bytes, "attribute " + a.getName());
          ByteBuffer b = a.getBuffer();
          byte[] raw = new byte[Math.min(b.remaining(), max)];
          b.get(raw);
          int end = raw.length;
          while (end > 0 && (raw[end - 1] == 0 || raw[end - 1] == ' ')) {
            end--;
          }
          return new String(raw, 0, end, StandardCharsets.UTF_8);
        }
        if (t instanceof VariableLength) {
          // Each element is a global-heap reference whose first 4 bytes are the string's length: bound the total
          // before jHDF builds the strings (an attribute can claim up to the size of the file).
          long total = declaredVlenBytes(a);
          ctx.limits().check(LimitType.STRING_BYTES, total, "attribute " + a.getName());
        }
        Object data = a.getData();
        String[] parts = data instanceof String ? new String[] {(String) data} : (String[]) data;
        StringBuilder sb = new StringBuilder();
        for (String p : parts) {
          if ((long) sb.length() + p.length() > max) {
            throw ctx.limits().exceeded(LimitType.STRING_BYTES, -1, "attribute " + a.getName());
          }
          sb.append(p);
        }
        return sb.toString();
      } catch (ScanLimitExceededException e) {
        throw e;
      } catch (RuntimeException e) {
        malformed(ctx, "attribute " + a.getName() + " could not be read: " + describe(e));
        return null;
      }
    }
  }
}
