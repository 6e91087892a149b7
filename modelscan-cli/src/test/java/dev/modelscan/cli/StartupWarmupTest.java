package dev.modelscan.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import org.junit.jupiter.api.Test;

class StartupWarmupTest {

  @Test
  void everyNamedClassExistsSoARenameCannotSilentlyUndoTheWarmUp() {
    assertThat(StartupWarmup.CLASSES).isNotEmpty();
    for (String name : StartupWarmup.CLASSES) {
      assertThatCode(() -> Class.forName(name, false, StartupWarmupTest.class.getClassLoader()))
          .as(name).doesNotThrowAnyException();
    }
  }

  @Test
  void theWarmUpRunsOnADaemonThreadThatEnds() throws Exception {
    StartupWarmup.start();
    Thread warm = Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("modelscan-warmup")).findFirst().orElse(null);
    if (warm != null) { // it may have finished already
      assertThat(warm.isDaemon()).isTrue();
      warm.join(10_000);
      assertThat(warm.isAlive()).isFalse();
    }
  }
}
