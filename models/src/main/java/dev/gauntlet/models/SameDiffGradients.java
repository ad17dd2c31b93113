package dev.gauntlet.models;

import dev.gauntlet.models.InputGradients;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.samediff.frameworkimport.onnx.importer.OnnxFrameworkImporter;

/**
 * Exact input gradients of an ONNX graph rebuilt in SameDiff, with a cross-entropy loss
 * {@code -sum(y * ln max(p, 1e-12))} appended to its probability output.
 *
 * <p>Graphs of feed-forward operators are translated by {@link OnnxGraphTranslator} (milliseconds);
 * others go through ND4J's ONNX import, which scans the whole classpath when it starts (about a
 * minute on two cores), so its result is cached, keyed by the model file's SHA-256, in
 * {@link #cacheDir()}. The caller verifies either graph against ONNX Runtime before using it.
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
  private final String how;
  private final boolean regression;
  private volatile dev.gauntlet.models.DenseStack dense;

  private SameDiffGradients(SameDiff sd, String input, String probs, DataType dtype, String how,
      dev.gauntlet.models.DenseStack dense) {
    this(sd, input, probs, dtype, how, dense, false);
  }

  private SameDiffGradients(SameDiff sd, String input, String probs, DataType dtype, String how,
      dev.gauntlet.models.DenseStack dense, boolean regression) {
    this.regression = regression;
    this.dense = dense;
    this.sd = sd;
    this.input = input;
    this.probs = probs;
    this.dtype = dtype;
    this.how = how;
  }

  /** Which route built the graph: Gauntlet's translation or ND4J's import. */
  String how() {
    return how;
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

  static SameDiffGradients load(OnnxFile file, String sha256, OnnxSignature sig, int width, int rawWidth, Consumer<String> progress) {
    return load(file, sha256, sig, width, rawWidth, progress, false);
  }

  /** As above; {@code nd4jOnly} skips the translator (for tests of ND4J's importer). */
  static SameDiffGradients load(OnnxFile onnx, String sha256, OnnxSignature sig, int width, int rawWidth, Consumer<String> progress,
      boolean nd4jOnly) {
    DataType dt = sig.inputType() == ai.onnxruntime.OnnxJavaType.DOUBLE ? DataType.DOUBLE : DataType.FLOAT;
    onnx.Onnx.ModelProto proto = onnx.proto; // external data already checked and inlined
    Path file = onnx.file;
    SameDiff sd;
    String how;
    String input;
    String output;
    dev.gauntlet.models.DenseStack dense = null;
    try {
      if (nd4jOnly) {
        throw new OnnxGraphTranslator.Unsupported("no translation asked for");
      }
      sd = OnnxGraphTranslator.translate(proto, OnnxGraphTranslator.safe(sig.input()), width, dt);
      how = "Gauntlet's SameDiff translation of the ONNX graph";
      input = OnnxGraphTranslator.safe(sig.input());
      output = OnnxGraphTranslator.safe(sig.output());
      dense = OnnxDense.of(proto, sig.input(), sig.output(), width, dt).orElse(null);
    } catch (OnnxGraphTranslator.Unsupported e) {
      rejectForeignOperators(proto);
      progress.accept("The graph of " + file.getFileName() + " has " + e.getMessage() + "; using ND4J's ONNX import");
      sd = nd4jImport(onnx, sha256, sig, width, dt, progress);
      how = "ND4J's ONNX import into SameDiff";
      input = sig.input();
      output = sig.output();
    }
    if (!sd.hasVariable(input) || !sd.hasVariable(output)) {
      throw new IllegalStateException("the imported graph lacks '" + input + "' or '" + output + "'");
    }
    // SameDiff refuses to differentiate a loss that depends on no trainable variable (ND4J imports weights as constants).
    List<SDVariable> constants = sd.variables().stream()
        .filter(v -> v.getVariableType() == VariableType.CONSTANT && v.dataType().isFPType()).toList();
    if (!constants.isEmpty()) {
      sd.convertToVariables(new java.util.ArrayList<>(constants));
    }
    SDVariable out = sd.getVariable(output);
    DataType dtype = sd.getVariable(input).dataType();
    SDVariable p = rawWidth == 1 ? sd.concat(1, out.rsub(1.0), out) : out;
    SDVariable labels = sd.placeHolder(LABELS, dtype, -1, rawWidth == 1 ? 2 : rawWidth);
    SDVariable logp = sd.math().log(sd.math().max(p, sd.constant(Nd4j.scalar(dtype, 1e-12))));
    SDVariable loss = labels.mul(logp).sum().neg().rename(LOSS);
    sd.setLossVariables(loss);
    SameDiffGradients g = new SameDiffGradients(sd, input, p.name(), dtype, how, dense);
    // builds the gradient function now, without SameDiff's "Added differentiated op" lines on the console
    QuietStdout.dropping("Added differentiated op", () -> g.lossGradient(Nd4j.zeros(dtype, 1, width), Nd4j.zeros(dtype, 1, rawWidth == 1 ? 2 : rawWidth)));
    return g;
  }

  /**
   * A regression graph ({@code [batch]} or {@code [batch, 1]} output) rebuilt by
   * {@link OnnxGraphTranslator}, with the squared error {@code sum((f(x) - y)^2)} against a
   * {@code [batch, 1]} target appended: its input gradient is {@code 2 (f(x) - y) grad f(x)} per
   * row. Only the translator is tried (no ND4J import); the caller verifies the outputs against
   * ONNX Runtime.
   *
   * @throws OnnxGraphTranslator.Unsupported for an operator the translator does not handle
   */
  static SameDiffGradients loadRegression(OnnxFile onnx, OnnxSignature sig, int width) {
    DataType dt = sig.inputType() == ai.onnxruntime.OnnxJavaType.DOUBLE ? DataType.DOUBLE : DataType.FLOAT;
    String input = OnnxGraphTranslator.safe(sig.input());
    SameDiff sd = OnnxGraphTranslator.translate(onnx.proto, input, width, dt);
    String output = OnnxGraphTranslator.safe(sig.output());
    if (!sd.hasVariable(output)) {
      throw new OnnxGraphTranslator.Unsupported("no value '" + sig.output() + "' in the translated graph");
    }
    SDVariable pred = sd.getVariable(output).reshape(-1, 1);
    SDVariable targets = sd.placeHolder(LABELS, dt, -1, 1);
    SDVariable d = pred.sub(targets);
    SDVariable loss = d.mul(d).sum().rename(LOSS);
    sd.setLossVariables(loss);
    SameDiffGradients g = new SameDiffGradients(sd, input, pred.name(), dt, "Gauntlet's SameDiff translation of the ONNX graph", null, true);
    QuietStdout.dropping("Added differentiated op", () -> g.lossGradient(Nd4j.zeros(dt, 1, width), Nd4j.zeros(dt, 1, 1)));
    return g;
  }

  @Override
  public double[][] lossGradient(double[][] x, double[] targets) {
    if (!regression) {
      return InputGradients.super.lossGradient(x, targets);
    }
    return lossGradient(Nd4j.create(x), LossTargets.column(x, targets, dtype)).castTo(DataType.DOUBLE).toDoubleMatrix();
  }

  private static SameDiff nd4jImport(OnnxFile onnx, String sha256, OnnxSignature sig, int width, DataType dt, Consumer<String> progress) {
    Path file = onnx.file;
    Path cached = cacheDir().resolve(sha256 + "-" + CACHE_VERSION + ".sdz");
    if (Files.isRegularFile(cached)) {
      try {
        return SameDiff.load(cached.toFile(), false);
      } catch (RuntimeException e) {
        progress.accept("Ignoring an unreadable cached SameDiff import " + cached + ": " + e.getMessage());
      }
    }
    progress.accept("Importing " + file.getFileName() + " into SameDiff (ND4J's importer takes about a minute the first time; cached in " + cacheDir() + ")");
    Map<String, INDArray> dynamic = Map.of(sig.input(), Nd4j.zeros(dt, 1, width));
    SameDiff sd;
    if (onnx.externalFiles.isEmpty()) {
      sd = new OnnxFrameworkImporter().runImport(file.toAbsolutePath().toString(), dynamic, true);
    } else {
      // the importer reads a path; give it the checked, inlined model so it opens no file the model names
      Path tmp = null;
      try {
        tmp = Files.createTempFile("gauntlet-inlined", ".onnx");
        Files.write(tmp, onnx.bytes);
        sd = new OnnxFrameworkImporter().runImport(tmp.toString(), dynamic, true);
      } catch (IOException e) {
        throw new IllegalStateException("cannot write the inlined model for ND4J's importer: " + e.getMessage(), e);
      } finally {
        if (tmp != null) {
          try {
            Files.deleteIfExists(tmp);
          } catch (IOException ignored) {
            // a temporary file
          }
        }
      }
    }
    save(sd, cached, progress);
    return sd;
  }

  /**
   * ND4J imports the standard ONNX operator set only; a graph with operators of another domain
   * (sklearn's ai.onnx.ml LinearClassifier, ZipMap, tree ensembles...) is refused before the slow import.
   */
  static void rejectForeignOperators(onnx.Onnx.ModelProto model) {
    java.util.Set<String> foreign = new java.util.TreeSet<>();
    for (onnx.Onnx.NodeProto n : model.getGraph().getNodeList()) {
      if (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")) {
        foreign.add(n.getDomain() + "." + n.getOpType());
      }
    }
    if (!foreign.isEmpty()) {
      throw new IllegalStateException("the graph uses operators outside the standard ONNX set, which ND4J cannot import: " + String.join(", ", foreign));
    }
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

  /**
   * Keeps the dense reading of the graph only if its probabilities match {@code expected} (ONNX
   * Runtime's) on {@code x} within {@code tolerance}; returns whether it was kept.
   */
  boolean verifyDense(double[][] x, double[][] expected, double tolerance) {
    dev.gauntlet.models.DenseStack d = dense;
    if (d == null) {
      return false;
    }
    double[][] p = d.probabilities(x);
    for (int i = 0; i < x.length; i++) {
      for (int j = 0; j < p[i].length; j++) {
        if (p[i].length != expected[i].length || !(Math.abs(p[i][j] - expected[i][j]) <= tolerance)) {
          dense = null;
          return false;
        }
      }
    }
    return true;
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

  /** A translated chain of dense layers is also a {@link dev.gauntlet.models.DenseStack}: attacks take the input-only pass. */
  @Override
  public java.util.Optional<dev.gauntlet.models.DenseStack> denseStack() {
    return java.util.Optional.ofNullable(dense);
  }

  @Override
  public double[][] lossGradient(double[][] x, int[] labels) {
    if (regression) {
      throw new UnsupportedOperationException("a regression graph's loss gradient takes numeric targets, not class labels");
    }
    int k = (int) sd.getVariable(LABELS).getShape()[1];
    return lossGradient(Nd4j.create(x), LossTargets.oneHot(x, labels, k, dtype)).castTo(DataType.DOUBLE).toDoubleMatrix();
  }

  @Override
  public synchronized INDArray lossGradient(INDArray x, INDArray oneHotLabels) {
    Map<String, INDArray> g = sd.calculateGradients(
        Map.of(input, x.castTo(dtype), LABELS, oneHotLabels.castTo(dtype)), input);
    INDArray grad = g.get(input);
    if (grad == null) {
      throw new IllegalStateException("SameDiff gave no gradient for input '" + input + "'");
    }
    return grad.castTo(x.dataType()).detach(); // callers get their own data type back, whatever the model's
  }

  @Override
  public synchronized INDArray output(INDArray x) {
    return sd.output(Map.of(input, x.castTo(dtype)), probs).get(probs).castTo(x.dataType()).detach();
  }
}
