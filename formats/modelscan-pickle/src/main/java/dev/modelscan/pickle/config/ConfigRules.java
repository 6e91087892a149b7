package dev.modelscan.pickle.config;

import dev.modelscan.api.Rule;
import dev.modelscan.api.Severity;
import dev.modelscan.api.StandardRules;
import dev.modelscan.api.ThreatType;
import dev.modelscan.jinja.TemplateRules;
import java.util.List;

/** The rules of the config scanner: callables that loaders instantiate, repository code, YAML tags, templates. */
final class ConfigRules {

  static final Rule DANGEROUS_TARGET =
      Rule.of(
          "CONFIG-DANGEROUS-TARGET",
          "Config makes the loader call a dangerous callable",
          "A Hydra/OmegaConf _target_ (or NeMo's target) names a callable that runs code or commands, imports modules,"
              + " or reaches files or the network. hydra.utils.instantiate imports and calls it with the config's"
              + " arguments when the model is loaded (NeMo restores model_config.yaml this way: CVE-2025-23304).",
          Severity.CRITICAL,
          ThreatType.CODE_INJECTION);

  static final Rule UNKNOWN_TARGET =
      Rule.of(
          "CONFIG-UNKNOWN-TARGET",
          "Config makes the loader call an unknown callable",
          "A Hydra/OmegaConf _target_ (or NeMo's target) names a callable that is not known to be safe. Instantiating"
              + " the config imports its module (running the module's code) and calls it; review it or allow it.",
          Severity.MEDIUM,
          ThreatType.UNKNOWN_REFERENCE);

  static final Rule DYNAMIC_TARGET =
      Rule.of(
          "CONFIG-DYNAMIC-TARGET",
          "Config computes the callable the loader calls",
          "A _target_ is not a plain dotted name: an interpolation (${...}), a resolver or an alias decides at load"
              + " time which callable is imported and called.",
          Severity.HIGH,
          ThreatType.CODE_INJECTION);

  static final Rule REMOTE_CODE =
      Rule.of(
          "CONFIG-REMOTE-CODE",
          "Config loads repository code (trust_remote_code)",
          "auto_map names Python modules that Hugging Face loaders import and run when the model is loaded with"
              + " trust_remote_code=True. Review those files (they are scanned as Python source when present); a"
              + " reference to another repository ('owner/repo--module.Class') runs code that is not in this folder.",
          Severity.MEDIUM,
          ThreatType.CODE_INJECTION);

  static final Rule PYTHON_TAG =
      Rule.of(
          "CONFIG-YAML-PYTHON-TAG",
          "YAML tag constructs Python objects",
          "A !!python/... tag makes PyYAML's unsafe and full loaders (yaml.load with Loader=UnsafeLoader/FullLoader,"
              + " yaml.unsafe_load) import modules, build objects or call functions while parsing.",
          Severity.HIGH,
          ThreatType.DESERIALIZATION);

  static final Rule CUSTOM_TAG =
      Rule.of(
          "CONFIG-YAML-CUSTOM-TAG",
          "YAML uses an application-specific tag",
          "A local or non-standard tag runs whatever constructor the loading application registered for it; safe"
              + " loaders reject it.",
          Severity.LOW,
          ThreatType.UNKNOWN_REFERENCE);

  static final Rule ALIAS_EXPANSION =
      Rule.of(
          "CONFIG-ALIAS-EXPANSION",
          "YAML aliases expand to a huge or endless structure",
          "Anchors and aliases that refer to each other (a 'billion laughs') or to an ancestor make loaders that copy"
              + " aliased nodes (OmegaConf, to_container, JSON export) build an exponential or infinite structure.",
          Severity.MEDIUM,
          ThreatType.DENIAL_OF_SERVICE);

  private static final List<Rule> ALL =
      List.of(
          DANGEROUS_TARGET,
          UNKNOWN_TARGET,
          DYNAMIC_TARGET,
          REMOTE_CODE,
          PYTHON_TAG,
          CUSTOM_TAG,
          ALIAS_EXPANSION,
          TemplateRules.TEMPLATE_INJECTION,
          StandardRules.MALFORMED_CONTENT,
          StandardRules.LIMIT_REACHED);

  private ConfigRules() {}

  static List<Rule> all() {
    return ALL;
  }
}
