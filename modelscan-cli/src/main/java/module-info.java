/**
 * The {@code modelscan} command-line tool.
 *
 * <p>It needs no {@code requires} of the format modules: the engine declares {@code uses ModelScanner}, so every
 * module on the module path that {@code provides} a scanner is bound when the CLI starts ({@code java -p lib -m
 * dev.modelscan.cli}). Exports nothing.
 *
 * @since 0.1
 */
module dev.modelscan.cli {
  requires dev.modelscan.core;
  requires info.picocli;
  // modelscan.toml: core reads it with the TOML module, which core only requires statically.
  requires com.fasterxml.jackson.dataformat.toml;

  // picocli reads and sets the @Command/@Option fields and calls the command methods by reflection.
  opens dev.modelscan.cli to info.picocli;
}
