/**
 * The static Jinja2 template analyser shared by the scanners of every place a chat template lives.
 *
 * @since 0.1
 */
module dev.modelscan.jinja {
  requires transitive dev.modelscan.api;

  exports dev.modelscan.jinja;
}
