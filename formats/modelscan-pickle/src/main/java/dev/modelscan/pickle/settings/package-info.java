/**
 * The settings of the pickle scanners ({@link dev.modelscan.pickle.settings.PickleSettings}): their resource limits,
 * the allow and deny lists of Python globals, and what the scan modes mean for pickles. Set them with {@code
 * ScanSettings.builder().extension(PickleSettings.class, ...)}; the command line and the Maven plugin set them from
 * their options.
 *
 * @since 0.2
 */
package dev.modelscan.pickle.settings;
