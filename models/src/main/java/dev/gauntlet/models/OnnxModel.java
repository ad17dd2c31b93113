package dev.gauntlet.models;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxMap;
import ai.onnxruntime.OnnxSequence;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.model.Artifact;
import dev.gauntlet.harness.model.Capability;
import dev.gauntlet.models.InputGradients;
import dev.gauntlet.harness.model.ModelUnderTest;
import dev.gauntlet.harness.model.Models;
import dev.gauntlet.harness.model.Task;
import java.io.IOException;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * An ONNX classifier or regression model run by ONNX Runtime (CPU), as the model would run in
 * production. A regression model ({@link Settings#task()}) has one float or double output of
 * shape {@code [batch]} or {@code [batch, 1]}: one number per row.
 *
 * <p>The model must have one float or double input {@code [batch, width]} and an output holding
 * class probabilities: a softmax {@code [batch, k]}, a sigmoid {@code [batch, 1]} or {@code [batch]}
 * (read as {@code [1 - p, p]}), or sklearn's (skl2onnx) {@code label} + {@code probabilities} tensor
 * or ZipMap sequence of maps (classes in ascending key order). The input width is checked against
 * the schema's encoded width, and the output is checked to be a probability vector on a probe batch,
 * when loaded: every mismatch is a {@link UsageException} (exit 2).
 *
 * <p>Gradients follow {@link GradientMode}; {@link #gradientSource()} says which one is in use, and
 * {@link #name()} carries it into the report.
 */
public final class OnnxModel implements ModelUnderTest, AutoCloseable {
  /** Rows per ONNX Runtime call when the model allows any batch size. */
  static final int BATCH = 4096;
  /** Largest probability difference tolerated between the SameDiff graph and ONNX Runtime. */
  public static final double IMPORT_TOLERANCE = 1e-4;

  private final String baseName;
  private final OrtEnvironment env;
  private final OrtSession session;
  private final OnnxSignature sig;
  private final int width;
  private final int classes;
  private final Task task;
  private final Artifact artifact;
  private final InputGradients gradients;
  private final String gradientSource;
  /** The file the model was read from (with its external data, if any): what {@link ShippedModel} ships. */
  final Path source;
  /** The settings it was loaded with. */
  final Settings settings;

  /**
   * Settings of the adapter.
   *
   * @param gradient how to obtain input gradients
   * @param output the output to read, or null to pick the probability output
   * @param spsaDirections random directions per row for {@link GradientMode#SPSA}, at least 1
   * @param task what the model predicts: class probabilities, or one number per row ({@code [batch]}
   *     or {@code [batch, 1]}; its input gradients come from the graph rebuilt in SameDiff with a
   *     squared-error loss, or none: a black-box model, with the reason in {@link #gradientSource()})
   */
  public record Settings(GradientMode gradient, String output, int spsaDirections, Task task) {
    /** Settings for a classifier. */
    public Settings(GradientMode gradient, String output, int spsaDirections) {
      this(gradient, output, spsaDirections, Task.CLASSIFICATION);
    }

    public Settings {
      if (task == null) {
        throw new IllegalArgumentException("task must be set (classification or regression)");
      }
      if (gradient == null) {
        throw new IllegalArgumentException("gradient must be set (one of " + Arrays.toString(GradientMode.values()) + ")");
      }
      if (spsaDirections < 1 || spsaDirections > 100_000) {
        throw new IllegalArgumentException("spsaDirections must be in [1, 100000], got " + spsaDirections);
      }
    }

    /** AUTO gradients, the probability output picked from the model, 256 SPSA directions. */
    public static Settings defaults() {
      return new Settings(GradientMode.AUTO, null, 256);
    }

    /** These settings for another task. */
    public Settings withTask(Task t) {
      return new Settings(gradient, output, spsaDirections, t);
    }
  }

  private OnnxModel(String name, OrtEnvironment env, OrtSession session, OnnxSignature sig, int width, Artifact artifact,
      OnnxFile file, Settings settings, Consumer<String> progress) {
    this.baseName = name;
    this.env = env;
    this.session = session;
    this.sig = sig;
    this.width = width;
    this.artifact = artifact;
    this.source = file.file;
    this.settings = settings;
    double[][] probe = probe(width);
    double[][] raw = runRaw(probe);
    this.task = settings.task();
    if (task == Task.REGRESSION) {
      if (raw[0].length != 1) {
        throw new UsageException("model '" + name + "': output '" + sig.output() + "' gives " + raw[0].length + " values per row (shape [batch, "
            + raw[0].length + "], a classifier's) but the suite's label is numeric (a regression suite); a regression model needs one number per row:"
            + " an output of shape [batch] or [batch, 1] (name it with 'output:')");
      }
      try {
        Models.checkValues(name, column0(raw), probe.length);
      } catch (UsageException e) {
        throw new UsageException("model '" + name + "': output '" + sig.output() + "' on a probe batch: " + e.getMessage(), e);
      }
      GradientMode mode = settings.gradient();
      if (mode != GradientMode.AUTO && mode != GradientMode.NONE && mode != GradientMode.SAMEDIFF) {
        throw new UsageException("model '" + name + "': gradient: " + mode.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')
            + " was asked for, but an ONNX regression model's gradients come from its graph rebuilt in SameDiff only; use gradient: auto, samediff"
            + " or none (black-box attacks only)");
      }
      this.classes = 0;
      InputGradients rg = null;
      String rsource = "none (black-box)";
      if (mode != GradientMode.NONE) {
        String failure;
        SameDiffGradients sd = null;
        try {
          sd = SameDiffGradients.loadRegression(file, sig, width);
          double diff = sd.maxDifference(probe, raw);
          failure = diff <= IMPORT_TOLERANCE ? null
              : String.format(java.util.Locale.ROOT, "its outputs differ from ONNX Runtime's by up to %.3g (tolerance %.0e)", diff, IMPORT_TOLERANCE);
        } catch (RuntimeException | LinkageError e) {
          failure = "the graph could not be rebuilt in SameDiff: " + e.getMessage();
        }
        if (failure == null) {
          rg = sd;
          rsource = "SameDiff, exact (" + sd.how() + ", squared-error loss; outputs match ONNX Runtime within " + IMPORT_TOLERANCE + ")";
        } else if (mode == GradientMode.SAMEDIFF) {
          throw new UsageException("model '" + name + "': gradient: samediff was asked for, but " + failure
              + "; use gradient: auto or none (black-box attacks: simba, noise)");
        } else {
          progress.accept("SameDiff gradients for regression model '" + name + "' not used (" + failure + "); black-box attacks only");
          rsource = "none (black-box: " + failure + ")";
        }
      }
      this.gradients = rg;
      this.gradientSource = rsource;
      return;
    }
    this.classes = raw[0].length == 1 ? 2 : raw[0].length;
    double[][] p = toProbabilities(raw);
    try {
      Models.checkProbabilities(name, p, probe.length, classes);
    } catch (UsageException e) {
      throw new UsageException("model '" + name + "': output '" + sig.output() + "' is not a probability vector on a probe batch ("
          + e.getMessage() + "): row 0 is " + Arrays.toString(raw[0])
          + "; Gauntlet needs class probabilities, so export the model with its softmax (or sigmoid) output, or name the probability output with 'output:'"
          + (raw[0].length == 1 ? " (if the model predicts a number, make the schema's label numeric: a regression suite)" : ""));
    }
    GradientMode mode = settings.gradient();
    InputGradients g = null;
    String source;
    if (mode == GradientMode.SAMEDIFF || mode == GradientMode.AUTO) {
      SameDiffGradients sd = null;
      String failure;
      try {
        sd = SameDiffGradients.load(file, artifact.sha256(), sig, width, raw[0].length, progress);
        double diff = sd.maxDifference(probe, p);
        failure = diff <= IMPORT_TOLERANCE ? null
            : String.format(java.util.Locale.ROOT, "its outputs differ from ONNX Runtime's by up to %.3g (tolerance %.0e)", diff, IMPORT_TOLERANCE);
      } catch (RuntimeException | LinkageError e) {
        failure = "the graph could not be rebuilt in SameDiff: " + e.getMessage();
      }
      if (failure == null) {
        sd.verifyDense(probe, p, IMPORT_TOLERANCE); // a dense chain gives attacks the input-only pass
        g = sd;
        source = "SameDiff, exact (" + sd.how() + "; outputs match ONNX Runtime within " + IMPORT_TOLERANCE + ")";
      } else if (mode == GradientMode.SAMEDIFF) {
        throw new UsageException("model '" + name + "': gradient: samediff was asked for, but " + failure
            + "; use gradient: finite-difference or spsa (estimates through ONNX Runtime), or auto");
      } else {
        progress.accept("SameDiff gradients for '" + name + "' not used (" + failure + "); estimating gradients by finite differences");
        g = new EstimatedGradients(this, GradientMode.FINITE_DIFFERENCE, 0);
        source = "central finite differences through ONNX Runtime, " + (2 * width) + " queries per row (SameDiff unusable: " + failure + ")";
      }
    } else if (mode == GradientMode.FINITE_DIFFERENCE) {
      g = new EstimatedGradients(this, mode, 0);
      source = "central finite differences through ONNX Runtime, " + (2 * width) + " queries per row";
    } else if (mode == GradientMode.SPSA) {
      g = new EstimatedGradients(this, mode, settings.spsaDirections());
      source = "SPSA estimate through ONNX Runtime, " + settings.spsaDirections() + " random directions, "
          + (2 * settings.spsaDirections()) + " queries per row";
    } else {
      source = "none (black-box)";
    }
    this.gradients = g;
    this.gradientSource = source;
  }

  /**
   * Loads an ONNX model file.
   *
   * @param file the {@code .onnx} file
   * @param name a short name for reports
   * @param schemaWidth the schema's encoded width, or empty to skip the check
   * @param settings gradient mode and output choice
   * @param progress receives progress messages (a first import by ND4J's importer takes about a minute)
   * @throws UsageException for a missing, corrupt or truncated file, more than one input, an input
   *     width other than the schema's, or an output that is not a probability vector
   */
  public static OnnxModel load(Path file, String name, OptionalInt schemaWidth, Settings settings, Consumer<String> progress) {
    OnnxFile onnx = OnnxFile.read(file);
    Artifact art = onnx.artifact;
    byte[] bytes = onnx.bytes;
    OrtEnvironment env = OrtRuntime.environment();
    OrtSession session;
    try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
      String omp = System.getenv("OMP_NUM_THREADS");
      if (omp != null && omp.matches("[1-9][0-9]*")) {
        opts.setIntraOpNumThreads(Integer.parseInt(omp));
      }
      opts.setInterOpNumThreads(1);
      session = env.createSession(bytes, opts);
    } catch (OrtException e) {
      throw new UsageException(file + ": not a readable ONNX model (ONNX Runtime says: " + firstLine(e.getMessage())
          + "); the file is corrupt, truncated or not ONNX", e);
    }
    try {
      OnnxSignature sig = OnnxSignature.read(name, session, settings.output());
      int w = sig.width();
      if (w > 0 && schemaWidth.isPresent() && schemaWidth.getAsInt() != w) {
        throw new UsageException("model '" + name + "' (" + file + ") takes input '" + sig.input() + "' of shape "
            + OnnxSignature.shape(sig.inputShape()) + " but the schema encodes rows of shape [batch, " + schemaWidth.getAsInt()
            + "]; the schema's features and encodings must match what the model was trained on");
      }
      if (w <= 0) {
        if (schemaWidth.isEmpty()) {
          throw new UsageException("model '" + name + "' leaves its input width dynamic " + OnnxSignature.shape(sig.inputShape())
              + " and no schema gives it");
        }
        w = schemaWidth.getAsInt();
      }
      return new OnnxModel(name, env, session, sig, w, art, onnx, settings, progress == null ? s -> {} : progress);
    } catch (OrtException e) {
      closeQuietly(session);
      throw new UsageException(file + ": ONNX Runtime could not run the model: " + firstLine(e.getMessage()), e);
    } catch (RuntimeException e) {
      closeQuietly(session);
      throw e;
    }
  }

  private static void closeQuietly(OrtSession s) {
    try {
      s.close();
    } catch (OrtException ignored) {
      // closing a session that failed to load
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "no message";
    }
    int nl = s.indexOf('\n');
    return (nl < 0 ? s : s.substring(0, nl)).strip();
  }

  /** A fixed probe batch of 32 rows in [-2, 2], deterministic, to validate outputs and imports. */
  static double[][] probe(int width) {
    SplittableRandom r = new SplittableRandom(20240601L);
    double[][] x = new double[32][width];
    for (double[] row : x) {
      for (int j = 0; j < width; j++) {
        row[j] = r.nextDouble(-2, 2);
      }
    }
    return x;
  }

  @Override
  public String name() {
    return baseName + " [ONNX Runtime; gradients: " + shortSource() + "]";
  }

  /** The name given at load, without the adapter's suffix. */
  String baseName() {
    return baseName;
  }

  private String shortSource() {
    int cut = gradientSource.indexOf(" (");
    return cut < 0 ? gradientSource : gradientSource.substring(0, cut);
  }

  /** Which gradient the model gives, with its query cost, e.g. "SameDiff, exact (...)". */
  public String gradientSource() {
    return gradientSource;
  }

  /** The SameDiff gradients in use, if any (package-private: tests). */
  Optional<SameDiffGradients> sameDiff() {
    return gradients instanceof SameDiffGradients s ? Optional.of(s) : Optional.empty();
  }

  /** The ONNX input and output this adapter uses. */
  public String signature() {
    return "input '" + sig.input() + "' " + OnnxSignature.shape(sig.inputShape()) + ", output '" + sig.output() + "'";
  }

  @Override
  public Set<Capability> capabilities() {
    return gradients == null ? EnumSet.of(Capability.PREDICT) : EnumSet.of(Capability.PREDICT, Capability.LOSS_GRADIENT);
  }

  @Override
  public Optional<String> missingReason(Capability c) {
    return c == Capability.LOSS_GRADIENT && gradients == null
        ? Optional.of("ONNX model '" + baseName + "' has no gradients: " + gradientSource + "; use simba or noise") : Optional.empty();
  }

  @Override
  public OptionalInt inputWidth() {
    return OptionalInt.of(width);
  }

  @Override
  public Task task() {
    return task;
  }

  @Override
  public int classCount() {
    return classes;
  }

  @Override
  public double[] predictValues(double[][] x) {
    if (task != Task.REGRESSION) {
      return ModelUnderTest.super.predictValues(x);
    }
    if (x.length == 0) {
      return new double[0];
    }
    Models.checkWidth(baseName, width, x);
    return column0(runRaw(x)); // callers check finiteness with the data's row numbers (Models.checkValues)
  }

  private static double[] column0(double[][] raw) {
    double[] v = new double[raw.length];
    for (int i = 0; i < raw.length; i++) {
      v[i] = raw[i][0];
    }
    return v;
  }

  @Override
  public Optional<InputGradients> gradients() {
    return Optional.ofNullable(gradients);
  }

  @Override
  public Optional<Artifact> artifact() {
    return Optional.of(artifact);
  }

  @Override
  public double[][] predict(double[][] x) {
    if (task == Task.REGRESSION) {
      throw new UnsupportedOperationException("model '" + baseName + "' is a regression model (one number per row); it gives no class probabilities");
    }
    if (x.length == 0) {
      return new double[0][classes];
    }
    Models.checkWidth(baseName, width, x);
    double[][] p = toProbabilities(runRaw(x));
    Models.checkProbabilities(baseName, p, x.length, classes);
    return p;
  }

  /** The chosen output for every row, as ONNX Runtime gives it (k values, or 1 for a sigmoid). */
  double[][] runRaw(double[][] x) {
    int chunk = sig.fixedBatch() > 0 ? sig.fixedBatch() : BATCH;
    double[][] out = new double[x.length][];
    for (int start = 0; start < x.length; start += chunk) {
      int end = Math.min(x.length, start + chunk);
      int rows = sig.fixedBatch() > 0 ? chunk : end - start;
      double[][] part = runChunk(x, start, end, rows);
      System.arraycopy(part, 0, out, start, end - start);
    }
    return out;
  }

  private double[][] runChunk(double[][] x, int start, int end, int rows) {
    long[] shape = {rows, width};
    try (OnnxTensor t = tensor(x, start, end, rows); OrtSession.Result r = session.run(Map.of(sig.input(), t), Set.of(sig.output()))) {
      OnnxValue v = r.get(0);
      double[][] all = sig.outputKind() == OnnxSignature.OutputKind.ZIPMAP ? fromZipMap((OnnxSequence) v) : fromTensor((OnnxTensor) v);
      if (all.length != rows) {
        throw new UsageException("model '" + baseName + "' returned " + all.length + " rows for a batch of shape " + Arrays.toString(shape));
      }
      return Arrays.copyOf(all, end - start);
    } catch (OrtException e) {
      throw new UsageException("model '" + baseName + "' failed in ONNX Runtime on a batch of shape " + OnnxSignature.shape(shape)
          + ": " + firstLine(e.getMessage()), e);
    }
  }

  private OnnxTensor tensor(double[][] x, int start, int end, int rows) throws OrtException {
    long[] shape = {rows, width};
    if (sig.inputType() == OnnxJavaType.DOUBLE) {
      DoubleBuffer b = DoubleBuffer.allocate(rows * width);
      for (int i = start; i < end; i++) {
        b.put(x[i]);
      }
      b.rewind();
      return OnnxTensor.createTensor(env, b, shape);
    }
    FloatBuffer b = FloatBuffer.allocate(rows * width);
    for (int i = start; i < end; i++) {
      for (double v : x[i]) {
        b.put((float) v);
      }
    }
    b.rewind();
    return OnnxTensor.createTensor(env, b, shape);
  }

  private double[][] fromTensor(OnnxTensor t) throws OrtException {
    Object v = t.getValue();
    if (v instanceof float[][] f) {
      double[][] d = new double[f.length][];
      for (int i = 0; i < f.length; i++) {
        d[i] = new double[f[i].length];
        for (int j = 0; j < f[i].length; j++) {
          d[i][j] = f[i][j];
        }
      }
      return d;
    }
    if (v instanceof double[][] d) {
      return d;
    }
    if (v instanceof float[] f) {
      double[][] d = new double[f.length][1];
      for (int i = 0; i < f.length; i++) {
        d[i][0] = f[i];
      }
      return d;
    }
    if (v instanceof double[] f) {
      double[][] d = new double[f.length][1];
      for (int i = 0; i < f.length; i++) {
        d[i][0] = f[i];
      }
      return d;
    }
    throw new UsageException("model '" + baseName + "': output '" + sig.output() + "' is a " + t.getInfo() + "; expected [batch, classes]");
  }

  private double[][] fromZipMap(OnnxSequence s) throws OrtException {
    List<? extends OnnxValue> maps = s.getValue();
    List<double[]> rows = new ArrayList<>(maps.size());
    for (OnnxValue m : maps) {
      Map<? extends Object, ? extends Object> raw = ((OnnxMap) m).getValue();
      TreeMap<Comparable<Object>, Object> sorted = new TreeMap<>();
      for (Map.Entry<? extends Object, ? extends Object> e : raw.entrySet()) {
        @SuppressWarnings("unchecked")
        Comparable<Object> k = (Comparable<Object>) e.getKey();
        sorted.put(k, e.getValue());
      }
      double[] row = new double[sorted.size()];
      int j = 0;
      for (Object v : sorted.values()) {
        row[j++] = ((Number) v).doubleValue();
      }
      rows.add(row);
    }
    return rows.toArray(new double[0][]);
  }

  /** k values are probabilities as they are; one value is a sigmoid's P(positive). */
  static double[][] toProbabilities(double[][] raw) {
    if (raw.length == 0 || raw[0].length != 1) {
      return raw;
    }
    double[][] p = new double[raw.length][2];
    for (int i = 0; i < raw.length; i++) {
      p[i][0] = 1 - raw[i][0];
      p[i][1] = raw[i][0];
    }
    return p;
  }

  @Override
  public void close() {
    closeQuietly(session);
  }
}
