package dev.modelscan.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.onnx.ExternalDataPath.Problem;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExternalDataPathTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "weights.bin | NONE",
        "data/weights.bin | NONE",
        "./a/../b.bin | NONE",
        "a/b/../../c.bin | NONE",
        "../w.bin | TRAVERSAL",
        "a/../../w.bin | TRAVERSAL",
        "a\\..\\..\\w.bin | TRAVERSAL",
        "a/../../a/w.bin | TRAVERSAL",
        "/etc/passwd | ABSOLUTE",
        "\\etc\\passwd | ABSOLUTE",
        "C:\\w.bin | ABSOLUTE",
        "c:w.bin | ABSOLUTE",
        "/dev/zero | DEVICE",
        "/proc/self/environ | DEVICE",
        "/sys/kernel/notes | DEVICE",
        "\\\\.\\PhysicalDrive0 | DEVICE",
        "\\\\?\\C:\\w.bin | DEVICE",
        "sub/NUL | DEVICE",
        "con.txt | DEVICE",
        "\\\\host\\share\\w.bin | REMOTE",
        "//host/share/w.bin | REMOTE",
        "http://host/w.bin | REMOTE"
      })
  void judgesLocations(String location, Problem expected) {
    assertThat(ExternalDataPath.check(location)).isEqualTo(expected);
  }

  @org.junit.jupiter.api.Test
  void emptyAndControlCharactersAreInvalid() {
    assertThat(ExternalDataPath.check("")).isEqualTo(Problem.INVALID);
    assertThat(ExternalDataPath.check("w.bin\0../../etc/passwd")).isEqualTo(Problem.INVALID);
  }
}
