package dev.modelscan.jinja;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.Severity;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TemplateAnalyzerTest {

  /** Never stops: these tests are about findings, not deadlines. */
  private static final Runnable NO_DEADLINE = () -> {};

  static List<TemplateIssue> analyze(String template) {
    return TemplateAnalyzer.analyze(template, NO_DEADLINE);
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
            + " ~ ')' }}{%- endfor -%}"
      })
  void normalTemplatesHaveNoIndicator(String template) {
    assertThat(analyze(template)).isEmpty();
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
        "{{ x.system('echo pwned') }}"
      })
  void sandboxEscapesAreCritical(String template) {
    List<TemplateIssue> issues = analyze(template);
    assertThat(issues).isNotEmpty();
    assertThat(issues.get(0).severity()).isEqualTo(Severity.CRITICAL);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{{ lipsum }}",
        "{{ messages|attr('popen') }}",
        "{{ self }}",
        "{{ messages[0]|attr('content') }}",
        "{{ config.items() }}"
      })
  void gadgetsAndIndirectAccessAreHigh(String template) {
    List<TemplateIssue> issues = analyze(template);
    assertThat(issues).isNotEmpty();
    assertThat(issues.get(0).severity()).isEqualTo(Severity.HIGH);
  }

  @ParameterizedTest
  @ValueSource(strings = {"{% include 'other.j2' %}", "{% import 'macros.j2' as m %}"})
  void templateLoadingIsMedium(String template) {
    List<TemplateIssue> issues = analyze(template);
    assertThat(issues).isNotEmpty();
    assertThat(issues.get(0).severity()).isEqualTo(Severity.MEDIUM);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"{{ '%c%c'|format(95, 95) }}", "{{ '{0}{0}'.format(x) }}", "{{ tool.name|replace('_', ' ') }}"})
  void stringBuildingAloneIsLow(String template) {
    List<TemplateIssue> issues = analyze(template);
    assertThat(issues).isNotEmpty();
    assertThat(issues.get(0).severity()).isEqualTo(Severity.LOW);
  }
}
