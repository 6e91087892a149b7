package dev.modelscan.tensorflow;

import com.google.auto.service.AutoService;
import dev.modelscan.api.ModelScanVersion;
import dev.modelscan.api.Rule;
import dev.modelscan.api.io.Varints;
import dev.modelscan.api.io.Varints.Varint;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.api.spi.Recognition;
import dev.modelscan.api.spi.ScanContext;
import dev.modelscan.api.spi.ScannerDescriptor;
import dev.modelscan.protobuf.ProtoReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scans TF-Keras {@code keras_metadata.pb} files: a protobuf {@code SavedMetadata{1 repeated SavedObject nodes}} with
 * {@code SavedObject{1 version, 2 node_id, 3 node_path, 4 identifier, 5 metadata}}, where {@code metadata} is the
 * layer's Keras JSON config.
 *
 * <p>{@code tf.keras.models.load_model} rebuilds Keras objects from this JSON, including Lambda layers (whose config
 * holds Python bytecode or a function reference) and classes from arbitrary modules. The JSON is checked with a
 * bounded text scan for Lambda layers and module references. The full Keras config analysis lives in modelscan-h5,
 * which this module must not depend on (format modules are independent); a JSON member could be handed to it through
 * the engine once it claims Keras config JSON by content.
 */
@AutoService(ModelScanner.class)
public final class KerasMetadataScanner implements ModelScanner {

  static final String FORMAT = "tf-keras-metadata";
  private static final byte[] KERAS_IDENTIFIER = "_tf_keras_".getBytes(StandardCharsets.US_ASCII);
  private static final Pattern LAMBDA = Pattern.compile("\"class_name\"\\s*:\\s*\"Lambda\"");
  private static final Pattern FUNCTION_TYPE = Pattern.compile("\"function_type\"\\s*:\\s*\"([^\"]{0,64})\"");
  private static final Pattern MODULE = Pattern.compile("\"module\"\\s*:\\s*\"([^\"]{1,200})\"");
  private static final Set<String> KERAS_MODULE_ROOTS =
      Set.of("keras", "tensorflow", "tf_keras", "tensorflow_addons", "builtins", "numpy");

  /** Public no-argument constructor for {@link java.util.ServiceLoader}. */
  public KerasMetadataScanner() {}

  @Override
  public ScannerDescriptor descriptor() {
    return ScannerDescriptor.of(
        "tf-keras-metadata", ModelScanVersion.current(),
        "TF-Keras keras_metadata.pb: Lambda layers and module references",
        List.of(FORMAT), List.of("pb"));
  }

  @Override
  public List<Rule> rules() {
    return List.of(TfRules.KERAS_LAMBDA, TfRules.KERAS_MODULE);
  }

  @Override
  public Recognition recognize(ContentHead head) {
    byte[] h = new byte[head.headLength()];
    head.head().get(h);
    if (h.length < 3 || h[0] != 0x0A) {
      return Recognition.none();
    }
    Varint len = Varints.read(h, 1);
    if (len == null || len.value() < 0 || len.value() > head.size() - len.next() || len.next() >= h.length) {
      return Recognition.none();
    }
    int inner = h[len.next()] & 0xFF;
    // SavedObject starts with version (1, message), node_id (2, varint) or a string field 3..5.
    if (inner != 0x0A && inner != 0x10 && inner != 0x1A && inner != 0x22 && inner != 0x2A) {
      return Recognition.none();
    }
    boolean named = head.name().replace('\\', '/').toLowerCase(Locale.ROOT).endsWith("keras_metadata.pb");
    if (contains(h, KERAS_IDENTIFIER)) {
      return Recognition.of(FORMAT, Recognition.STRONG + (named ? 5 : 0));
    }
    return named ? Recognition.of(FORMAT, Recognition.PROBABLE) : Recognition.none();
  }

  @Override
  public void scan(ScanContext ctx) throws IOException {
    ProtoReader r = ProtoReader.of(ctx.source(), ctx.limits().maxHeaderBytes());
    Set<String> modules = new LinkedHashSet<>();
    CappedReporter out = new CappedReporter(ctx);
    while (r.next()) {
      ctx.checkDeadline();
      if (r.field() == 1 && r.wire() == ProtoReader.LEN) {
        node(ctx, out, r.message(), r.offset(), modules);
      } else {
        r.skip();
      }
    }
  }

  private static void node(ScanContext ctx, CappedReporter out, ProtoReader r, long offset, Set<String> modules)
      throws IOException {
    String path = "";
    String metadata = "";
    while (r.next()) {
      if (r.field() == 3 && r.wire() == ProtoReader.LEN) {
        path = SavedModelScanner.string(ctx, r);
      } else if (r.field() == 5 && r.wire() == ProtoReader.LEN) {
        metadata = SavedModelScanner.string(ctx, r);
      } else {
        r.skip();
      }
    }
    if (LAMBDA.matcher(metadata).find()) {
      Matcher type = FUNCTION_TYPE.matcher(metadata);
      String kind = type.find() ? " (function_type " + type.group(1) + ")" : "";
      out.report(
          out.finding(TfRules.KERAS_LAMBDA)
              .offset(offset)
              .operator("Lambda")
              .message("the metadata of " + path + " describes a Keras Lambda layer" + kind
                  + "; tf.keras.models.load_model rebuilds its Python function from the model and runs it")
              .build());
    }
    Matcher m = MODULE.matcher(metadata);
    while (m.find()) {
      String module = m.group(1);
      String root = module.split("\\.", 2)[0];
      if (!KERAS_MODULE_ROOTS.contains(root) && (modules.size() > CappedReporter.MAX_PER_RULE || modules.add(module))) {
        out.report(
            out.finding(TfRules.KERAS_MODULE)
                .offset(offset)
                .module(module)
                .message("the metadata of " + path + " refers to module " + module
                    + "; loading the model imports it to rebuild the object")
                .build());
      }
    }
  }

  private static boolean contains(byte[] h, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= h.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (h[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
