package dev.modelscan.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Gitignore-style patterns as {@link WalkOptions} use them. */
class PathGlobTest {

  private static boolean file(String pattern, String path) {
    return PathGlob.parse(pattern).matches(Arrays.asList(path.split("/")), false);
  }

  @Test
  void aNameWithoutSlashMatchesAtAnyDepth() {
    assertThat(file("*.png", "a.png")).isTrue();
    assertThat(file("*.png", "docs/img/a.png")).isTrue();
    assertThat(file("*.png", "a.png.bin")).isFalse();
    assertThat(file("README.md", "sub/README.md")).isTrue();
  }

  @Test
  void aSlashAnchorsAtTheWalkedDirectory() {
    assertThat(file("docs/*.png", "docs/a.png")).isTrue();
    assertThat(file("docs/*.png", "x/docs/a.png")).isFalse();
    assertThat(file("/a.png", "a.png")).isTrue();
    assertThat(file("/a.png", "sub/a.png")).isFalse();
    assertThat(file("docs/*.png", "docs/sub/a.png")).as("* does not cross /").isFalse();
  }

  @Test
  void doubleStarSpansDirectories() {
    assertThat(file("**/a.bin", "a.bin")).isTrue();
    assertThat(file("**/a.bin", "x/y/a.bin")).isTrue();
    assertThat(file("models/**", "models/x/y.bin")).isTrue();
    assertThat(file("a/**/b", "a/b")).isTrue();
    assertThat(file("a/**/b", "a/x/y/b")).isTrue();
    assertThat(file("a/**/b", "a/x/y/c")).isFalse();
  }

  @Test
  void aPatternMatchingADirectoryCoversItsFilesAndTrailingSlashMeansDirectoriesOnly() {
    assertThat(file(".git", ".git/objects/x")).isTrue();
    assertThat(file(".git/", ".git/objects/x")).isTrue();
    assertThat(file("build/", "build")).as("a file named build is no directory").isFalse();
    assertThat(PathGlob.parse("build/").matches(List.of("build"), true)).isTrue();
  }

  @Test
  void questionMarksClassesAndEscapes() {
    assertThat(file("model-?.bin", "model-1.bin")).isTrue();
    assertThat(file("model-?.bin", "model-12.bin")).isFalse();
    assertThat(file("shard-[0-9][0-9].bin", "shard-07.bin")).isTrue();
    assertThat(file("shard-[!0-9].bin", "shard-7.bin")).isFalse();
    assertThat(file("\\*.bin", "*.bin")).isTrue();
    assertThat(file("\\*.bin", "a.bin")).isFalse();
  }

  @Test
  void malformedPatternsAreRejected() {
    assertThatThrownBy(() -> PathGlob.parse("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PathGlob.parse("/")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PathGlob.parse("a[bc")).hasMessageContaining("unterminated");
    assertThatThrownBy(() -> PathGlob.parse("a\\")).hasMessageContaining("escape");
    assertThatThrownBy(() -> WalkOptions.builder().include("x[")).isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * A hostile tree of long names against a pattern of many stars: the greedy matcher stays polynomial of low degree,
   * where a backtracking regular expression would explode. Asserted by the result; the test would hang otherwise.
   */
  @Test
  void manyStarsAgainstLongNamesDoNotBacktrackExponentially() {
    String name = String.join("", Collections.nCopies(5000, "a"));
    List<String> deep = Collections.nCopies(200, name);
    assertThat(PathGlob.parse("**/*a*a*a*a*a*a*a*a*b/**/x").matches(deep, false)).isFalse();
  }
}
