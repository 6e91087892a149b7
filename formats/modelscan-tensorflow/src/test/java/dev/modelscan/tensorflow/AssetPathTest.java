package dev.modelscan.tensorflow;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AssetPathTest {
  @ParameterizedTest
  @ValueSource(strings = {"vocab.txt", "sub/vocab.txt", "sub/../vocab.txt", "./a/b/../c.txt"})
  void namesInsideTheAssetsDirectoryAreFine(String name) {
    assertThat(AssetPath.problem(name)).isNull();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"../x", "a/../../x", "a\\..\\..\\x", "/etc/passwd", "C:\\x.txt", "file:///etc/passwd", "a\u0000b"})
  void namesThatLeaveAreReported(String name) {
    assertThat(AssetPath.problem(name)).isNotNull();
  }
}
