package dev.modelscan.api.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ByteSourceTest {

  private static final byte[] DATA = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private static void behavesLikeData(ByteSource s) throws IOException {
    assertThat(s.size()).isEqualTo(16);
    assertThat(new String(s.readBytes(10, 6), java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("abcdef");
    byte[] buf = new byte[8];
    assertThat(s.read(12, buf, 0, 8)).isEqualTo(4);
    assertThat(s.read(16, buf, 0, 8)).isEqualTo(-1);
    assertThatThrownBy(() -> s.readBytes(12, 5)).isInstanceOf(EOFException.class);
    ByteSource slice = s.slice(4, 8).slice(2, 3);
    assertThat(slice.size()).isEqualTo(3);
    assertThat(new String(slice.readBytes(0, 3), java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("678");
    assertThat(slice.read(3, buf, 0, 1)).isEqualTo(-1);
    assertThatThrownBy(() -> s.slice(10, 7)).isInstanceOf(IndexOutOfBoundsException.class);
    try (InputStream in = s.slice(4, 4).openStream()) {
      assertThat(in.readAllBytes()).containsExactly('4', '5', '6', '7');
    }
  }

  @Test
  void arraySource() throws IOException {
    behavesLikeData(ByteSource.wrap(DATA));
  }

  @Test
  void fileSource(@TempDir Path dir) throws IOException {
    Path f = Files.write(dir.resolve("data"), DATA);
    try (ByteSource s = ByteSource.open(f)) {
      behavesLikeData(s);
    }
  }

  @Test
  void streamSkipAndMark() throws IOException {
    try (InputStream in = ByteSource.wrap(DATA).openStream(2)) {
      assertThat(in.skip(100)).isEqualTo(14);
      assertThat(in.read()).isEqualTo(-1);
    }
    InputStream in = ByteSource.wrap(DATA).openStream();
    in.mark(0);
    assertThat(in.read()).isEqualTo('0');
    in.reset();
    assertThat(in.read()).isEqualTo('0');
    assertThat(in.available()).isEqualTo(15);
  }
}
