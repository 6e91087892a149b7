package dev.modelscan.jinja;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelscan.api.Severity;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class TemplateAnalyzerTest {

  /** Never stops: these tests are about findings, not deadlines. */
  private static final Runnable NO_DEADLINE = () -> {};

  static List<TemplateIssue> analyze(String template) {
    return TemplateAnalyzer.analyze(template, NO_DEADLINE);
  }

  private static Severity worst(String template) {
    List<TemplateIssue> issues = analyze(template);
    assertThat(issues).as("issues of %s", template).isNotEmpty();
    return issues.get(0).severity();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{% for m in messages %}{{ '<|im_start|>' + m['role'] + '\\n' + m['content'] + '<|im_end|>\\n' }}{% endfor %}",
        "{%- set ns = namespace(found=false) -%}{%- for m in messages -%}{%- if m.role == 'system' -%}"
            + "{%- set ns.found = true -%}{%- endif -%}{%- endfor -%}{{ ns.found }}",
        "{{ bos_token }}{% if messages|length == 0 %}{{ raise_exception('no messages') }}{% endif %}"
            + "{{ messages[0]['content'] | trim | tojson(indent=4) }}{# a comment with __class__ is not code #}",
        "{{ 'You can execute code with the python tool; never call os functions.' }}",
        "plain text mentioning cycler and popen outside any code region",
        "{{ strftime_now('%d %b %Y') }}{{ message['content'] ~ eos_token }}",
        "{%- set system = messages[0].content -%}{%- set sys = system|trim -%}{%- set open = '<tool>' -%}{{ sys }}",
        "{%- for tool_call in message.tool_calls -%}{{ tool_call.function.name ~ '(' ~ tool_call.arguments|tojson"
            + " ~ ')' }}{%- endfor -%}",
        // Markdown in a literal that is only printed: text, not an attribute (a false alarm before).
        "{{ '__Note__: be nice' }}",
        "{{ '__Note__' }}{% set n = '__Note__' %}{{ n }}",
        "{% if message.content.startswith('**') %}{{ message.content }}{% endif %}",
        "{{ roles['system'] }}{% set roles = {'system': 'S', 'user': 'U'} %}",
        "{% set ns = namespace(system=false) %}{% set ns.system = true %}{{ ns.system }}{{ message.system }}",
        "{{ tools|map(attribute='function.name')|join(', ') }}{{ messages|selectattr('role', 'equalto', 'user') }}",
        "{{ loop.index }}{{ loop.index0 }}{{ loop.first }}{{ loop.last }}{{ range(3)|list }}{{ x is divisibleby 3 }}",
        "{{ {'a': {'b': 1}} }}{{ '}}' }}{{ x if y else z }}{{ (a, b) }}{{ not x in y }}{{ x is not none }}",
        "{% macro render(m, sep=', ') %}{{ m.content }}{% endmacro %}{{ render(messages[0]) }}",
        "{{ cycler('odd', 'even').next() }}{{ joiner(', ')() }}{{ lipsum(1) }}{{ dict(a=1)|length }}",
        // The shape of the Hermes 2 Pro tool template: a recursive macro, a dict looked up by a parameter's field.
        "{%- macro json_to_python_type(json_spec) %}{%- set basic_type_map = {\"string\": \"str\", \"number\":"
            + " \"float\", \"integer\": \"int\", \"boolean\": \"bool\"} %}{%- if basic_type_map[json_spec.type]"
            + " is defined %}{{- basic_type_map[json_spec.type] }}{%- elif json_spec.type == \"array\" %}{{- \"list[\""
            + " + json_to_python_type(json_spec|items) + \"]\" }}{%- else %}{{- \"Any\" }}{%- endif %}{%- endmacro %}"
            + "{%- for tool in tools %}{%- for param_name, param_fields in tool.parameters.properties|items %}"
            + "{{- param_name + \": \" + json_to_python_type(param_fields) }}{{- tool.description.split(\"\\n\\n\")[0] }}"
            + "{%- endfor %}{%- endfor %}",
      })
  void normalTemplatesHaveNoIndicator(String template) {
    assertThat(analyze(template)).isEmpty();
  }

  /** Public chat templates of real models: see benign/README.md for where each comes from. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "chatml-qwen.jinja", "llama3.jinja", "llama31-tools.jinja", "mistral-instruct.jinja", "mistral-tools.jinja",
        "gemma.jinja", "phi3.jinja", "deepseek-r1.jinja", "qwen25-tools.jinja", "markdown-and-generation.jinja"
      })
  void realWorldChatTemplatesHaveNoIndicator(String file) throws IOException {
    assertThat(analyze(resource("benign/" + file))).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{{ cycler.__init__.__globals__.os.popen('echo pwned').read() }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ joiner.__init__.__globals__['__builtins__']['__import__']('os') }}",
        "{{ namespace.__init__.__globals__.os.system('echo pwned') }}",
        "{% set x = '__cla' ~ 'ss__' %}{{ messages|attr(x) }}",
        "{% set x = '__glo' + 'bals__' %}{{ x }}",
        "{{ messages|attr(['__cl', 'ass__']|join) }}",
        "{{ messages|attr('__CLASS__'|lower) }}",
        "{{ messages|attr('__ssalc__'|reverse) }}",
        "{{ messages|attr('\\x5f\\x5fclass\\x5f\\x5f') }}",
        "{{ messages|attr('\\u005f\\u005fclass\\u005f\\u005f') }}",
        "{{ messages|attr('\\137\\137class\\137\\137') }}",
        "{{ request.application.__globals__ }}",
        "{{ x.eval('1+1') }}",
        "{{ messages|attr('_' * 2 ~ 'class' ~ '_' * 2) }}",
        "{{ dict(__class__=1)|first }}",
        "{{ x.system('echo pwned') }}",
        // Was HIGH as "dangerous name as string": attr('popen') reaches popen, which is the escape itself.
        "{{ messages|attr('popen') }}",
      })
  void sandboxEscapesAreCritical(String template) {
    assertThat(worst(template)).isEqualTo(Severity.CRITICAL);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{{ lipsum }}",
        "{{ self }}",
        "{{ messages[0]|attr('content') }}",
        "{{ config.items() }}",
        "{{ url_for }}",
        "{{ (joiner) }}",
      })
  void gadgetsAndIndirectAccessAreHigh(String template) {
    assertThat(worst(template)).isEqualTo(Severity.HIGH);
  }

  @ParameterizedTest
  @ValueSource(strings = {"{% include 'other.j2' %}", "{% import 'macros.j2' as m %}", "{% extends 'b.j2' %}",
      "{% from 'm.j2' import a as b %}"})
  void templateLoadingIsMedium(String template) {
    assertThat(worst(template)).isEqualTo(Severity.MEDIUM);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"{{ '%c%c'|format(95, 95) }}", "{{ '{0}{0}'.format(x) }}", "{{ tool.name|replace('_', ' ') }}"})
  void stringBuildingAloneIsLow(String template) {
    assertThat(worst(template)).isEqualTo(Severity.LOW);
  }

  // ----------------------------------------------------------------------------------------------------------------
  // Every access form crossed with every way of building the name.

  /** Expressions that evaluate to the string {@code __class__}. */
  static final List<String> BUILT_CLASS =
      List.of(
          "'__class__'",
          "'__cla' ~ 'ss__'",
          "'__cla' + 'ss__'",
          "'__cla' 'ss__'",
          "\"__cla\" ~ \"ss__\"",
          "['__cl', 'ass__']|join",
          "['__cl', 'ass__']|join('')",
          "''.join(['__cl', 'ass__'])",
          "'{}{}'.format('__cl', 'ass__')",
          "'{0}class{0}'.format('__')",
          "'%s%s' % ('__cl', 'ass__')",
          "'%c%cclass%c%c' % (95, 95, 95, 95)",
          "'%c%cclass%c%c'|format(95, 95, 95, 95)",
          "'x_'[1]*2 ~ 'class' ~ 'x_'[1]*2",
          "'_' * 2 ~ 'class' ~ '_' * 2",
          "2 * '_' ~ 'class' ~ '_' * (1 + 1)",
          "'__ssalc__'|reverse",
          "'__ssalc__'[::-1]",
          "'a__class__b'[1:-1]",
          "'..__class__'[2:]",
          "'__CLASS__'|lower",
          "'__class__'|upper|lower",
          "'__xlass__'|replace('x', 'c')",
          "'\\x5f\\x5fclass\\x5f\\x5f'",
          "'\\u005f\\u005fclass\\u005f\\u005f'",
          "'\\U0000005f\\U0000005fclass__'",
          "'\\137\\137class\\137\\137'",
          "'\\N{LOW LINE}\\N{LOW LINE}class\\N{LOW LINE}\\N{LOW LINE}'",
          "dict(__class__=1)|first",
          "{'__class__': 1}|list|first",
          "['x', '__class__']|last",
          "('__cl' if true else '__cl') ~ 'ass__'",
          "'__cl' ~ ('ass__' or x)",
          "('__cl', 'ass__')|join",
          "'_'|list|first * 2 ~ 'class__'",
          "'a_b'.split('a')[1][0] * 2 ~ 'class__'");

  /** Ways to use a name as an attribute, {@code N} standing for the name expression. */
  static final List<String> ACCESS =
      List.of(
          "{{ messages|attr(N) }}",
          "{{ messages[N] }}",
          "{{ messages[(N)] }}",
          "{{ messages|map(attribute=N)|first }}",
          "{{ messages|map('attr', N)|list }}",
          "{{ messages|selectattr(N)|list }}",
          "{{ messages|rejectattr(N)|list }}",
          "{{ messages|sort(attribute=N) }}",
          "{{ messages|groupby(N) }}",
          "{{ messages|sum(attribute=N) }}",
          "{{ messages|join(',', attribute=N) }}",
          "{% set k = N %}{{ messages[k] }}",
          "{% set ns = namespace(k='') %}{% set ns.k = N %}{{ messages|attr(ns.k) }}",
          "{% with k = N %}{{ messages[k] }}{% endwith %}",
          "{% for k in [N] %}{{ messages[k] }}{% endfor %}",
          "{% macro m(k=N) %}{{ messages[k] }}{% endmacro %}{{ m() }}",
          "{{ messages.get(N) }}",
          "{{ (N).join([]) }}{{ messages[N] }}");

  static Stream<Arguments> builtAccesses() {
    List<Arguments> out = new ArrayList<>();
    for (String access : ACCESS) {
      for (String name : BUILT_CLASS) {
        out.add(Arguments.of(access.replace("N", name)));
      }
    }
    return out.stream();
  }

  @ParameterizedTest
  @MethodSource("builtAccesses")
  void everyBuiltDunderReachingAnAttributeIsCritical(String template) {
    assertThat(worst(template)).isEqualTo(Severity.CRITICAL);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{{ '{0.__class__}'.format(messages) }}",
        "{{ '{0.__class__.__mro__}'.format(messages) }}",
        "{{ '{m.__init__.__globals__}'.format(m=cycler) }}",
        "{{ ('{0.__cla' ~ 'ss__}').format(messages) }}",
        "{{ self._TemplateReference__context }}",
        "{{ x.func_globals }}",
        "{{ x.gi_frame.f_back }}",
        "{{ x.mro() }}",
        "{{ lipsum.__globals__['os'].popen('echo pwned').read() }}",
        "{{ lipsum|attr('__globals__') }}",
        "{{ range.__subclasses__() }}",
        "{{ dict.__base__ }}",
        "{{ x['popen']('echo pwned') }}",
        "{{ x|attr('sys') }}",
        "{{ x.sys.modules['os'] }}",
        "{{ x.open('/etc/passwd').read() }}",
        "{{ ｅｖａｌ }}",
        "{% set p = ['__cla', 'ss__'] %}{{ messages|attr(p|join) }}",
        "{% set a = '_' %}{% set b = a * 2 %}{{ messages|attr(b ~ 'class' ~ b) }}",
        "{% set ns = namespace(u='_') %}{{ messages[ns.u * 2 ~ 'class' ~ ns.u * 2] }}",
        "{% filter upper %}{{ messages.__class__ }}{% endfilter %}",
        "{% if messages.__class__ %}{% endif %}",
        "{% for x in messages.__class__.__mro__ %}{% endfor %}",
        "{{ x if messages.__class__ else y }}",
        "{{ f(messages.__class__) }}",
        "{{ f(key=messages.__class__) }}",
        "{{ [messages.__class__] }}",
        "{{ {'a': messages.__class__} }}",
        "{{- messages.__class__ -}}",
        "{%- set x = messages.__class__ -%}",
        "{% set x %}{{ messages.__class__ }}{% endset %}",
        "{{ messages|map('upper')|attr('__class__') }}",
        "{{ messages|selectattr('a.__class__') }}",
        "{% call(x) m(messages.__class__) %}{% endcall %}",
        // A macro defined before the variable it reads: it runs when called, after the assignment.
        "{% macro m() %}{{ messages[k * 2 ~ 'class' ~ k * 2] }}{% endmacro %}{% set k = '_' %}{{ m() }}",
      })
  void otherAccessFormsAreCritical(String template) {
    assertThat(worst(template)).isEqualTo(Severity.CRITICAL);
  }

  /**
   * Names the analysis cannot fold, built from pieces that can spell one: reported rather than ignored (fail closed).
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "{{ messages|attr(x) }}",
        "{{ messages|attr('__cla' ~ x) }}",
        "{{ messages['__cla' ~ x] }}",
        "{{ messages[x ~ '_' ~ y] }}",
        "{{ messages[(lipsum|string)[10]] }}",
        "{{ messages[bos_token[0] * 2 ~ 'class' ~ bos_token[0] * 2] }}",
        "{% set k %}__class__{% endset %}{{ messages[k] }}",
        "{% set k %}__class__{% endset %}{{ messages|attr(k) }}",
        "{{ messages|attr('_' * 300) }}",
        "{{ messages[('x' * 300 ~ '__class__')[300:]] }}",
        "{{ messages|map(attribute=x) }}",
        "{{ messages|map(f, x) }}",
        "{{ (x ~ '{0.__cla').format(y) }}",
        // Characters picked out of the text of a Python object or of data the analysis does not know.
        "{{ messages[(raise_exception|string)|list|first * 2 ~ 'class__'] }}",
        "{{ messages[(raise_exception|string)[0:1] * 2 ~ 'class__'] }}",
        "{{ messages[(strftime_now|string|reverse|first) ~ 'x'] }}",
        "{{ messages[(x|join)[3] ~ 'x'] }}",
        "{{ messages['%(a)s%(a)s'|format(a='_') ~ 'class__'] }}",
        // A namespace attribute read at the top of a loop body and built further down: the next iteration reads it.
        "{% set ns = namespace(k='') %}{% for p in ['__cl', 'ass__'] %}{{ messages[ns.k] }}"
            + "{% set ns.k = ns.k ~ p %}{% endfor %}",
      })
  void namesThatCannotBeFoldedAreAtLeastHigh(String template) {
    assertThat(worst(template).isAtLeast(Severity.HIGH)).as(template).isTrue();
  }

  // ----------------------------------------------------------------------------------------------------------------
  // Linear time (issue 14 item 2): adversarial shapes finish, and the payload after them is still found.

  private static final String PAYLOAD = "{{ cycler.__init__.__globals__.os.popen('echo pwned').read() }}";

  static Stream<Arguments> adversarial() {
    int mib = 1 << 20;
    return Stream.of(
        Arguments.of("200k underscores", "{{ " + "_".repeat(200_000) + " }}"),
        Arguments.of("1 MiB underscores", "{{ " + "_".repeat(mib) + " }}"),
        Arguments.of("1 MiB underscores with letters", "{{ __" + "_a".repeat(mib / 2) + " }}"),
        Arguments.of("1 MiB underscores in a literal", "{{ '" + "_".repeat(mib) + "' }}"),
        Arguments.of("1 MiB text of braces", "{ {".repeat(mib / 3) + "x"),
        Arguments.of("1 MiB of open parentheses", "{{ " + "(".repeat(mib) + " }}}}"),
        Arguments.of("1 MiB of nested lists", "{{ " + "[".repeat(mib / 2) + "]".repeat(mib / 2) + " }}"),
        Arguments.of("1 MiB of unary minus", "{{ " + "-".repeat(mib) + "1 }}"),
        Arguments.of("1 MiB of not", "{{ " + "not ".repeat(mib / 4) + "x }}"),
        Arguments.of("1 MiB concatenation", "{{ 'a'" + " ~ 'a'".repeat(mib / 6) + " }}"),
        Arguments.of("1 MiB underscore concatenation", "{{ '_'" + " ~ '_'".repeat(mib / 6) + " }}"),
        Arguments.of("1 MiB attribute chain", "{{ x" + ".a".repeat(mib / 2) + " }}"),
        Arguments.of("1 MiB filter chain", "{{ x" + "|lower".repeat(mib / 6) + " }}"),
        Arguments.of("1 MiB of escaped quotes", "{{ '" + "\\' ".repeat(mib / 3) + " }}{{ '"),
        Arguments.of("1 MiB of tag openers", "{%".repeat(mib / 2) + " %}"),
        Arguments.of("1 MiB of raw look-alikes", "{% raw %}" + "{% endra ".repeat(mib / 10) + "{% endraw %}"),
        Arguments.of("1 MiB of sets", "{% set a = '_' %}" + "{% set a = a ~ '_' %}".repeat(mib / 22)),
        Arguments.of("1 MiB of distinct variables", gen(mib, i -> "{% set v" + i + " = '" + i + "' %}")),
        Arguments.of("1 MiB of long strings repeated", "{{ " + ("'" + "a".repeat(4000) + "' ~ ").repeat(mib / 4008)
            + "'' }}"),
        Arguments.of("1 MiB of %c formats", "{{ '" + "%c".repeat(mib / 4) + "' % (" + "95,".repeat(mib / 8) + ") }}"));
  }

  private static String gen(int size, java.util.function.IntFunction<String> piece) {
    StringBuilder sb = new StringBuilder(size + 64);
    for (int i = 0; sb.length() < size; i++) {
      sb.append(piece.apply(i));
    }
    return sb.toString();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("adversarial")
  void adversarialTemplatesAreAnalysedAndThePayloadAfterThemIsFound(String label, String prefix) {
    String template = prefix + PAYLOAD;
    List<TemplateIssue> issues = analyze(template);
    assertThat(issues).as(label).anySatisfy(i -> {
      assertThat(i.indicator()).contains("popen");
      assertThat(i.severity()).isEqualTo(Severity.CRITICAL);
      assertThat(i.offset()).isGreaterThanOrEqualTo(prefix.length());
    });
    assertThat(issues).hasSizeLessThanOrEqualTo(TemplateAnalysis.MAX_ISSUES);
  }

  /**
   * Quotes that open strings Jinja never closes (the template is rejected by Jinja) must not make the lexer rescan the
   * rest of the text once per quote; what follows is still analysed as code.
   */
  @Test
  void unterminatedStringsAreLexedOnce() {
    String prefix = "{{ " + "\\' ".repeat((1 << 20) / 3) + " }}";
    List<TemplateIssue> issues = analyze(prefix + "{{ cycler.__init__.__globals__.os.popen(\"echo\").read() }}");
    assertThat(issues).anySatisfy(i -> {
      assertThat(i.indicator()).contains("popen");
      assertThat(i.offset()).isGreaterThan(prefix.length());
    });
  }

  @Test
  void aMegabyteOfDistinctDundersKeepsTheFirstHundred() {
    List<TemplateIssue> issues = analyze(gen(1 << 20, i -> "{{ x.__a" + i + "__ }}"));
    assertThat(issues).hasSize(TemplateAnalysis.MAX_ISSUES)
        .allSatisfy(i -> assertThat(i.severity()).isEqualTo(Severity.CRITICAL));
  }

  @Test
  void twoHundredThousandUnderscoresAreOneNameAndThePayloadIsFound() {
    String template = "{{ " + "_".repeat(200_000) + " }}" + PAYLOAD;
    List<TemplateIssue> issues = analyze(template);
    assertThat(issues).extracting(TemplateIssue::indicator)
        .anyMatch(s -> s.contains("__globals__")).anyMatch(s -> s.contains("popen"));
    // A name of underscores only is an undefined variable, not an attribute: nothing is said of it, and whatever is
    // said stays bounded.
    assertThat(issues).allSatisfy(i -> assertThat(i.indicator().length())
        .isLessThanOrEqualTo(TemplateIssue.MAX_INDICATOR_LENGTH));
  }

  @Test
  void theDeadlineIsCheckedInsideLongLoops() {
    AtomicInteger calls = new AtomicInteger();
    TemplateAnalyzer.analyze("{{ " + "_".repeat(1 << 20) + " }}", calls::incrementAndGet);
    assertThat(calls.get()).isGreaterThanOrEqualTo((1 << 20) / 4096);
    calls.set(0);
    TemplateAnalyzer.analyze("{{ '" + "a".repeat(1 << 20) + "' }}", calls::incrementAndGet);
    assertThat(calls.get()).isGreaterThanOrEqualTo((1 << 20) / 4096);
    calls.set(0);
    TemplateAnalyzer.analyze("x".repeat(1 << 20), calls::incrementAndGet);
    assertThat(calls.get()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void whatTheDeadlineThrowsStopsTheAnalysis() {
    RuntimeException stop = new IllegalStateException("deadline");
    AtomicInteger calls = new AtomicInteger();
    Runnable deadline = () -> {
      if (calls.incrementAndGet() > 3) {
        throw stop;
      }
    };
    assertThatThrownBy(() -> TemplateAnalyzer.analyze("{{ " + "x ~ ".repeat(1 << 18) + "x }}", deadline))
        .isSameAs(stop);
  }

  // ----------------------------------------------------------------------------------------------------------------
  // The shape of the result

  @Test
  void indicatorsAreBoundedAndEscaped() {
    List<TemplateIssue> issues = analyze("{{ x['__a\\n\\u001b[2Jb" + "c".repeat(500) + "__'] }}");
    assertThat(issues).isNotEmpty().allSatisfy(i -> {
      assertThat(i.indicator().length()).isLessThanOrEqualTo(TemplateIssue.MAX_INDICATOR_LENGTH);
      assertThat(i.indicator().chars()).noneMatch(c -> c < 0x20 || c == 0x7f);
    });
    assertThat(new TemplateIssue(Severity.LOW, "a\u202eb\nc", 0).indicator()).isEqualTo("a\\u202eb\\u000ac");
    assertThatThrownBy(() -> new TemplateIssue(Severity.LOW, "x", -1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void offsetsPointAtTheEvidence() {
    String template = "{{ messages[0].content }}\n{{ x.__class__ }}";
    List<TemplateIssue> issues = analyze(template);
    assertThat(issues).hasSize(1);
    assertThat(template.substring(issues.get(0).offset())).startsWith("__class__");
  }

  @Test
  void issuesAreOrderedStrongestFirstAndDescribedBriefly() {
    List<TemplateIssue> issues = analyze("{{ tool|replace('_', '-') }}{{ lipsum }}{{ x.__class__ }}");
    assertThat(issues).extracting(TemplateIssue::severity)
        .containsExactly(Severity.CRITICAL, Severity.HIGH, Severity.LOW);
    assertThat(TemplateAnalyzer.describe(issues, 1)).contains("__class__").endsWith("(and 2 more)");
    assertThat(TemplateAnalyzer.describe(issues, 8)).doesNotContain("more");
    assertThatThrownBy(() -> TemplateAnalyzer.describe(issues, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void manyIssuesKeepTheStrongest() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 300; i++) {
      sb.append("{{ x|replace('_', '").append(i).append("') }}{{ x._p").append(i).append(" }}");
    }
    sb.append("{{ x.__class__ }}");
    List<TemplateIssue> issues = analyze(sb.toString());
    assertThat(issues).hasSizeLessThanOrEqualTo(TemplateAnalysis.MAX_ISSUES);
    assertThat(issues.get(0).severity()).isEqualTo(Severity.CRITICAL);
  }

  @Test
  void deepNestingIsReportedAndStillChecked() {
    String template = "{{ " + "(".repeat(1000) + "x.__class__" + ")".repeat(1000) + " }}";
    List<TemplateIssue> issues = analyze(template);
    assertThat(issues).extracting(TemplateIssue::indicator)
        .anyMatch(s -> s.contains("nested deeper")).anyMatch(s -> s.contains("__class__"));
  }

  @Test
  void rawBlocksAndCommentsAreText() {
    assertThat(analyze("{% raw %}{{ x.__class__ }}{% endraw %}{#- {{ x.__class__ }} -#}")).isEmpty();
    assertThat(analyze("{%- raw -%}{{ x.__class__ }}{%- endraw -%}{{ y.__init__ }}")).hasSize(1);
    // A closing delimiter inside a string does not end the tag.
    assertThat(analyze("{{ '}}' ~ x.__class__ }}")).isNotEmpty();
    assertThat(analyze("{{ {'a': 1}}}{{ x.__class__ }}")).isNotEmpty();
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = TemplateAnalyzerTest.class.getResourceAsStream(name)) {
      assertThat(in).as(name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
