package dev.modelscan.media;

import dev.modelscan.api.Rule;
import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.api.spi.ScannerDescriptor;
import java.util.List;

/**
 * What every companion-file scanner of this module has in common: a fixed descriptor and a fixed rule list, so that
 * each scanner holds only its recognition and its walk.
 */
abstract class MediaScanner implements ModelScanner {
  private final ScannerDescriptor descriptor;
  private final List<Rule> rules;

  MediaScanner(ScannerDescriptor descriptor, List<Rule> rules) {
    this.descriptor = descriptor;
    this.rules = List.copyOf(rules);
  }

  @Override
  public final ScannerDescriptor descriptor() {
    return descriptor;
  }

  @Override
  public final List<Rule> rules() {
    return rules;
  }
}
