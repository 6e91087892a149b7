package dev.modelscan.tokenizers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.FileResult;
import dev.modelscan.api.Finding;
import dev.modelscan.api.ScanReport;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.StandardRules;
import dev.modelscan.api.Verdict;
import dev.modelscan.core.ModelScan;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Through the engine: a Hugging Face style model directory with its SentencePiece tokenizer is complete. */
class SentencePieceEndToEndTest {
  private final ModelScan modelScan = ModelScan.builder().build();

  @Test
  void aModelDirectoryWithItsTokenizerIsCleanAndComplete(@TempDir Path tmp) throws IOException {
    Files.write(tmp.resolve("tokenizer.model"), SentencePieceScannerTest.fixture("unigram.model"));
    Files.writeString(tmp.resolve("config.json"),
        "{\"architectures\": [\"LlamaForCausalLM\"], \"model_type\": \"llama\", \"vocab_size\": 64}\n",
        StandardCharsets.UTF_8);
    ScanReport report = modelScan.scan(tmp);
    assertThat(report.results()).hasSize(2);
    assertThat(report.results()).allSatisfy(r -> assertThat(r.status()).as(r.path()).isEqualTo(ScanStatus.COMPLETE));
    FileResult tokenizer = report.results().stream().filter(r -> r.path().endsWith("tokenizer.model")).findFirst()
        .orElseThrow();
    assertThat(tokenizer.format()).isEqualTo("sentencepiece");
    assertThat(report.verdict()).isEqualTo(Verdict.CLEAN);
  }

  @Test
  void otherFormatsNamedDotModelAreNotAMismatch() throws IOException {
    // gensim, XGBoost and LightGBM also write ".model" files: the name is no promise of SentencePiece content. An
    // empty zip (the end record alone) named xgb.model is a zip, and nothing more is said about its name.
    byte[] emptyZip = new byte[22];
    emptyZip[0] = 'P';
    emptyZip[1] = 'K';
    emptyZip[2] = 5;
    emptyZip[3] = 6;
    FileResult r = modelScan.scanBytes(emptyZip, "xgb.model");
    assertThat(r.format()).isEqualTo("zip");
    assertThat(r.findings()).extracting(Finding::ruleId).doesNotContain(StandardRules.FORMAT_MISMATCH.id());
  }

  @Test
  void aBpeModelUnderAnotherNameIsFoundByContent() {
    FileResult r = modelScan.scanBytes(SentencePieceScannerTest.fixture("bpe.model"), "sentencepiece.bpe.bin");
    assertThat(r.format()).isEqualTo("sentencepiece");
    assertThat(r.status()).isEqualTo(ScanStatus.COMPLETE);
    assertThat(r.findings()).isEmpty();
  }

  @Test
  void aTruncatedTokenizerIsNotCompleteAndHasAMalformedFinding() {
    byte[] unigram = SentencePieceScannerTest.fixture("unigram.model");
    FileResult r = modelScan.scanBytes(Arrays.copyOf(unigram, unigram.length - 12), "tokenizer.model");
    assertThat(r.format()).isEqualTo("sentencepiece");
    // The engine calls a break with no finding reported before it FAILED (the testkit, PARTIAL): never COMPLETE.
    assertThat(r.status()).isEqualTo(ScanStatus.FAILED);
    assertThat(r.findings()).extracting(Finding::ruleId).containsExactly(StandardRules.MALFORMED_CONTENT.id());
  }
}
