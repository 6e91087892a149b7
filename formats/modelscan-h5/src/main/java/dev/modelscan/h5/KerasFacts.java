package dev.modelscan.h5;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/** The fact lists (resources next to this class) that decide what is built into Keras and what is dangerous. */
final class KerasFacts {

  static final Set<String> BUILTIN_CLASSES = load("keras_builtin_classes.txt");
  static final Set<String> BUILTIN_FUNCTIONS = load("keras_builtin_functions.txt");
  static final Set<String> DANGEROUS_MODULES = load("dangerous_modules.txt");
  static final Set<String> DANGEROUS_NAMES = load("dangerous_names.txt");
  static final Set<String> NON_MODELING_APIS = load("keras_non_modeling_apis.txt");

  /** The last segments of the non-modelling APIs, to catch them under private paths such as keras.src.utils. */
  static final Set<String> NON_MODELING_NAMES = lastSegments(NON_MODELING_APIS);

  /** Packages whose modules Keras 3 itself imports to resolve classes (then requiring a KerasSaveable). */
  static final Set<String> KERAS_PACKAGES =
      Set.of("keras", "tf_keras", "keras_hub", "keras_cv", "keras_nlp", "tensorflow.keras", "tensorflow.python.keras");

  private KerasFacts() {}

  /** Whether a dotted module (or module.callable) lies in a dangerous module or names a dangerous callable. */
  static boolean isDangerous(String qualified) {
    if (qualified == null || qualified.isEmpty()) {
      return false;
    }
    String q = qualified.strip();
    for (String m = q; !m.isEmpty(); m = parent(m)) {
      if (DANGEROUS_MODULES.contains(m)) {
        return true;
      }
    }
    String last = q.substring(q.lastIndexOf('.') + 1);
    return DANGEROUS_NAMES.contains(last);
  }

  /** Whether a module belongs to Keras or a package Keras itself trusts for class resolution. */
  static boolean isKerasModule(String module) {
    for (String m = module; !m.isEmpty(); m = parent(m)) {
      if (KERAS_PACKAGES.contains(m)) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code module.name} is a non-modelling Keras API (public path or a private alias). */
  static boolean isNonModeling(String module, String name) {
    String fq = module.isEmpty() ? name : module + "." + name;
    if (NON_MODELING_APIS.contains(fq)) {
      return true;
    }
    String last = fq.substring(fq.lastIndexOf('.') + 1);
    return fq.startsWith("keras") && NON_MODELING_NAMES.contains(last);
  }

  static String parent(String dotted) {
    int dot = dotted.lastIndexOf('.');
    return dot < 0 ? "" : dotted.substring(0, dot);
  }

  private static Set<String> lastSegments(Set<String> names) {
    Set<String> out = new HashSet<>();
    for (String n : names) {
      out.add(n.substring(n.lastIndexOf('.') + 1));
    }
    return Set.copyOf(out);
  }

  private static Set<String> load(String resource) {
    try (InputStream in = KerasFacts.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      Set<String> out = new HashSet<>();
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        String s = line.strip();
        if (!s.isEmpty() && !s.startsWith("#")) {
          out.add(s);
        }
      }
      return Set.copyOf(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
