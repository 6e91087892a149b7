package dev.modelscan.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.modelscan.api.FileResult;
import dev.modelscan.api.ScanMode;
import dev.modelscan.api.ScanReport;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.Severity;
import dev.modelscan.core.ModelScan;
import dev.modelscan.core.ScannerRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README and docs/*.md say what the code does: every Java and XML block is a tagged region of a source file that
 * a build compiles (this module's test sources, the scanner-plugin template, the examples, the plugin's integration
 * tests), every shell command is run or parsed by the tool it names, and every version is the build's.
 *
 * <p>A block is included by the comment on the line before it: {@code <!-- snippet: PATH#TAG -->} takes the lines
 * between {@code tag::TAG[]} and {@code end::TAG[]} in PATH (relative to the repository root), with their common
 * indentation removed and, in a pom, {@code ${property}} replaced by the pom's property and {@code @project.version@}
 * (the invoker's placeholder) by the build's version. {@code <!-- output: NAME -->} marks output that a test here
 * (or in the Maven plugin's integration tests: library-user runs the quick start, third-party-scanner checks the
 * plugin's log) compares with a real run. To change a snippet, change the source and
 * copy the region into the markdown; this test prints the region when they differ.
 */
class DocSnippetsTest {

  static final Path ROOT = findRoot();
  static final Pattern MARKER = Pattern.compile("<!--\\s*(snippet|output):\\s*(\\S+?)\\s*-->");
  static final Set<String> INCLUDED = Set.of("java", "xml");
  static final Set<String> SHELL = Set.of("sh", "shell", "bash");

  /** One fenced block of a markdown file, with the marker on the line before it (or null). */
  record Block(Path file, int line, String lang, String kind, String ref, String text) {
    String where() {
      return ROOT.relativize(file) + ":" + line;
    }
  }

  private static Path findRoot() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !(Files.isRegularFile(p.resolve("README.md")) && Files.isDirectory(p.resolve("docs")))) {
      p = p.getParent();
    }
    if (p == null) {
      throw new IllegalStateException("no README.md and docs/ above " + Path.of("").toAbsolutePath());
    }
    return p;
  }

  static List<Path> markdownFiles() throws IOException {
    List<Path> files = new ArrayList<>();
    files.add(ROOT.resolve("README.md"));
    try (Stream<Path> s = Files.list(ROOT.resolve("docs"))) {
      s.filter(f -> f.toString().endsWith(".md")).sorted().forEach(files::add);
    }
    return files;
  }

  static List<Block> blocks() throws IOException {
    List<Block> all = new ArrayList<>();
    for (Path md : markdownFiles()) {
      List<String> lines = Files.readAllLines(md);
      String prev = "";
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i);
        if (line.startsWith("```")) {
          String lang = line.substring(3).strip();
          int start = i;
          StringBuilder text = new StringBuilder();
          for (i++; i < lines.size() && !lines.get(i).startsWith("```"); i++) {
            text.append(lines.get(i)).append('\n');
          }
          Matcher m = MARKER.matcher(prev);
          all.add(
              new Block(md, start + 1, lang, m.matches() ? m.group(1) : null, m.matches() ? m.group(2) : null,
                  text.toString()));
          prev = "";
          continue;
        }
        if (!line.isBlank()) {
          prev = line.strip();
        }
      }
    }
    return all;
  }

  static String buildVersion() throws IOException {
    return property(Files.readString(ROOT.resolve("pom.xml")), "version");
  }

  /** The first {@code <name>} element of a pom after its parent section: the project's own. */
  private static String property(String pom, String name) {
    String body = pom.replaceAll("(?s)<parent>.*?</parent>", "").replaceAll("(?s)<!--.*?-->", "");
    Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]*)</" + Pattern.quote(name) + ">").matcher(body);
    if (!m.find()) {
      throw new AssertionError("no <" + name + "> in pom");
    }
    return m.group(1).strip();
  }

  /** The lines between tag::TAG[] and end::TAG[] in FILE, de-indented, with pom properties filled in. */
  static String region(String ref) throws IOException {
    int hash = ref.indexOf('#');
    assertThat(hash).as("snippet reference %s needs PATH#TAG", ref).isPositive();
    Path file = ROOT.resolve(ref.substring(0, hash));
    String tag = ref.substring(hash + 1);
    assertThat(file).as("snippet source of %s", ref).isRegularFile();
    List<String> lines = Files.readAllLines(file);
    int start = -1;
    int end = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains("tag::" + tag + "[]")) {
        start = i + 1;
      } else if (lines.get(i).contains("end::" + tag + "[]")) {
        end = i;
      }
    }
    assertThat(start).as("tag::%s[] in %s", tag, file).isPositive();
    assertThat(end).as("end::%s[] in %s", tag, file).isGreaterThanOrEqualTo(start);
    List<String> body = lines.subList(start, end);
    int indent =
        body.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
    String text =
        body.stream().map(l -> l.isBlank() ? "" : l.substring(indent)).collect(Collectors.joining("\n", "", "\n"));
    if (file.getFileName().toString().equals("pom.xml")) {
      // ${name} of the pom's own <properties>; others (${project.basedir}) stay as Maven reads them
      Matcher section = Pattern.compile("(?s)<properties>(.*?)</properties>").matcher(Files.readString(file));
      String properties = section.find() ? section.group(1) : "";
      Matcher m = Pattern.compile("\\$\\{([a-zA-Z0-9.-]+)}").matcher(text);
      StringBuilder out = new StringBuilder();
      while (m.find()) {
        Matcher value = Pattern.compile("<" + Pattern.quote(m.group(1)) + ">([^<]*)</").matcher(properties);
        m.appendReplacement(out, Matcher.quoteReplacement(value.find() ? value.group(1).strip() : m.group()));
      }
      m.appendTail(out);
      text = out.toString();
    }
    return text.replace("@project.version@", buildVersion())
        .replace("@project.groupId@", "dev.modelscan")
        .replace("@project.artifactId@", "modelscan-maven-plugin");
  }

  @Test
  void everyJavaAndXmlBlockIsATaggedRegionOfABuiltSource() throws IOException {
    List<String> problems = new ArrayList<>();
    int checked = 0;
    for (Block b : blocks()) {
      if (!INCLUDED.contains(b.lang())) {
        continue;
      }
      if (!"snippet".equals(b.kind())) {
        problems.add(b.where() + ": a " + b.lang() + " block needs <!-- snippet: PATH#TAG --> on the line before it");
        continue;
      }
      String expected = region(b.ref());
      if (!expected.equals(b.text())) {
        problems.add(b.where() + ": differs from " + b.ref() + "; the source says:\n" + expected);
      }
      checked++;
    }
    assertThat(problems).as(String.join("\n\n", problems)).isEmpty();
    assertThat(checked).isGreaterThanOrEqualTo(10);
  }

  @Test
  void theTemplateAndTheDocsUseTheBuildVersion() throws IOException {
    String version = buildVersion();
    assertThat(property(Files.readString(ROOT.resolve("examples/scanner-plugin-template/pom.xml")),
        "modelscan.version")).isEqualTo(version);
    // Outside the included blocks: jar names, report examples, log lines, coordinates in prose.
    Pattern versions =
        Pattern.compile("(?:modelscan[a-z-]*[-: ]|\"version\": \"|<version>)(\\d+\\.\\d+\\.\\d+[A-Za-z0-9-]*)");
    List<String> wrong = new ArrayList<>();
    for (Path md : markdownFiles()) {
      String text = Files.readString(md);
      for (Block b : blocks()) {
        if (b.file().equals(md) && INCLUDED.contains(b.lang())) {
          text = text.replace(b.text(), "");
        }
      }
      Matcher m = versions.matcher(text);
      while (m.find()) {
        if (!m.group(1).equals(version)) {
          wrong.add(ROOT.relativize(md) + ": '" + m.group() + "' (the build is " + version + ")");
        }
      }
    }
    assertThat(wrong).isEmpty();
  }

  @Test
  void junitVersionNamedInTheScannerGuideIsTheOneTheTestkitBrings() throws IOException {
    String junit = property(Files.readString(ROOT.resolve("pom.xml")), "junit.version");
    String guide = Files.readString(ROOT.resolve("docs/writing-a-scanner.md"));
    assertThat(guide).contains("JUnit Jupiter " + junit);
    assertThat(Files.readString(ROOT.resolve("modelscan-testkit/pom.xml"))).contains("junit-jupiter-api");
  }

  @Test
  void scannerNamesInTheDocsAreRegistered() throws IOException {
    Set<String> names =
        ScannerRegistry.loadDefault().descriptors().stream().map(d -> d.name()).collect(Collectors.toSet());
    Pattern exclude = Pattern.compile("exclude\\(\"([^\"]+)\"\\)");
    int seen = 0;
    for (Block b : blocks()) {
      Matcher m = exclude.matcher(b.text());
      while (m.find()) {
        assertThat(names).as("%s: exclude(\"%s\") names no scanner", b.where(), m.group(1)).contains(m.group(1));
        seen++;
      }
    }
    assertThat(seen).isPositive();
  }

  @Test
  void theEmbeddingGuideStartsWithItsTitle() throws IOException {
    for (Path md : markdownFiles()) {
      List<String> lines = Files.readAllLines(md).stream().filter(l -> !l.isBlank()).toList();
      assertThat(lines.get(0)).as("%s starts with its title", md).startsWith("# ");
      assertThat(lines.get(1)).as("%s: the first paragraph is for readers", md)
          .doesNotContainIgnoringCase("text for the readme");
    }
  }

  @Test
  void relativeLinksAndNamedPathsExist() throws IOException {
    // [text](path) links, and `folder/...` paths in backticks that name a file or folder of this repository
    Pattern link = Pattern.compile("\\]\\(([^)#:]+)(#[^)]*)?\\)");
    Pattern named = Pattern.compile("`((?:examples|formats|tests|docs|modelscan-[a-z]+)/[A-Za-z0-9_./-]+)`");
    List<String> missing = new ArrayList<>();
    for (Path md : markdownFiles()) {
      String text = Files.readString(md);
      Matcher m = link.matcher(text);
      while (m.find()) {
        if (!Files.exists(md.getParent().resolve(m.group(1)))) {
          missing.add(ROOT.relativize(md) + ": link " + m.group(1));
        }
      }
      m = named.matcher(text);
      while (m.find()) {
        String path = m.group(1);
        if (!Files.exists(ROOT.resolve(path)) && !path.contains("*") && !path.contains("/target/")) {
          missing.add(ROOT.relativize(md) + ": path " + m.group(1));
        }
      }
    }
    assertThat(missing).isEmpty();
  }

  // ---- the Java snippets do what their text says ----

  @Test
  void theReadmeExampleScansAFolderAndBytes(@TempDir Path dir) throws IOException {
    Path models = Files.createDirectories(dir.resolve("models"));
    Files.copy(ROOT.resolve("samples/malicious/os_system.pkl"), models.resolve("model.pkl"));
    byte[] upload = Files.readAllBytes(ROOT.resolve("samples/clean/linear_state_dict.pt"));
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    FileResult result;
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      result = EmbeddingExamples.readme(models, upload);
    } finally {
      System.setOut(original);
    }
    assertThat(captured.toString(StandardCharsets.UTF_8)).startsWith("CRITICAL PICKLE-DANGEROUS-GLOBAL ")
        .contains("model.pkl");
    assertThat(result.status()).isEqualTo(ScanStatus.COMPLETE);
    assertThat(result.findings()).isEmpty();
  }

  @Test
  void theConfigurationExampleBuilds() {
    ModelScan modelScan = EmbeddingExamples.configuration();
    assertThat(modelScan.settings().mode()).isEqualTo(ScanMode.THOROUGH);
    assertThat(modelScan.reportPolicy().severityThreshold()).isEqualTo(Severity.HIGH);
    assertThat(modelScan.settings().limits().maxNestingDepth()).isEqualTo(5);
    assertThat(dev.modelscan.pickle.settings.PickleSettings.of(modelScan.settings()).allowedGlobals())
        .containsExactly("mypkg.layers.Custom");
  }

  @Test
  void theRegistryExampleLeavesTheHdf5ScannerOut() {
    assertThat(ScannerRegistry.loadDefault().descriptors()).anyMatch(d -> d.name().equals("hdf5"));
    ScannerRegistry registry = EmbeddingExamples.registry(ModelScan.class.getClassLoader());
    assertThat(registry.descriptors()).noneMatch(d -> d.name().equals("hdf5"));
    assertThat(registry.descriptors()).anyMatch(d -> d.name().equals("in-house"));
  }

  @Test
  void theProgressAndReportExamplesRun(@TempDir Path dir) throws IOException {
    Files.copy(ROOT.resolve("samples/malicious/os_system.pkl"), dir.resolve("m.pkl"));
    Map<String, Long> seen = new ConcurrentHashMap<>();
    ModelScan modelScan = EmbeddingExamples.progress(new EmbeddingExamples.ProgressBar() {
      @Override public void start(int files, long bytes) { seen.put("files", (long) files); }
      @Override public void current(String path) { seen.put("current", 1L); }
      @Override public void advance(long bytesDone) { seen.put("done", bytesDone); }
    });
    ScanReport report = modelScan.scan(dir.resolve("m.pkl"));
    assertThat(seen).containsEntry("files", 1L).containsEntry("done", Files.size(dir.resolve("m.pkl")));
    StringWriter writer = new StringWriter();
    EmbeddingExamples.reports(report, ScannerRegistry.loadDefault(), dir, writer);
    assertThat(Files.readString(dir.resolve("modelscan.sarif"))).contains("PICKLE-DANGEROUS-GLOBAL");
    assertThat(writer.toString()).contains("\"schemaVersion\"").contains("Verdict: UNSAFE");
  }

  @Test
  void theJsonReportExampleUsesTheWritersFieldNames(@TempDir Path dir) throws IOException {
    Block example = blocks().stream().filter(b -> b.lang().equals("json") && b.text().contains("\"schemaVersion\""))
        .findFirst().orElseThrow(() -> new AssertionError("no JSON report example"));
    Files.copy(ROOT.resolve("samples/malicious/checkpoint_payload.pt"), dir.resolve("checkpoint.pt"));
    StringWriter real = new StringWriter();
    new dev.modelscan.core.report.JsonReportWriter().write(ModelScan.builder().build().scan(dir), real);
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    Set<String> shown = fieldNames(json.readTree(example.text().replace("\"…\"", "\"x\"")), "");
    Set<String> written = fieldNames(json.readTree(real.toString()), "");
    assertThat(written).as("fields of a real report").containsAll(shown);
  }

  private static Set<String> fieldNames(com.fasterxml.jackson.databind.JsonNode node, String prefix) {
    Set<String> names = new java.util.TreeSet<>();
    if (node.isArray()) {
      node.forEach(n -> names.addAll(fieldNames(n, prefix + "[]")));
    } else if (node.isObject()) {
      node.fieldNames().forEachRemaining(f -> {
        names.add(prefix + "." + f);
        names.addAll(fieldNames(node.get(f), prefix + "." + f));
      });
    }
    return names;
  }

  // ---- shell commands ----

  /** The commands of every shell block, without comments, with the comment kept for "exits N". */
  record Command(Block block, List<String> words, String comment) {}

  static List<Command> commands() throws IOException {
    List<Command> all = new ArrayList<>();
    for (Block b : blocks()) {
      if (!SHELL.contains(b.lang())) {
        continue;
      }
      String joined = b.text().replace("\\\n", " ");
      for (String line : joined.split("\n")) {
        if (line.isBlank()) {
          continue;
        }
        List<String> words = new ArrayList<>();
        String comment = "";
        StringBuilder w = new StringBuilder();
        boolean quoted = false;
        boolean inWord = false;
        for (int i = 0; i < line.length(); i++) {
          char c = line.charAt(i);
          if (c == '\'') {
            quoted = !quoted;
            inWord = true;
          } else if (!quoted && c == '#' && !inWord) {
            comment = line.substring(i + 1).strip();
            break;
          } else if (!quoted && Character.isWhitespace(c)) {
            if (inWord) {
              words.add(w.toString());
              w.setLength(0);
              inWord = false;
            }
          } else {
            w.append(c);
            inWord = true;
          }
        }
        if (inWord) {
          words.add(w.toString());
        }
        if (!words.isEmpty()) {
          all.add(new Command(b, words, comment));
        }
      }
    }
    return all;
  }

  @Test
  void everyShellCommandIsRunOrParsed() throws Exception {
    Set<String> programs = new LinkedHashSet<>();
    int ran = 0;
    for (Command c : commands()) {
      String program = c.words().get(0);
      programs.add(program);
      List<String> args = c.words().subList(1, c.words().size());
      String where = c.block().where() + ": " + String.join(" ", c.words());
      switch (program) {
        case "bin/modelscan" -> {
          assertThat(ROOT.resolve(program)).isRegularFile();
          Matcher exits = Pattern.compile("exits (\\d)").matcher(c.comment());
          if (args.contains("[options]")) {
            // the synopsis: every option it names must exist
            assertThat(run(List.of("scan", "--help"))).as(where).isZero();
          } else if (exits.find()) {
            List<String> resolved = args.stream().map(a -> !a.startsWith("-") && Files.exists(ROOT.resolve(a))
                ? ROOT.resolve(a).toString() : a).toList();
            assertThat(run(resolved)).as(where).isEqualTo(Integer.parseInt(exits.group(1)));
            ran++;
          } else {
            // a command on the reader's own files: the options must parse, whatever the paths hold
            try {
              new picocli.CommandLine(new RootCommand()).parseArgs(args.toArray(String[]::new));
            } catch (picocli.CommandLine.ParameterException e) {
              fail(where + ": " + e.getMessage());
            }
          }
        }
        case "mvn" -> checkMaven(where, args);
        case "java" -> checkJava(where, args);
        case "bin/modelscan-spark", "spark-submit" -> checkSpark(where, program, args);
        default -> fail(where + ": no test knows the program '" + program + "'");
      }
    }
    assertThat(programs).contains("bin/modelscan", "mvn");
    assertThat(ran).isPositive();
  }

  private static int run(List<String> args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    return Main.run(args.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
  }

  /**
   * A launch without bin/modelscan (docs/cli.md): the class-path form names the main class, the module-path form the
   * module and main class, and the CLI's own arguments after them parse.
   */
  private static void checkJava(String where, List<String> args) {
    int main = args.indexOf(Main.class.getName());
    int module = args.indexOf("dev.modelscan.cli/" + Main.class.getName());
    assertThat(main >= 0 || (module > 0 && args.get(module - 1).equals("-m")))
        .as("%s: launches neither %s nor -m dev.modelscan.cli/%s", where, Main.class.getName(), Main.class.getName())
        .isTrue();
    List<String> cli = args.subList(Math.max(main, module) + 1, args.size());
    try {
      new picocli.CommandLine(new RootCommand()).parseArgs(cli.toArray(String[]::new));
    } catch (picocli.CommandLine.ParameterException e) {
      fail(where + ": " + e.getMessage());
    }
  }

  /** Modules exist, and every -Dmodelscan.X is a parameter property of the plugin. */
  private static void checkMaven(String where, List<String> args) throws IOException {
    String mojo = Files.readString(ROOT.resolve(
        "modelscan-maven-plugin/src/main/java/dev/modelscan/maven/ScanMojo.java"));
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("-pl")) {
        for (String module : args.get(++i).split(",")) {
          assertThat(ROOT.resolve(module).resolve("pom.xml")).as(where).isRegularFile();
        }
      } else if (a.startsWith("-Dmodelscan.")) {
        String property = a.substring(2, a.indexOf('=') < 0 ? a.length() : a.indexOf('='));
        assertThat(mojo).as("%s: %s is no parameter of the plugin", where, property)
            .contains("property = \"" + property + "\"");
      } else if (a.startsWith("modelscan:")) {
        assertThat(mojo).as(where).contains("name = \"" + a.substring("modelscan:".length()) + "\"");
      }
    }
  }

  /** The launcher exists, the main class exists, and every option after the job's jar is one the job reads. */
  private static void checkSpark(String where, String program, List<String> args) throws IOException {
    Path sources = ROOT.resolve("modelscan-spark/src/main/java");
    String all;
    try (Stream<Path> s = Files.walk(sources)) {
      all = s.filter(f -> f.toString().endsWith(".java")).map(f -> {
        try {
          return Files.readString(f);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }).collect(Collectors.joining("\n"));
    }
    int jobArgs = 0;
    if (program.equals("spark-submit")) {
      int cls = args.indexOf("--class");
      assertThat(cls).as(where).isNotNegative();
      assertThat(sources.resolve(args.get(cls + 1).replace('.', '/') + ".java")).as(where).isRegularFile();
      jobArgs = args.size();
      for (int i = 0; i < args.size(); i++) {
        if (args.get(i).endsWith(".jar")) {
          jobArgs = i + 1;
          break;
        }
      }
    } else {
      assertThat(ROOT.resolve(program)).as(where).isRegularFile();
    }
    // The job reads its own options (--format, --overwrite) and hands every other to the engine's option layer.
    dev.modelscan.core.options.ScanOptions shared =
        dev.modelscan.core.options.ScanOptions.forRegistry(dev.modelscan.core.ScannerRegistry.loadDefault());
    for (String a : args.subList(jobArgs, args.size())) {
      if (a.startsWith("--")) {
        String name = a.substring(2).split("=", 2)[0];
        assertThat(all.contains("\"" + a + "\"") || shared.knows(name))
            .as("%s: the Spark job reads no option %s", where, a)
            .isTrue();
      }
    }
  }
}
