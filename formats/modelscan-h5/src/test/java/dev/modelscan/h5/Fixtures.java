package dev.modelscan.h5;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/** Reads the fixtures under src/test/resources/keras (see generate.py there). */
final class Fixtures {
  private Fixtures() {}

  static java.nio.file.Path path(String name) {
    try {
      return java.nio.file.Path.of(Fixtures.class.getResource("/keras/" + name).toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] bytes(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/keras/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One member of a .keras fixture (test-side extraction; the product reads zips in modelscan-core). */
  static byte[] member(String archive, String member) {
    try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes(archive)))) {
      for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
        if (e.getName().equals(member)) {
          return zip.readAllBytes();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalArgumentException(archive + " has no " + member);
  }
}
