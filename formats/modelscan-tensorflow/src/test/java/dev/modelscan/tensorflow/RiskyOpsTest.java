package dev.modelscan.tensorflow;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RiskyOpsTest {
  @Test
  void theDataFileCoversEveryKindAndTheOpsModelscanAndFormatsNotesName() {
    assertThat(RiskyOps.size()).isGreaterThan(50);
    for (String op : new String[] {"ReadFile", "WriteFile", "MatchingFiles", "PyFunc", "EagerPyFunc",
        "PyFuncStateless", "WholeFileReaderV2", "ImmutableConst", "RpcCall", "SaveV2"}) {
      assertThat(RiskyOps.lookup(op)).as(op).isPresent();
    }
    assertThat(RiskyOps.lookup("MatMul")).isEmpty();
    assertThat(RiskyOps.lookup("ReadFile").orElseThrow().kind()).isEqualTo(RiskyOps.Kind.FILE_READ);
  }
}
