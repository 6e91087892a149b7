package dev.modelscan.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelscan.api.io.ByteSource;
import dev.modelscan.api.spi.SiblingFile;
import dev.modelscan.api.spi.SiblingFiles;
import dev.modelscan.core.ModelScan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The folder around a file on a Hadoop file system: Hadoop's own file status (as on HDFS or an object store) with the
 * CLI's refusals, and on the local file system the CLI's answers with reads through Hadoop.
 */
class HadoopSiblingFilesTest {

  @TempDir Path tmp;

  private Path model() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("model/variables"));
    Files.write(dir.resolve("variables.index"), new byte[3]);
    Files.write(dir.resolve("variables.data-00000-of-00001"), new byte[5]);
    Files.write(dir.resolve("notes.bin"), new byte[1]);
    Files.write(tmp.resolve("model/weights.bin"), new byte[] {1, 2, 3, 4});
    Files.write(tmp.resolve("secret.bin"), new byte[] {9, 9});
    return Files.write(tmp.resolve("model/saved_model.pb"), new byte[8]);
  }

  private static FileSystem raw() throws IOException {
    return FileSystem.getLocal(new Configuration()).getRawFileSystem();
  }

  /**
   * The local file system answering link status as HDFS does with links enabled (Hadoop's local one, without its
   * native library, reports a link as its target).
   */
  private static FileSystem linking() throws IOException {
    org.apache.hadoop.fs.RawLocalFileSystem fs =
        new org.apache.hadoop.fs.RawLocalFileSystem() {
          @Override
          public org.apache.hadoop.fs.FileStatus getFileLinkStatus(org.apache.hadoop.fs.Path f) throws IOException {
            Path p = Path.of(makeQualified(f).toUri());
            if (!Files.isSymbolicLink(p)) {
              return getFileStatus(f);
            }
            Path target = Files.readSymbolicLink(p);
            org.apache.hadoop.fs.Path t =
                target.isAbsolute() ? hadoop(target) : new org.apache.hadoop.fs.Path(target.toString());
            return new org.apache.hadoop.fs.FileStatus(0, false, 1, 0, 0, 0, null, null, null, t, makeQualified(f));
          }
        };
    fs.initialize(java.net.URI.create("file:///"), new Configuration());
    return fs;
  }

  private static org.apache.hadoop.fs.Path hadoop(Path p) {
    return new org.apache.hadoop.fs.Path(p.toUri());
  }

  @Test
  void hadoopsOwnStatusFindsFilesAndRefusesNamesThatClimbOut() throws IOException {
    Path model = model();
    SiblingFiles v = HadoopSiblingFiles.generic(raw(), hadoop(model));
    SiblingFile f = v.find("weights.bin");
    assertThat(f.kind()).isEqualTo(SiblingFile.Kind.FILE);
    assertThat(f.size()).isEqualTo(4);
    assertThat(f.location()).startsWith("file:").endsWith("/model/weights.bin");
    try (ByteSource s = v.open(f)) {
      assertThat(s.readBytes(0, 4)).containsExactly(1, 2, 3, 4);
    }
    assertThat(v.find("variables/../weights.bin").location()).isEqualTo(f.location());
    assertThat(v.find("../secret.bin").kind()).isEqualTo(SiblingFile.Kind.OUTSIDE);
    assertThat(v.find("variables/../../secret.bin").kind()).isEqualTo(SiblingFile.Kind.OUTSIDE);
    assertThat(v.find(tmp.resolve("secret.bin").toString()).kind()).isEqualTo(SiblingFile.Kind.OUTSIDE);
    assertThat(v.find("/etc/passwd").kind()).isEqualTo(SiblingFile.Kind.OUTSIDE);
    assertThat(v.find(tmp.resolve("model/weights.bin").toString()).kind()).isEqualTo(SiblingFile.Kind.FILE);
    // a name with a colon is a name, never a scheme: it stays in the folder
    assertThat(v.find("hdfs:weights.bin").kind()).isEqualTo(SiblingFile.Kind.MISSING);
    assertThat(v.find("nothing.bin").kind()).isEqualTo(SiblingFile.Kind.MISSING);
    assertThat(v.find("variables").kind()).isEqualTo(SiblingFile.Kind.DIRECTORY);
    assertThatThrownBy(() -> v.open(v.find("../secret.bin"))).isInstanceOf(IOException.class);
    assertThat(v.inputName()).isEqualTo("saved_model.pb");
    assertThat(v.inputLocation()).startsWith("file:").endsWith("/model/saved_model.pb");
  }

  @Test
  void aLinkOutOfTheFolderIsNotFollowedWhereTheFileSystemHasLinks() throws IOException {
    Path model = model();
    Files.createSymbolicLink(tmp.resolve("model/linked.bin"), tmp.resolve("secret.bin"));
    Files.createSymbolicLink(tmp.resolve("model/inner.bin"), tmp.resolve("model/weights.bin"));
    Files.createSymbolicLink(tmp.resolve("model/relative.bin"), Path.of("../secret.bin"));
    SiblingFiles v = HadoopSiblingFiles.generic(linking(), hadoop(model));
    assertThat(v.find("linked.bin").kind()).isEqualTo(SiblingFile.Kind.LINKED_OUTSIDE);
    assertThat(v.find("relative.bin").kind()).isEqualTo(SiblingFile.Kind.LINKED_OUTSIDE);
    assertThatThrownBy(() -> v.open(v.find("linked.bin"))).isInstanceOf(IOException.class);
    SiblingFile inner = v.find("inner.bin");
    assertThat(inner.kind()).isEqualTo(SiblingFile.Kind.FILE);
    assertThat(inner.link()).isTrue();
    assertThat(inner.location()).endsWith("/model/weights.bin");
  }

  @Test
  void listingMatchesTheGlobSortedAndBounded() throws IOException {
    SiblingFiles v = HadoopSiblingFiles.generic(raw(), hadoop(model()));
    assertThat(v.list("variables", "variables.{index,data-*-of-*}", 10))
        .extracting(SiblingFile::name)
        .containsExactly("variables/variables.data-00000-of-00001", "variables/variables.index");
    assertThat(v.list("variables", "variables.{index,data-*-of-*}", 1)).hasSize(1);
    assertThat(v.list("..", "*", 10)).isEmpty();
    assertThat(v.list("nothing", "*", 10)).isEmpty();
  }

  @Test
  void onTheLocalFileSystemTheAnswersAreTheClisAndTheReadsHadoops() throws IOException {
    Path model = model();
    Files.createSymbolicLink(tmp.resolve("model/linked.bin"), tmp.resolve("secret.bin"));
    SiblingFiles v = HadoopSiblingFiles.of(raw(), hadoop(model));
    SiblingFiles cli = ModelScan.localSiblings(model);
    for (String name : new String[] {"weights.bin", "../secret.bin", "linked.bin", "variables", "nothing"}) {
      assertThat(v.find(name)).as(name).isEqualTo(cli.find(name));
    }
    assertThat(v.find("linked.bin").kind()).isEqualTo(SiblingFile.Kind.LINKED_OUTSIDE);
    assertThat(v.inputLocation()).isEqualTo(cli.inputLocation());
    try (ByteSource s = v.open(v.find("weights.bin"))) {
      assertThat(s).isInstanceOf(HadoopByteSource.class);
      assertThat(s.readBytes(0, 4)).containsExactly(1, 2, 3, 4);
    }
  }
}
