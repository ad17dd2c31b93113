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

/**
 * Identity of a file in provenance: path, SHA-256 and size. A model stored in several files (an
 * ONNX model with external data) is one artifact: see {@link #ofAll}.
 */
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

  /**
   * One artifact for a model and its side files (e.g. ONNX external data). With one file this is
   * {@link #of}. With more, {@code sha256} is the SHA-256 of the {@code sha256sum}-style listing
   * ({@code <hex>  <name>\n} per file, the model first, names relative to the model's folder), so it
   * changes when any file changes and can be recomputed with
   * {@code sha256sum model.onnx weights.bin | sha256sum}; {@code bytes} is the total size.
   */
  public static Artifact ofAll(java.util.List<Path> files, String what) {
    Artifact main = of(files.get(0), what);
    if (files.size() == 1) {
      return main;
    }
    Path folder = files.get(0).toAbsolutePath().getParent();
    StringBuilder listing = new StringBuilder();
    StringBuilder names = new StringBuilder();
    long total = 0;
    for (Path f : files) {
      Artifact a = f == files.get(0) ? main : of(f, "external data file of " + files.get(0));
      String name = folder == null ? f.getFileName().toString() : folder.relativize(f.toAbsolutePath().normalize()).toString();
      listing.append(a.sha256()).append("  ").append(name).append('\n');
      if (f != files.get(0)) {
        names.append(names.length() == 0 ? "" : ", ").append(name);
      }
      total += a.bytes();
    }
    return new Artifact(main.path() + " (with external data " + names + ")",
        sha256(listing.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)), total);
  }

  /** The SHA-256 of {@code bytes} in lower-case hex, as {@code sha256sum} prints it: the one spelling of every hash Gauntlet records. */
  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
