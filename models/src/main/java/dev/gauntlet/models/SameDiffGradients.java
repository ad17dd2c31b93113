package dev.gauntlet.models;

import dev.gauntlet.harness.model.InputGradients;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.function.Consumer;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.samediff.frameworkimport.onnx.importer.OnnxFrameworkImporter;

/**
 * Exact input gradients of an ONNX graph, from ND4J's import of the graph into SameDiff with a
 * cross-entropy loss {@code -sum(y * ln max(p, 1e-12))} appended to its probability output.
 *
 * <p>ND4J's importer scans the whole classpath when it starts (about a minute on two cores), so the
 * imported graph is cached, keyed by the model file's SHA-256, in {@link #cacheDir()}; later runs
 * load it in milliseconds. The caller verifies the import against ONNX Runtime before using it.
 */
final class SameDiffGradients implements InputGradients {
  /** Bump when the cached form changes. */
  private static final String CACHE_VERSION = "v1";
  private static final String LABELS = "gauntlet_labels";
  private static final String LOSS = "gauntlet_loss";

  private final SameDiff sd;
  private final String input;
  private final String probs;
  private final DataType dtype;

  private SameDiffGradients(SameDiff sd, String input, String probs, DataType dtype) {
    this.sd = sd;
    this.input = input;
    this.probs = probs;
    this.dtype = dtype;
  }

  /** Where imported graphs are cached: {@code -Dgauntlet.cache}, {@code $GAUNTLET_CACHE} or {@code ~/.cache/gauntlet}. */
  static Path cacheDir() {
    String p = System.getProperty("gauntlet.cache");
    if (p == null || p.isBlank()) {
      p = System.getenv("GAUNTLET_CACHE");
    }
    if (p == null || p.isBlank()) {
      return Path.of(System.getProperty("user.home"), ".cache", "gauntlet", "samediff");
    }
    return Path.of(p, "samediff");
  }

  static SameDiffGradients load(Path onnx, String sha256, OnnxSignature sig, int width, int rawWidth, Consumer<String> progress) {
    Path cached = cacheDir().resolve(sha256 + "-" + CACHE_VERSION + ".sdz");
    SameDiff sd = null;
    if (Files.isRegularFile(cached)) {
      try {
        sd = SameDiff.load(cached.toFile(), false);
      } catch (RuntimeException e) {
        progress.accept("Ignoring an unreadable cached SameDiff import " + cached + ": " + e.getMessage());
      }
    }
    if (sd == null) {
      progress.accept("Importing " + onnx.getFileName() + " into SameDiff for gradients (ND4J's importer takes about a minute the first time; cached in " + cacheDir() + ")");
      DataType dt = sig.inputType() == ai.onnxruntime.OnnxJavaType.DOUBLE ? DataType.DOUBLE : DataType.FLOAT;
      Map<String, INDArray> dynamic = Map.of(sig.input(), Nd4j.zeros(dt, 1, width));
      sd = new OnnxFrameworkImporter().runImport(onnx.toAbsolutePath().toString(), dynamic, true);
      save(sd, cached, progress);
    }
    if (!sd.hasVariable(sig.input()) || !sd.hasVariable(sig.output())) {
      throw new IllegalStateException("the imported graph lacks '" + sig.input() + "' or '" + sig.output() + "'");
    }
    SDVariable out = sd.getVariable(sig.output());
    DataType dtype = sd.getVariable(sig.input()).dataType();
    SDVariable p = rawWidth == 1 ? sd.concat(1, out.rsub(1.0), out) : out;
    SDVariable labels = sd.placeHolder(LABELS, dtype, -1, rawWidth == 1 ? 2 : rawWidth);
    SDVariable logp = sd.math().log(sd.math().max(p, sd.constant(Nd4j.scalar(dtype, 1e-12))));
    SDVariable loss = labels.mul(logp).sum().neg().rename(LOSS);
    sd.setLossVariables(loss);
    return new SameDiffGradients(sd, sig.input(), p.name(), dtype);
  }

  private static void save(SameDiff sd, Path cached, Consumer<String> progress) {
    try {
      Files.createDirectories(cached.getParent());
      File tmp = Files.createTempFile(cached.getParent(), ".import", ".tmp").toFile();
      sd.save(tmp, false);
      Files.move(tmp.toPath(), cached, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      progress.accept("Could not cache the SameDiff import in " + cached.getParent() + " (" + e.getMessage() + "); the next run imports again");
    }
  }

  /** Largest absolute difference between this graph's probabilities and {@code expected} on {@code x}. */
  double maxDifference(double[][] x, double[][] expected) {
    double[][] p = output(Nd4j.create(x)).castTo(DataType.DOUBLE).toDoubleMatrix();
    double max = 0;
    for (int i = 0; i < x.length; i++) {
      if (p[i].length != expected[i].length) {
        return Double.POSITIVE_INFINITY;
      }
      for (int j = 0; j < p[i].length; j++) {
        double d = Math.abs(p[i][j] - expected[i][j]);
        max = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(max, d);
      }
    }
    return max;
  }

  @Override
  public double[][] lossGradient(double[][] x, int[] labels) {
    if (labels.length != x.length) {
      throw new IllegalArgumentException(x.length + " rows but " + labels.length + " labels");
    }
    long k = sd.getVariable(LABELS).getShape()[1];
    INDArray y = Nd4j.zeros(dtype, x.length, k);
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= k) {
        throw new IllegalArgumentException("label " + labels[i] + " of row " + i + " is not a class in [0, " + k + ")");
      }
      y.putScalar(i, labels[i], 1);
    }
    return lossGradient(Nd4j.create(x), y).castTo(DataType.DOUBLE).toDoubleMatrix();
  }

  @Override
  public synchronized INDArray lossGradient(INDArray x, INDArray oneHotLabels) {
    Map<String, INDArray> g = sd.calculateGradients(
        Map.of(input, x.castTo(dtype), LABELS, oneHotLabels.castTo(dtype)), input);
    INDArray grad = g.get(input);
    if (grad == null) {
      throw new IllegalStateException("SameDiff gave no gradient for input '" + input + "'");
    }
    return grad.detach();
  }

  @Override
  public synchronized INDArray output(INDArray x) {
    return sd.output(Map.of(input, x.castTo(dtype)), probs).get(probs).detach();
  }

  void close() {
    // SameDiff holds no native resources beyond its arrays; nothing to release explicitly.
  }
}
