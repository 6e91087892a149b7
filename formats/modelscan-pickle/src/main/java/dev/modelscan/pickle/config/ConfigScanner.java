package dev.modelscan.pickle.config;

import com.google.auto.service.AutoService;
import dev.modelscan.api.Finding;
import dev.modelscan.api.LimitType;
import dev.modelscan.api.ModelScanVersion;
import dev.modelscan.api.Rule;
import dev.modelscan.pickle.settings.PickleSettings;
import dev.modelscan.api.Severity;
import dev.modelscan.api.StandardRules;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.api.spi.Recognition;
import dev.modelscan.api.spi.ScanContext;
import dev.modelscan.api.spi.ScannerDescriptor;
import dev.modelscan.jinja.TemplateAnalyzer;
import dev.modelscan.jinja.TemplateIssue;
import dev.modelscan.jinja.TemplateRules;
import dev.modelscan.pickle.CallableJudge;
import dev.modelscan.pickle.python.TextOffsets;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Scans JSON and YAML configs for what makes their loaders run code:
 *
 * <ul>
 *   <li>Hydra/OmegaConf {@code _target_} (with {@code _args_}, {@code _partial_}, {@code _recursive_}, {@code
 *       _convert_}) anywhere in the tree, and NeMo's top-level {@code target}: {@code hydra.utils.instantiate} and
 *       NeMo's {@code restore_from} import the named callable and call it (CVE-2025-23304 for {@code
 *       model_config.yaml} inside {@code .nemo} tars). The name is judged by the same globals policy as pickle
 *       imports: dangerous is CRITICAL or HIGH, unknown is reported like an unknown pickle global.
 *   <li>{@code auto_map} ({@code config.json}, {@code tokenizer_config.json}, ...): repository modules that
 *       Transformers imports with {@code trust_remote_code=True}; one finding lists them.
 *   <li>{@code chat_template} (a string, or a list of {@code {name, template}}): the shared Jinja analyser.
 *   <li>YAML tags: {@code !!python/...} constructs objects in PyYAML's unsafe loaders (HIGH, CRITICAL when the named
 *       callable is dangerous); application-specific tags are LOW. Aliases that would expand into a huge or endless
 *       structure are a denial-of-service finding.
 * </ul>
 *
 * <p>JSON is read with jackson-core under explicit limits; YAML with {@link YamlReader}, a bounded reader of the YAML
 * subset configs use that never constructs anything. Both keep what they read before an error.
 *
 * @since 0.1
 */
@AutoService(ModelScanner.class)
public final class ConfigScanner implements ModelScanner {

  /** Format of a JSON config. */
  public static final String JSON = "json-config";

  /** Format of a YAML config. */
  public static final String YAML = "yaml-config";

  private static final ScannerDescriptor DESCRIPTOR =
      ScannerDescriptor.of(
          "config",
          ModelScanVersion.current(),
          "JSON and YAML configs: Hydra/OmegaConf _target_, NeMo model_config.yaml, auto_map (trust_remote_code),"
              + " chat templates, YAML python tags",
          List.of(JSON, YAML),
          // Not "json": a .json file is any of many formats (Keras configs, indexes, vocabularies).
          List.of("yaml", "yml"));

  /** JSON files that Hugging Face and NeMo loaders read as configs. */
  private static final Set<String> CONFIG_NAMES =
      Set.of(
          "config.json",
          "tokenizer_config.json",
          "processor_config.json",
          "preprocessor_config.json",
          "chat_template.json",
          "generation_config.json",
          "adapter_config.json",
          "feature_extractor_config.json",
          "image_processor_config.json",
          "video_preprocessor_config.json");

  private static final byte[][] JSON_KEYS = {
    "\"_target_\"".getBytes(StandardCharsets.US_ASCII),
    "\"auto_map\"".getBytes(StandardCharsets.US_ASCII),
    "\"chat_template\"".getBytes(StandardCharsets.US_ASCII)
  };

  /** Above plain text (20) and a name-only Keras claim (50); below every magic-byte or structural claim (80). */
  static final int CONFIDENCE = Recognition.PROBABLE + 10;

  /**
   * Top-level packages of the ML frameworks whose own classes Hydra-style configs instantiate by design (NeMo's
   * model_config.yaml names nemo.collections classes, Lightning configs torch optimisers). Their unknown targets are
   * LOW; dangerous names in them (torch.load, torch.hub) are still judged dangerous first.
   */
  private static final Set<String> FRAMEWORK_PACKAGES =
      Set.of(
          "nemo", "torch", "torchvision", "torchaudio", "torchtext", "lightning", "pytorch_lightning", "transformers",
          "megatron", "apex", "timm", "peft", "diffusers", "hydra", "omegaconf", "sklearn", "numpy");

  private static String topLevel(String name) {
    int dot = name.indexOf('.');
    return dot < 0 ? name : name.substring(0, dot);
  }

  /** Alias expansion beyond this many nodes is reported. */
  static final long EXPANSION_LIMIT = 1_000_000;

  private static final int MAX_FINDINGS = 200;

  /** Standard YAML 1.1 tags that construct plain data. */
  private static final Set<String> STANDARD_TAGS =
      Set.of(
          "str", "int", "float", "bool", "null", "map", "seq", "binary", "timestamp", "omap", "set", "pairs",
          "merge", "value");

  /** Creates the scanner; it is stateless. */
  public ConfigScanner() {}

  @Override
  public ScannerDescriptor descriptor() {
    return DESCRIPTOR;
  }

  @Override
  public List<Rule> rules() {
    return ConfigRules.all();
  }

  @Override
  public Recognition recognize(ContentHead head) {
    int n = head.headLength();
    if (n == 0) {
      return Recognition.none();
    }
    String ext = head.extension();
    if (ext.equals("yaml") || ext.equals("yml")) {
      return looksLikeText(head) ? Recognition.of(YAML, CONFIDENCE) : Recognition.none();
    }
    int i = 0;
    if (head.startsWith((byte) 0xEF, (byte) 0xBB, (byte) 0xBF)) {
      i = 3;
    }
    while (i < n && isJsonSpace(head.headByte(i))) {
      i++;
    }
    if (i >= n || head.headByte(i) != '{') {
      return Recognition.none();
    }
    if (CONFIG_NAMES.contains(baseName(head.name()).toLowerCase(Locale.ROOT))) {
      return Recognition.of(JSON, CONFIDENCE);
    }
    for (byte[] key : JSON_KEYS) {
      for (int at = i; at + key.length <= n; at++) {
        if (head.startsWith(at, key)) {
          return Recognition.of(JSON, CONFIDENCE);
        }
      }
    }
    return Recognition.none();
  }

  private static boolean isJsonSpace(int b) {
    return b == ' ' || b == '\t' || b == '\n' || b == '\r';
  }

  private static boolean looksLikeText(ContentHead head) {
    int n = head.headLength();
    boolean utf16 = n >= 2 && (head.headByte(0) == 0xFF && head.headByte(1) == 0xFE
        || head.headByte(0) == 0xFE && head.headByte(1) == 0xFF);
    if (utf16) {
      return true;
    }
    for (int i = 0; i < n; i++) {
      int b = head.headByte(i);
      if (b == 0 || b < 0x20 && b != '\n' && b != '\r' && b != '\t') {
        return false;
      }
    }
    return true;
  }

  static String baseName(String name) {
    int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
    return name.substring(slash + 1);
  }

  @Override
  public void scan(ScanContext ctx) throws IOException {
    long size = ctx.source().size();
    int max = ctx.limits().maxStringBytes();
    boolean cut = size > max;
    byte[] bytes = ctx.source().readBytes(0, (int) Math.min(size, max));
    if (cut) {
      ctx.limitReached(
          ctx.limits().exceeded(LimitType.STRING_BYTES, size, "config of " + size + " bytes"), max);
    }
    Walk walk = new Walk(ctx);
    List<ConfigNode> roots = new ArrayList<>();
    if (ctx.format().equals(YAML)) {
      String text = decodeYaml(bytes);
      walk.offsets = yamlOffsets(bytes, text);
      YamlReader reader = YamlReader.over(text, ctx.limits().maxJsonDepth(), ctx::checkDeadline);
      try {
        reader.read();
      } catch (YamlReader.YamlException e) {
        if (!cut) {
          problem(ctx, walk.offsets.byteOffset(e.offset), e.getMessage(), e.unsupported);
        }
        roots.addAll(pythonTagsAfter(text, e.offset));
      } catch (YamlReader.DepthExceeded e) {
        ctx.limitReached(
            ctx.limits().exceeded(LimitType.JSON_DEPTH, -1, "YAML nesting"),
            walk.offsets.byteOffset(e.offset));
        roots.addAll(pythonTagsAfter(text, e.offset));
      }
      roots.addAll(reader.documents());
      walk.anchors = reader.anchors();
      long expanded = reader.expandedSize(EXPANSION_LIMIT);
      if (expanded >= EXPANSION_LIMIT) {
        ctx.report(
            ctx.finding(ConfigRules.ALIAS_EXPANSION)
                .offset(0)
                .message(
                    expanded == Long.MAX_VALUE
                        ? "An alias refers to a node that contains it: loaders that copy aliased nodes never finish."
                        : "Its aliases expand to more than " + EXPANSION_LIMIT
                            + " nodes in loaders that copy aliased nodes (a 'billion laughs').")
                .build());
      }
    } else {
      try {
        JsonTreeReader.read(
            bytes, ctx.limits().maxJsonDepth(), max, ctx::checkDeadline, roots::add);
      } catch (JsonTreeReader.JsonProblem e) {
        if (e.limit) {
          ctx.limitReached(
              ctx.limits().exceeded(LimitType.JSON_DEPTH, -1, "JSON config: " + e.getMessage()),
              e.offset);
        } else if (!cut) {
          problem(ctx, e.offset, e.getMessage(), false);
        }
      }
    }
    for (ConfigNode root : roots) {
      walk.node(root, 0);
    }
    walk.finish();
  }

  // A Python tag in its shorthand or verbatim spelling (the shorthand ends where a plain scalar or flow item would).
  private static final java.util.regex.Pattern PYTHON_TAG =
      java.util.regex.Pattern.compile("!!python/[^\\s,\\[\\]{}]*|!<tag:yaml\\.org,2002:python/[^>\\s]*>");

  /**
   * The Python tags in the text the reader stopped before, as tagged empty scalars at their offsets. The file is
   * PARTIAL either way, but a payload behind syntax this reader does not interpret (an explicit key, {@code ? !!python/
   * object/apply:os.system [...]}) must still be named, so that the verdict is UNSAFE and not only incomplete. A
   * match inside a quoted string is reported too: over-reporting text nobody reads is the safe side.
   */
  static List<ConfigNode> pythonTagsAfter(String text, long from) {
    List<ConfigNode> found = new ArrayList<>();
    java.util.regex.Matcher m = PYTHON_TAG.matcher(text);
    int at = (int) Math.max(0, Math.min(from, text.length()));
    while (at < text.length() && m.find(at) && found.size() < MAX_FINDINGS) {
      ConfigNode.Scalar tagged = new ConfigNode.Scalar(m.start(), "");
      tagged.tag = m.group();
      found.add(tagged);
      at = m.end();
    }
    return found;
  }

  private static void problem(ScanContext ctx, long offset, String message, boolean unsupported) {
    String m = message == null ? "unreadable" : message;
    if (m.length() > 300) {
      m = m.substring(0, 300) + "...";
    }
    if (unsupported) {
      ctx.markPartial("the config uses " + m + ", which this reader does not interpret; the rest was only searched for"
          + " Python tags");
      return;
    }
    ctx.report(
        ctx.finding(StandardRules.MALFORMED_CONTENT)
            .offset(Math.max(-1, offset))
            .message("The config is malformed (" + m + "); what was read before was analysed.")
            .build());
    ctx.markPartial("malformed config: " + m);
  }

  private static TextOffsets yamlOffsets(byte[] b, String text) {
    boolean utf16 =
        b.length >= 2
            && ((b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xFE || (b[0] & 0xFF) == 0xFE && (b[1] & 0xFF) == 0xFF);
    if (utf16) {
      return new TextOffsets(text, 2, 2);
    }
    boolean bom = b.length >= 3 && (b[0] & 0xFF) == 0xEF && (b[1] & 0xFF) == 0xBB && (b[2] & 0xFF) == 0xBF;
    return new TextOffsets(text, bom ? 3 : 0, 0);
  }

  /** UTF-8 unless a byte order mark says UTF-16; undecodable bytes become replacement characters. */
  private static String decodeYaml(byte[] b) {
    Charset cs = StandardCharsets.UTF_8;
    int from = 0;
    if (b.length >= 2 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xFE) {
      cs = StandardCharsets.UTF_16LE;
      from = 2;
    } else if (b.length >= 2 && (b[0] & 0xFF) == 0xFE && (b[1] & 0xFF) == 0xFF) {
      cs = StandardCharsets.UTF_16BE;
      from = 2;
    } else if (b.length >= 3 && (b[0] & 0xFF) == 0xEF && (b[1] & 0xFF) == 0xBB && (b[2] & 0xFF) == 0xBF) {
      from = 3;
    }
    return new String(b, from, b.length - from, cs);
  }

  /** The state of one analysis. */
  private static final class Walk {
    private final ScanContext ctx;
    private final Deque<String> path = new ArrayDeque<>();
    private final Set<String> reportedTargets = new HashSet<>();
    private final Set<String> remoteModules = new LinkedHashSet<>();
    private final Set<String> localModules = new LinkedHashSet<>();
    private long remoteOffset = -1;
    private boolean otherRepository;
    private java.util.Map<String, ConfigNode> anchors = java.util.Map.of();
    private int findings;
    private long visited;
    /** Maps YAML character offsets to bytes; null for JSON, whose offsets are bytes already. */
    private TextOffsets offsets;

    Walk(ScanContext ctx) {
      this.ctx = ctx;
    }

    void node(ConfigNode node, int depth) {
      if (node == null) {
        return;
      }
      if ((++visited & 0x3FF) == 0) {
        ctx.checkDeadline();
      }
      if (node.tag != null) {
        tag(node);
      }
      if (node instanceof ConfigNode.Seq) {
        List<ConfigNode> items = ((ConfigNode.Seq) node).items;
        for (int i = 0; i < items.size(); i++) {
          path.addLast("[" + i + "]");
          node(items.get(i), depth + 1);
          path.removeLast();
        }
      } else if (node instanceof ConfigNode.MapNode) {
        map((ConfigNode.MapNode) node, depth);
      }
    }

    private void map(ConfigNode.MapNode m, int depth) {
      for (int i = 0; i < m.keys.size(); i++) {
        String key = m.keyText(i);
        ConfigNode value = m.values.get(i);
        node(m.keys.get(i), depth + 1); // keys can carry tags too
        if (key != null) {
          if (key.equals("_target_") || key.equals("target") && depth == 0 && ctx.format().equals(YAML)) {
            target(m, key, value);
          } else if (key.equals("auto_map")) {
            autoMap(value);
          } else if (key.equals("chat_template")) {
            chatTemplate(value, null);
          }
        }
        path.addLast(key == null ? "?" : key);
        node(value, depth + 1);
        path.removeLast();
      }
    }

    // ---- _target_ -----------------------------------------------------------------------------------------------

    private void target(ConfigNode.MapNode m, String key, ConfigNode value) {
      ConfigNode v = value;
      if (v instanceof ConfigNode.Alias) {
        v = anchors.get(((ConfigNode.Alias) v).name);
      }
      String where = where(key);
      if (!(v instanceof ConfigNode.Scalar) || ((ConfigNode.Scalar) v).value == null) {
        if (value != null && !(value instanceof ConfigNode.Scalar && ((ConfigNode.Scalar) value).value == null)) {
          report(ConfigRules.DYNAMIC_TARGET, null, value.offset, "", "",
              where + " is not a dotted name but a " + kind(value) + "; what the loader imports cannot be read from"
                  + " the file.");
        }
        return;
      }
      String name = ((ConfigNode.Scalar) v).value.strip();
      if (name.isEmpty()) {
        return;
      }
      if (name.contains("${") || !isDottedName(name)) {
        report(ConfigRules.DYNAMIC_TARGET, null, v.offset, "", printable(name),
            where + " is '" + printable(name) + "', not a plain dotted name: an interpolation or resolver decides"
                + " at load time which callable is imported and called.");
        return;
      }
      String how = how(m);
      CallableJudge.Judgement j = CallableJudge.judge(name, PickleSettings.of(ctx));
      int dot = name.lastIndexOf('.');
      String module = dot > 0 ? name.substring(0, dot) : "builtins";
      String op = dot > 0 ? name.substring(dot + 1) : name;
      switch (j.level()) {
        case SAFE:
          return;
        case UNKNOWN:
          if (!PickleSettings.of(ctx).reportsUnknownGlobals(ctx.settings().mode()) || !reportedTargets.add(name)) {
            return;
          }
          boolean framework = FRAMEWORK_PACKAGES.contains(topLevel(name));
          // Every NeMo or Lightning config instantiates the framework's own classes: reporting those like an
          // arbitrary unknown callable would flag every genuine checkpoint. They stay visible (LOW); a target outside
          // the frameworks is judged like an unknown pickle global.
          report(ConfigRules.UNKNOWN_TARGET,
              framework && PickleSettings.of(ctx).unknownGlobalSeverity().isAtLeast(Severity.LOW) ? Severity.LOW
                  : PickleSettings.of(ctx).unknownGlobalSeverity(),
              v.offset, module, op,
              where + " names " + printable(name) + ", which is not known to be safe"
                  + (framework ? " (a class of the " + topLevel(name) + " framework)" : "")
                  + ": instantiating the config imports its module and " + how
                  + ". If it is expected, allow it with --allow-global (allowGlobals in the Java API and the"
                  + " Maven plugin).");
          return;
        case DENIED:
          report(ConfigRules.DANGEROUS_TARGET, Severity.CRITICAL, v.offset, module, op,
              where + " names " + printable(name) + ", which this scan's settings deny (" + j.matched() + ").");
          return;
        default:
          report(ConfigRules.DANGEROUS_TARGET, j.critical() ? Severity.CRITICAL : Severity.HIGH, v.offset, module, op,
              where + " names " + printable(j.resolved()) + ", which " + j.effect() + " (matched " + j.matched()
                  + "); instantiating the config " + how + ".");
      }
    }

    /** What instantiate does with the target, from the special keys next to it. */
    private static String how(ConfigNode.MapNode m) {
      boolean partial = false;
      boolean args = false;
      for (int i = 0; i < m.keys.size(); i++) {
        String k = m.keyText(i);
        if ("_partial_".equals(k)) {
          ConfigNode v = m.values.get(i);
          partial = v instanceof ConfigNode.Scalar && "true".equalsIgnoreCase(((ConfigNode.Scalar) v).value);
        } else if ("_args_".equals(k)) {
          args = true;
        }
      }
      if (partial) {
        return "wraps it in functools.partial for later calls (_partial_)";
      }
      return args ? "calls it with the positional _args_ of the config" : "calls it with the config's other keys";
    }

    // ---- auto_map -----------------------------------------------------------------------------------------------

    private void autoMap(ConfigNode value) {
      if (!(value instanceof ConfigNode.MapNode)) {
        return;
      }
      ConfigNode.MapNode m = (ConfigNode.MapNode) value;
      if (remoteOffset < 0) {
        remoteOffset = m.offset;
      }
      for (int i = 0; i < m.values.size(); i++) {
        ConfigNode v = m.values.get(i);
        if (v instanceof ConfigNode.Seq) {
          for (ConfigNode item : ((ConfigNode.Seq) v).items) {
            remote(item);
          }
        } else {
          remote(v);
        }
      }
    }

    private void remote(ConfigNode v) {
      if (!(v instanceof ConfigNode.Scalar) || ((ConfigNode.Scalar) v).value == null || remoteModules.size() >= 50) {
        return;
      }
      String ref = ((ConfigNode.Scalar) v).value.strip();
      // "owner/repo--module.Class" loads the module from another repository (transformers dynamic_module_utils).
      int sep = ref.indexOf("--");
      if (sep >= 0) {
        otherRepository = true;
      }
      int dot = ref.lastIndexOf('.');
      String module = dot > 0 ? ref.substring(0, dot) : ref;
      remoteModules.add(printable(module.replace("--", " : ")));
      if (sep < 0 && isDottedName(module)) {
        localModules.add(module);
      }
    }

    // ---- chat templates -------------------------------------------------------------------------------------------

    private void chatTemplate(ConfigNode value, String name) {
      if (value instanceof ConfigNode.Scalar) {
        String text = ((ConfigNode.Scalar) value).value;
        if (text == null) {
          return;
        }
        List<TemplateIssue> issues = TemplateAnalyzer.analyze(text, ctx::checkDeadline);
        if (issues.isEmpty()) {
          return;
        }
        String which = name == null ? "chat_template" : "chat_template '" + printable(name) + "'";
        report(TemplateRules.TEMPLATE_INJECTION, issues.get(0).severity(), value.offset, "", which,
            where("chat_template").replace("chat_template", which) + " contains "
                + TemplateAnalyzer.describe(issues, 8)
                + ". Runtimes that render it outside Jinja's sandbox run this code when the model is used.");
      } else if (value instanceof ConfigNode.Seq) {
        for (ConfigNode item : ((ConfigNode.Seq) value).items) {
          if (item instanceof ConfigNode.MapNode) {
            ConfigNode.MapNode m = (ConfigNode.MapNode) item;
            String n = null;
            ConfigNode template = null;
            for (int i = 0; i < m.keys.size(); i++) {
              if ("name".equals(m.keyText(i)) && m.values.get(i) instanceof ConfigNode.Scalar) {
                n = ((ConfigNode.Scalar) m.values.get(i)).value;
              } else if ("template".equals(m.keyText(i))) {
                template = m.values.get(i);
              }
            }
            chatTemplate(template, n == null ? "?" : n);
          }
        }
      }
    }

    // ---- tags -----------------------------------------------------------------------------------------------------

    private void tag(ConfigNode node) {
      String t = node.tag;
      String full;
      if (t.startsWith("!<") && t.endsWith(">")) {
        full = t.substring(2, t.length() - 1);
      } else if (t.startsWith("!!")) {
        full = "tag:yaml.org,2002:" + t.substring(2);
      } else {
        full = t;
      }
      String std = "tag:yaml.org,2002:";
      if (full.startsWith(std + "python/")) {
        String kind = full.substring(std.length());
        int colon = kind.indexOf(':');
        String callable = colon > 0 ? kind.substring(colon + 1) : "";
        Severity severity = Severity.HIGH;
        String judged = "";
        if (!callable.isEmpty() && !kind.startsWith("python/module:") && isDottedName(callable)) {
          CallableJudge.Judgement j = CallableJudge.judge(callable, PickleSettings.of(ctx));
          if (j.level() == CallableJudge.Level.DANGEROUS || j.level() == CallableJudge.Level.DENIED) {
            severity = j.level() == CallableJudge.Level.DENIED || j.critical() ? Severity.CRITICAL : Severity.HIGH;
            judged = ", which " + (j.effect().isEmpty() ? "this scan's settings deny" : j.effect());
          }
        }
        int dot = callable.lastIndexOf('.');
        report(ConfigRules.PYTHON_TAG, severity, node.offset, dot > 0 ? callable.substring(0, dot) : callable,
            dot > 0 ? callable.substring(dot + 1) : "",
            "The YAML tag " + printable(t) + at() + " makes PyYAML's unsafe loaders "
                + (kind.startsWith("python/object/apply") ? "call " : kind.startsWith("python/name")
                    || kind.startsWith("python/module") ? "import " : "construct ")
                + (callable.isEmpty() ? "a Python object" : printable(callable)) + judged + ".");
        return;
      }
      if (full.startsWith(std) && STANDARD_TAGS.contains(full.substring(std.length()))) {
        return;
      }
      if (t.equals("!")) {
        return; // the non-specific tag: a plain string
      }
      report(ConfigRules.CUSTOM_TAG, null, node.offset, "", printable(t),
          "The YAML tag " + printable(t) + at() + " is not a standard tag: the loading application's"
              + " constructor for it decides what is built.");
    }

    // ---- reporting ------------------------------------------------------------------------------------------------

    void finish() {
      if (remoteModules.isEmpty()) {
        return;
      }
      String list = "auto_map makes loaders import repository code with trust_remote_code=True: "
          + String.join(", ", remoteModules);
      if (otherRepository) {
        report(ConfigRules.REMOTE_CODE, Severity.HIGH, remoteOffset, "", "auto_map",
            list + ". Some entries name another repository ('owner/repo : module'), whose code is not in this"
                + " folder and was not scanned.");
        return;
      }
      List<String> missing = missingModules();
      if (missing != null && missing.isEmpty()) {
        // Every module is a file next to this config: scanning the folder analyses it as Python source, where what
        // it does is reported; the config itself only says that it will run.
        report(ConfigRules.REMOTE_CODE, Severity.LOW, remoteOffset, "", "auto_map",
            list + ". Each is a .py file next to this config and is analysed as Python source when the folder is"
                + " scanned.");
        return;
      }
      report(ConfigRules.REMOTE_CODE, null, remoteOffset, "", "auto_map",
          list + (missing == null ? ". Review those .py files."
              : ". Not found next to this config, so not scanned: " + String.join(", ", missing) + "."));
    }

    /**
     * The local auto_map modules that have no .py file next to the scanned config file, or null when the config is
     * not a file on disk (bytes, a stream, an archive member): then nothing is known about its neighbours.
     */
    private List<String> missingModules() {
      java.util.Optional<dev.modelscan.api.spi.SiblingFiles> siblings = ctx.siblings();
      if (siblings.isEmpty()) {
        return null;
      }
      List<String> missing = new ArrayList<>();
      for (String module : localModules) {
        // A dotted module name is a relative path of identifiers: it cannot leave the directory.
        try {
          if (!siblings.get().find(module.replace('.', '/') + ".py").isFile()) {
            missing.add(printable(module));
          }
        } catch (java.io.IOException | RuntimeException e) {
          missing.add(printable(module)); // a link that leads nowhere: transformers cannot import it either
        }
      }
      return missing;
    }

    private void report(Rule rule, Severity severity, long offset, String module, String operator, String message) {
      if (findings >= MAX_FINDINGS) {
        if (findings++ == MAX_FINDINGS) {
          ctx.markPartial("more than " + MAX_FINDINGS + " config findings; the rest were not reported");
        }
        return;
      }
      findings++;
      long at = offsets == null ? offset : offsets.byteOffset(offset);
      Finding.Builder b =
          ctx.finding(rule).offset(Math.max(-1, at)).module(module).operator(operator).message(message);
      if (severity != null) {
        b.severity(severity);
      }
      ctx.report(b.build());
    }

    private String where(String key) {
      String p = pathText();
      return p.isEmpty() ? key : p + "." + key;
    }

    /** " at " and the path, or nothing at the root (a tagged document, or a tag found outside the nodes read). */
    private String at() {
      String p = pathText();
      return p.isEmpty() ? "" : " at " + p;
    }

    private String pathText() {
      StringBuilder sb = new StringBuilder();
      for (String p : path) {
        if (sb.length() > 200) {
          sb.append("...");
          break;
        }
        if (sb.length() > 0 && !p.startsWith("[")) {
          sb.append('.');
        }
        sb.append(printable(p));
      }
      return sb.toString();
    }
  }

  private static String kind(ConfigNode n) {
    if (n instanceof ConfigNode.MapNode) {
      return "mapping";
    }
    if (n instanceof ConfigNode.Seq) {
      return "sequence";
    }
    if (n instanceof ConfigNode.Alias) {
      return "alias to a non-scalar";
    }
    return "scalar";
  }

  /** Whether a target is a dotted Python name (identifiers joined by dots). */
  static boolean isDottedName(String s) {
    if (s.isEmpty() || s.length() > 512) {
      return false;
    }
    boolean start = true;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '.') {
        if (start) {
          return false;
        }
        start = true;
      } else if (Character.isLetter(c) || c == '_' || !start && Character.isDigit(c)) {
        start = false;
      } else {
        return false;
      }
    }
    return !start;
  }

  /** Bounds and escapes text from the file for messages. */
  static String printable(String s) {
    StringBuilder sb = new StringBuilder(Math.min(s.length(), 160));
    for (int i = 0; i < s.length() && i < 160; i++) {
      char c = s.charAt(i);
      sb.append(c < 0x20 || c == 0x7F ? '?' : c);
    }
    if (s.length() > 160) {
      sb.append("...");
    }
    return sb.toString();
  }
}
