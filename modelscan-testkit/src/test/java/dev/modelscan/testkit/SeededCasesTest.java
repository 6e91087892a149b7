package dev.modelscan.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SeededCasesTest {

  @Test
  void theSameSeedDrawsTheSameCases() {
    SeededCases a = SeededCases.of(42);
    SeededCases b = SeededCases.of(42);
    for (int i = 0; i < 100; i++) {
      assertThat(a.bytes(64)).isEqualTo(b.bytes(64));
      assertThat(a.string(32)).isEqualTo(b.string(32));
      assertThat(a.intBetween(-5, 5)).isEqualTo(b.intBetween(-5, 5));
    }
  }

  @Test
  void seedListsDependOnTheNameAndAreStable() {
    long[] first = SeededCases.seeds("p", 50).toArray();
    assertThat(SeededCases.seeds("p", 50).toArray()).isEqualTo(first);
    assertThat(SeededCases.seeds("q", 50).toArray()).isNotEqualTo(first);
    assertThat(Arrays.stream(first).distinct().count()).isEqualTo(50);
  }

  @Test
  void theSeedPropertyReplaysOneCase() {
    String old = System.getProperty(SeededCases.SEED_PROPERTY);
    System.setProperty(SeededCases.SEED_PROPERTY, "0x2a");
    try {
      assertThat(SeededCases.seeds("anything", 300).toArray()).containsExactly(42L);
    } finally {
      if (old == null) {
        System.clearProperty(SeededCases.SEED_PROPERTY);
      } else {
        System.setProperty(SeededCases.SEED_PROPERTY, old);
      }
    }
  }

  @Test
  void aFailureNamesItsSeedAndKeepsTheCause() {
    IllegalStateException cause = new IllegalStateException("boom");
    assertThatThrownBy(() -> SeededCases.check(77, g -> {
          throw cause;
        }))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("seed 77")
        .hasMessageContaining("-Dmodelscan.seed=77")
        .hasCause(cause);
  }

  @Test
  void drawsStayInBoundsAndReachTheEdges() {
    SeededCases g = SeededCases.of(1);
    Set<Integer> sizes = new HashSet<>();
    Set<Byte> bytes = new HashSet<>();
    for (int i = 0; i < 5_000; i++) {
      int n = g.sizeBetween(3, 40);
      assertThat(n).isBetween(3, 40);
      sizes.add(n);
      int v = g.intBetween(-7, 7);
      assertThat(v).isBetween(-7, 7);
      bytes.add(g.nextByte());
    }
    assertThat(sizes).contains(3, 40);
    assertThat(bytes).contains((byte) 0, (byte) 0x7F, (byte) 0x80, (byte) 0xFF);
    assertThat(bytes).hasSize(256);
    assertThat(g.pick(List.of("only"))).isEqualTo("only");
  }

  @Test
  void badBoundsAreRejected() {
    SeededCases g = SeededCases.of(1);
    assertThatThrownBy(() -> g.intBetween(2, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SeededCases.seeds("p", 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> g.pick(List.of())).isInstanceOf(IllegalArgumentException.class);
  }
}
