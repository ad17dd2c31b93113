package dev.gauntlet.models;

import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.model.Artifact;
import dev.gauntlet.harness.model.ModelUnderTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A runnable model as bytes that another JVM (a Spark executor) can load: the model file's bytes
 * (an ONNX model with its external data inlined, or a DL4J zip), their SHA-256, and what the
 * loader needs (kind, name, ONNX output, input width). {@link #encode} and {@link #decode} use a
 * fixed binary layout, never Java serialization; {@link #load} checks the SHA-256 before anything
 * reads the bytes and loads them through the same inert loaders as the driver ({@link Dl4jZip},
 * {@link OnnxFile}). An ONNX model is loaded for prediction only (no gradients), so an executor
 * scoring it never touches ND4J.
 *
 * @param kind {@code onnx} or {@code dl4j}
 * @param name the model's name for messages
 * @param output the ONNX output to read (empty for DL4J)
 * @param width the input width (ONNX: the one the driver resolved)
 * @param sha256 the SHA-256 of {@code bytes}, lower-case hex
 * @param bytes the model file's bytes
 */
public record ShippedModel(String kind, String name, String output, int width, String sha256, byte[] bytes) {
  private static final int MAGIC = 0x474d444c; // "GMDL"
  private static final int VERSION = 1;

  /**
   * The bytes of a model loaded from a file by this module's adapters, re-read from that file and
   * checked against the SHA-256 recorded when it was loaded (a file changed since is a
   * {@link UsageException}); empty for any other model (built in code, Keras, precomputed, a regression model).
   */
  public static Optional<ShippedModel> of(ModelUnderTest model) {
    if (model.task() != dev.gauntlet.harness.model.Task.CLASSIFICATION) {
      return Optional.empty(); // regression models are scored on the driver (the executors make class probabilities)
    }
    if (model instanceof OnnxModel m) {
      OnnxFile f = OnnxFile.read(m.source);
      unchanged(m.artifact().orElseThrow(), f.artifact, m.source);
      String output = m.settings.output() == null ? "" : m.settings.output();
      return Optional.of(new ShippedModel("onnx", m.baseName(), output, m.inputWidth().orElse(-1), sha256(f.bytes), f.bytes));
    }
    if (model instanceof Dl4jModel m && m.artifact().isPresent()) {
      Artifact a = m.artifact().get();
      Path p = Path.of(a.path());
      byte[] b;
      try {
        b = Files.readAllBytes(p);
      } catch (IOException e) {
        throw new UsageException(p + ": cannot read the model file again to ship it to the executors: " + e.getMessage(), e);
      }
      String sha = sha256(b);
      if (!sha.equals(a.sha256())) {
        throw new UsageException(p + ": the model file changed since it was loaded (SHA-256 " + a.sha256() + ", now " + sha + ")");
      }
      return Optional.of(new ShippedModel("dl4j", m.name(), "", m.inputWidth().orElse(-1), sha, b));
    }
    return Optional.empty();
  }

  private static void unchanged(Artifact loaded, Artifact now, Path p) {
    if (!loaded.sha256().equals(now.sha256())) {
      throw new UsageException(p + ": the model file changed since it was loaded (SHA-256 " + loaded.sha256() + ", now " + now.sha256() + ")");
    }
  }

  /** The fixed binary layout: magic, version, kind, name, output, width, SHA-256, length, bytes. */
  public byte[] encode() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream(bytes.length + 256);
    try (DataOutputStream out = new DataOutputStream(buf)) {
      out.writeInt(MAGIC);
      out.writeInt(VERSION);
      out.writeUTF(kind);
      out.writeUTF(name);
      out.writeUTF(output);
      out.writeInt(width);
      out.writeUTF(sha256);
      out.writeInt(bytes.length);
      out.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return buf.toByteArray();
  }

  /** Reads {@link #encode}'s layout; anything else is an {@link IllegalArgumentException}. */
  public static ShippedModel decode(byte[] b) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(b))) {
      if (in.readInt() != MAGIC || in.readInt() != VERSION) {
        throw new IllegalArgumentException("not a shipped model (bad magic or version)");
      }
      String kind = in.readUTF();
      String name = in.readUTF();
      String output = in.readUTF();
      int width = in.readInt();
      String sha = in.readUTF();
      int n = in.readInt();
      if (n < 0 || n > b.length) {
        throw new IllegalArgumentException("a shipped model of " + n + " bytes in a message of " + b.length);
      }
      byte[] bytes = in.readNBytes(n);
      if (bytes.length != n) {
        throw new IllegalArgumentException("a shipped model truncated at " + bytes.length + " of " + n + " bytes");
      }
      return new ShippedModel(kind, name, output, width, sha, bytes);
    } catch (IOException e) {
      throw new IllegalArgumentException("not a shipped model: " + e.getMessage(), e);
    }
  }

  /**
   * Verifies the bytes against {@link #sha256} and loads them (from a temporary file, deleted
   * after loading) with the inert loader of their kind.
   *
   * @throws UsageException naming the model when the digest differs or the loader refuses the bytes
   */
  public ModelUnderTest load() {
    String actual = sha256(bytes);
    if (!actual.equals(sha256)) {
      throw new UsageException("model '" + name + "': the shipped bytes have SHA-256 " + actual + ", not the driver's " + sha256
          + "; refusing to load them");
    }
    Path tmp = null;
    try {
      tmp = Files.createTempFile("gauntlet-model-" + sha256.substring(0, 12) + "-", "onnx".equals(kind) ? ".onnx" : ".zip");
      Files.write(tmp, bytes);
      return switch (kind) {
        case "onnx" -> OnnxModel.load(tmp, name, width > 0 ? OptionalInt.of(width) : OptionalInt.empty(),
            new OnnxModel.Settings(GradientMode.NONE, output.isEmpty() ? null : output, 1), null);
        case "dl4j" -> Dl4jModel.load(tmp, name);
        default -> throw new UsageException("model '" + name + "': unknown shipped model kind '" + kind + "'");
      };
    } catch (IOException e) {
      throw new UsageException("model '" + name + "': cannot write its bytes to a temporary file: " + e.getMessage(), e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // a temporary file left behind
        }
      }
    }
  }

  static String sha256(byte[] b) {
    return dev.gauntlet.harness.model.Artifact.sha256(b);
  }
}
