package dev.gauntlet.harness.model;

import dev.gauntlet.harness.UsageException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Identity of a file in provenance: path, SHA-256 and size. */
public record Artifact(String path, String sha256, long bytes) {

  /** Hashes a file; a missing file is a {@link UsageException} naming {@code what}. */
  public static Artifact of(Path file, String what) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      long n = 0;
      int r;
      while ((r = in.read(buf)) > 0) {
        md.update(buf, 0, r);
        n += r;
      }
      return new Artifact(file.toString(), HexFormat.of().formatHex(md.digest()), n);
    } catch (NoSuchFileException e) {
      throw new UsageException(file + ": " + what + " not found; check the path");
    } catch (IOException e) {
      throw new UsageException(file + ": cannot read " + what + ": " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
