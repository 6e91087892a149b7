package dev.modelscan.core.options;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileTest {

  private static final Set<String> KEYS =
      Set.of("severity-threshold", "max-file-size", "allow-global", "max-nesting-depth", "follow-dir-links");
  private static final String SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

  @TempDir Path dir;

  private ConfigFile parse(String toml) {
    return ConfigFile.parse(Path.of("modelscan.toml"), toml, KEYS);
  }

  @Test
  void valuesAreTextByLongOptionName() {
    ConfigFile c =
        parse(
            """
            # a comment
            severity-threshold = "HIGH"
            max-file-size = "2G"
            max-nesting-depth = 3
            follow-dir-links = true
            allow-global = ["collections.OrderedDict", "torch.nn.Linear"]
            """);
    assertThat(c.values())
        .containsExactly(
            Map.entry("severity-threshold", List.of("HIGH")),
            Map.entry("max-file-size", List.of("2G")),
            Map.entry("max-nesting-depth", List.of("3")),
            Map.entry("follow-dir-links", List.of("true")),
            Map.entry("allow-global", List.of("collections.OrderedDict", "torch.nn.Linear")));
    assertThat(c.suppressions()).isEmpty();
    assertThatThrownBy(() -> c.values().put("x", List.of())).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void anUnknownKeyIsNamed() {
    assertThatThrownBy(() -> parse("severity-treshold = \"HIGH\"\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("modelscan.toml")
        .hasMessageContaining("unknown key 'severity-treshold'");
    assertThatThrownBy(() -> parse("[limits]\nmax-file-size = \"1G\"\n")).hasMessageContaining("unknown key 'limits'");
  }

  @Test
  void nestedValuesAndBadSyntaxAreRejected() {
    assertThatThrownBy(() -> parse("allow-global = [[\"a.b\"]]\n")).hasMessageContaining("'allow-global'");
    assertThatThrownBy(() -> parse("max-file-size = \n")).hasMessageContaining("not valid TOML");
    assertThatThrownBy(() -> parse("max-file-size = \"1G\"\nmax-file-size = \"2G\"\n"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void suppressionsAreCompleteOrAnErrorNamingTheEntry() {
    ConfigFile c =
        parse(
            "[[suppress]]\nsha256 = \"" + SHA.toUpperCase() + "\"\nrule = \"PICKLE-GLOBAL\"\nreason = \"reviewed\"\n");
    assertThat(c.suppressions()).containsExactly(new dev.modelscan.core.report.SuppressionEntry(SHA, "PICKLE-GLOBAL", "reviewed"));
    String ok = "[[suppress]]\nsha256 = \"" + SHA + "\"\nrule = \"R\"\nreason = \"r\"\n";
    assertThatThrownBy(() -> parse(ok + "[[suppress]]\nsha256 = \"abc\"\nrule = \"R\"\nreason = \"r\"\n"))
        .hasMessageContaining("[[suppress]] entry 2")
        .hasMessageContaining("64 hex digits");
    assertThatThrownBy(() -> parse("[[suppress]]\nsha256 = \"" + SHA + "\"\nrule = \"R\"\nreason = \"  \"\n"))
        .hasMessageContaining("entry 1")
        .hasMessageContaining("reason");
    assertThatThrownBy(() -> parse("[[suppress]]\nsha256 = \"" + SHA + "\"\nreason = \"r\"\n"))
        .hasMessageContaining("rule is required");
    assertThatThrownBy(() -> parse(ok.replace("reason =", "because =")))
        .hasMessageContaining("unknown key 'because'");
    assertThatThrownBy(() -> parse("suppress = \"all\"\n")).hasMessageContaining("array of tables");
  }

  @Test
  void readsAFileAndRefusesWhatIsNotOne() throws IOException {
    Path f = Files.writeString(dir.resolve("modelscan.toml"), "max-file-size = \"1K\"\n");
    assertThat(ConfigFile.read(f, KEYS).values()).containsEntry("max-file-size", List.of("1K"));
    assertThat(ConfigFile.read(f, KEYS).path()).isEqualTo(f);
    assertThatThrownBy(() -> ConfigFile.read(dir.resolve("none.toml"), KEYS))
        .hasMessageContaining("none.toml")
        .hasMessageContaining("no such configuration file");
    Path big = Files.write(dir.resolve("big.toml"), new byte[(1 << 20) + 1]);
    assertThatThrownBy(() -> ConfigFile.read(big, KEYS)).hasMessageContaining("larger than");
    assertThat(ConfigFile.parse(f, "", KEYS).values()).isEmpty();
  }
}
