package dev.modelscan.api.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.modelscan.api.io.ByteSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI's view of a model's folder: what a loader's join of a name finds, never anything outside the model. */
class LocalSiblingFilesTest {

  @TempDir Path tmp;

  private SiblingFiles view(Path model) {
    return SiblingFiles.local(model, model.toAbsolutePath().getParent());
  }

  private Path model() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("model/variables"));
    Files.write(dir.resolve("variables.index"), new byte[3]);
    Files.write(dir.resolve("variables.data-00000-of-00001"), new byte[5]);
    Files.write(dir.resolve("notes.bin"), new byte[1]);
    Files.write(tmp.resolve("model/weights.bin"), new byte[] {1, 2, 3, 4});
    Files.write(tmp.resolve("secret.bin"), new byte[] {9, 9});
    return Files.write(tmp.resolve("model/model.onnx"), new byte[8]);
  }

  @Test
  void aFileInsideIsFoundWithItsRealPathAndOpened() throws IOException {
    SiblingFiles v = view(model());
    SiblingFile f = v.find("weights.bin");
    assertThat(f.kind()).isEqualTo(SiblingFile.Kind.FILE);
    assertThat(f.size()).isEqualTo(4);
    assertThat(f.link()).isFalse();
    assertThat(f.location()).isEqualTo(tmp.resolve("model/weights.bin").toRealPath().toString());
    assertThat(v.find("variables/../weights.bin").location()).isEqualTo(f.location());
    try (ByteSource s = v.open(f)) {
      assertThat(s.readBytes(0, 4)).containsExactly(1, 2, 3, 4);
    }
    assertThat(v.inputName()).isEqualTo("model.onnx");
    assertThat(v.inputLocation()).isEqualTo(tmp.resolve("model/model.onnx").toRealPath().toString());
  }

  @Test
  void namesThatClimbOutAreRefusedWithoutLookingEvenWhenTheFileExists() throws IOException {
    SiblingFiles v = view(model());
    assertThat(v.find("../secret.bin").kind()).isEqualTo(SiblingFile.Kind.OUTSIDE);
    assertThat(v.find(tmp.resolve("secret.bin").toAbsolutePath().toString()).kind())
        .isEqualTo(SiblingFile.Kind.OUTSIDE);
    assertThat(v.find("variables/../../secret.bin").kind()).isEqualTo(SiblingFile.Kind.OUTSIDE);
    assertThat(v.find("../secret.bin").location()).isEmpty();
    // an absolute name that lies inside is what a loader opens too
    assertThat(v.find(tmp.resolve("model/weights.bin").toAbsolutePath().toString()).kind())
        .isEqualTo(SiblingFile.Kind.FILE);
    assertThatThrownBy(() -> v.open(v.find("../secret.bin"))).isInstanceOf(IOException.class);
  }

  @Test
  void aLinkOutOfTheModelIsNeverOpened() throws IOException {
    Path model = model();
    try {
      Files.createSymbolicLink(tmp.resolve("model/linked.bin"), tmp.resolve("secret.bin"));
      Files.createSymbolicLink(tmp.resolve("model/inner.bin"), tmp.resolve("model/weights.bin"));
    } catch (UnsupportedOperationException | IOException e) {
      assumeTrue(false, "symbolic links not supported here");
    }
    SiblingFiles v = view(model);
    SiblingFile out = v.find("linked.bin");
    assertThat(out.kind()).isEqualTo(SiblingFile.Kind.LINKED_OUTSIDE);
    assertThat(out.location()).isEqualTo(tmp.resolve("secret.bin").toRealPath().toString());
    assertThatThrownBy(() -> v.open(out)).isInstanceOf(IOException.class);
    SiblingFile in = v.find("inner.bin");
    assertThat(in.kind()).isEqualTo(SiblingFile.Kind.FILE);
    assertThat(in.link()).isTrue();
  }

  @Test
  void missingDirectoriesAndFifosAreToldApartWithoutOpening() throws IOException, InterruptedException {
    Path model = model();
    SiblingFiles v = view(model);
    assertThat(v.find("nothing.bin").kind()).isEqualTo(SiblingFile.Kind.MISSING);
    assertThat(v.find("variables").kind()).isEqualTo(SiblingFile.Kind.DIRECTORY);
    assertThat(v.find("variables").description()).isEqualTo("a directory");
    Path fifo = tmp.resolve("model/pipe.bin");
    boolean made;
    try {
      made = new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0;
    } catch (IOException e) {
      made = false;
    }
    assumeTrue(made, "mkfifo not available");
    SiblingFile f = v.find("pipe.bin");
    assertThat(f.kind()).isEqualTo(SiblingFile.Kind.SPECIAL);
    assertThat(f.description()).isEqualTo("a FIFO (named pipe)");
    assertThatThrownBy(() -> v.open(f)).isInstanceOf(IOException.class);
  }

  @Test
  void listingMatchesTheGlobSortedAndBounded() throws IOException {
    SiblingFiles v = view(model());
    assertThat(v.list("variables", "variables.{index,data-*-of-*}", 10))
        .extracting(SiblingFile::name)
        .containsExactly("variables/variables.data-00000-of-00001", "variables/variables.index");
    assertThat(v.list("variables", "variables.{index,data-*-of-*}", 1)).hasSize(1);
    assertThat(v.list("..", "*", 10)).isEmpty();
    assertThat(v.list("nothing", "*", 10)).isEmpty();
  }
}
