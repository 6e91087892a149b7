/**
 * {@link dev.modelscan.jinja.TemplateAnalyzer}: finds Jinja2 sandbox escapes in a template without rendering it, in
 * time linear in the template's length; {@link dev.modelscan.jinja.TemplateRules}: the one rule every scanner reports
 * them under.
 *
 * @since 0.1
 */
package dev.modelscan.jinja;
