package dev.gauntlet.models;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.model.Artifact;
import dev.gauntlet.harness.model.Capability;
import dev.gauntlet.harness.model.ModelUnderTest;
import dev.gauntlet.harness.model.Models;
import dev.gauntlet.harness.model.Task;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * A model saved by XGBoost ({@code booster.save_model("m.json")} or {@code "m.ubj"}), run by
 * XGBoost's JVM package (xgboost4j, CPU). Its objective decides what it is: a classifier
 * ({@code binary:logistic}, {@code binary:logitraw}, {@code multi:softprob}, {@code multi:softmax})
 * or a regression model ({@code reg:squarederror} and the other {@code reg:} objectives,
 * {@code count:poisson}).
 *
 * <p>Black-box: a tree ensemble's output is piecewise constant in its input, so its gradient is zero
 * almost everywhere and undefined at the splits. The model has no {@link Capability#LOSS_GRADIENT}
 * and says why ({@link #missingReason}); score- and decision-based attacks (simba, square, hsj) run on it.
 *
 * <p>Inert loading: the file must be a regular file of at most {@link #MAX_BYTES} bytes; XGBoost's
 * native code receives its bytes, never a path, so the model cannot make it read another file. A
 * file that is empty, not JSON/UBJSON, truncated or corrupt is a {@link UsageException} naming it.
 */
public final class XgboostModel implements ModelUnderTest {
  /** The largest model file loaded (256 MiB). */
  public static final long MAX_BYTES = 256L << 20;

  /** Why the model has no input gradient, for reports and refusals. */
  static final String NO_GRADIENT = "an XGBoost tree ensemble has no useful gradient (its output is piecewise constant: the gradient "
      + "is zero almost everywhere and undefined at the splits); use a black-box attack: ";

  private final String name;
  private final Booster booster;
  private final String objectiveName;
  private final XgboostObjective objective;
  private final int classes;
  private final int width;
  private final Artifact artifact;

  private XgboostModel(String name, Booster booster, String objectiveName, XgboostObjective objective, int classes, int width, Artifact artifact) {
    this.name = name;
    this.booster = booster;
    this.objectiveName = objectiveName;
    this.objective = objective;
    this.classes = classes;
    this.width = width;
    this.artifact = artifact;
  }

  /**
   * Loads a saved XGBoost model.
   *
   * @param file a {@code .json} or {@code .ubj} model file
   * @param name the name for reports
   * @param expectedWidth the schema's encoded width, checked against the model's feature count when present
   * @throws UsageException for a missing, oversized, empty or corrupt file, an objective Gauntlet
   *     cannot audit, or a feature count that differs from the schema's
   */
  public static XgboostModel load(Path file, String name, OptionalInt expectedWidth) {
    return load(file, name, expectedWidth, 1);
  }

  /**
   * As {@link #load(Path, String, OptionalInt)}, predicting with {@code threads} OpenMP threads.
   * One thread is the default: attacks call the model on one row or a few at a time, where starting
   * OpenMP threads can cost more than the trees (an ad-hoc probe on a loaded 2-core machine, not a
   * benchmark, showed one-thread calls an order of magnitude faster).
   */
  public static XgboostModel load(Path file, String name, OptionalInt expectedWidth, int threads) {
    Objects.requireNonNull(file, "file");
    if (threads < 1 || threads > 1024) {
      throw new IllegalArgumentException("threads must be in [1, 1024], got " + threads);
    }
    byte[] bytes = read(file);
    boolean json = json(file, bytes);
    if (json) {
      // Jackson first: it names the line and column of a syntax error (XGBoost's parser names an offset).
      try {
        MAPPER.readTree(bytes);
      } catch (JsonProcessingException e) {
        throw new UsageException(file + ": not a readable XGBoost JSON model: " + e.getOriginalMessage() + " at line "
            + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + "; the file is corrupt or truncated");
      } catch (IOException e) {
        throw new UsageException(file + ": cannot read the XGBoost model: " + e.getMessage(), e);
      }
    }
    Booster booster;
    JsonNode learner;
    try {
      booster = XGBoost.loadModel(bytes);
      booster.setParam("nthread", threads);
      learner = MAPPER.readTree(booster.toByteArray("json")).path("learner");
    } catch (XGBoostError e) {
      throw new UsageException(file + ": XGBoost cannot load this " + (json ? "JSON" : "UBJSON") + " model: " + firstLine(e.getMessage())
          + "; the file is corrupt, truncated or not an XGBoost model");
    } catch (IOException e) {
      throw new UsageException(file + ": cannot read the XGBoost model: " + e.getMessage(), e);
    }
    String objectiveName = learner.path("objective").path("name").asText("");
    String booster0 = learner.path("gradient_booster").path("name").asText("");
    if (objectiveName.isEmpty()) {
      throw new UsageException(file + ": the XGBoost model names no objective (learner.objective.name); re-save it with xgboost >= 1.0");
    }
    String[] why = new String[1];
    XgboostObjective objective = XgboostObjective.of(objectiveName, why)
        .orElseThrow(() -> new UsageException(file + ": " + why[0]));
    JsonNode param = learner.path("learner_model_param");
    int features = intParam(file, param, "num_feature", 0);
    int numClass = intParam(file, param, "num_class", 0);
    int targets = intParam(file, param, "num_target", 1);
    if (features < 1) {
      throw new UsageException(file + ": the XGBoost model declares num_feature " + features + "; a model takes at least one feature");
    }
    if (targets > 1) {
      throw new UsageException(file + ": the XGBoost model has " + targets + " targets (multi-output); Gauntlet audits one output per row");
    }
    int classes;
    switch (objective) {
      case BINARY_PROBABILITY, BINARY_MARGIN -> classes = 2;
      case MULTI_PROBABILITY, MULTI_MARGIN -> {
        if (numClass < 2) {
          throw new UsageException(file + ": objective " + objectiveName + " with num_class " + numClass + "; a multi-class model has at least 2 classes");
        }
        classes = numClass;
      }
      default -> classes = 0;
    }
    if (expectedWidth.isPresent() && expectedWidth.getAsInt() != features) {
      throw new UsageException(file + ": the XGBoost model takes " + features + " features but the schema encodes " + expectedWidth.getAsInt()
          + "; the schema's features and encodings must match what the model was trained on");
    }
    if (!booster0.equals("gbtree") && !booster0.equals("dart") && !booster0.equals("gblinear")) {
      throw new UsageException(file + ": unknown XGBoost booster '" + booster0 + "' (expected gbtree, dart or gblinear)");
    }
    return new XgboostModel(name, booster, objectiveName, objective, classes, features, Artifact.of(file, "XGBoost model file"));
  }

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static byte[] read(Path file) {
    try {
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(file)) {
        throw new UsageException(file + ": " + (Files.exists(file) ? "not a regular file" : "XGBoost model file not found; check the path"));
      }
      long size = Files.size(file);
      if (size > MAX_BYTES) {
        throw new UsageException(file + ": the XGBoost model file has " + size + " bytes, more than the limit of " + MAX_BYTES
            + " (256 MiB) Gauntlet loads");
      }
      byte[] bytes;
      try (InputStream in = Files.newInputStream(file)) {
        bytes = in.readNBytes((int) MAX_BYTES + 1);
      }
      if (bytes.length > MAX_BYTES) {
        throw new UsageException(file + ": the XGBoost model file grew beyond " + MAX_BYTES + " bytes while it was read");
      }
      return bytes;
    } catch (NoSuchFileException e) {
      throw new UsageException(file + ": XGBoost model file not found; check the path");
    } catch (IOException e) {
      throw new UsageException(file + ": cannot read the XGBoost model file: " + e.getMessage(), e);
    }
  }

  /**
   * JSON or UBJSON, from the content (the extension is only a hint): both start with '{'; JSON's
   * next significant byte is '"' or '}', UBJSON's a length-type marker. Anything else (the old
   * binary format, another file) is refused here: XGBoost's native loader must never see it.
   */
  private static boolean json(Path file, byte[] b) {
    int i = 0;
    while (i < b.length && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t')) {
      i++;
    }
    if (b.length == 0 || i == b.length) {
      throw new UsageException(file + ": the XGBoost model file is empty");
    }
    if (b[i] != '{' || b.length - i < 2) {
      throw new UsageException(file + ": not an XGBoost JSON or UBJSON model (it does not start with '{'); an old binary model must be "
          + "re-saved with xgboost >= 1.0 as booster.save_model('model.json') or 'model.ubj'");
    }
    int j = i + 1;
    while (j < b.length && (b[j] == ' ' || b[j] == '\n' || b[j] == '\r' || b[j] == '\t')) {
      j++;
    }
    if (j < b.length && (b[j] == '"' || b[j] == '}')) {
      return true;
    }
    if (j == i + 1 && "iUIlL$#".indexOf(b[j]) >= 0) {
      return false;
    }
    throw new UsageException(file + ": not an XGBoost JSON or UBJSON model (unexpected byte 0x" + Integer.toHexString(b[j < b.length ? j : i] & 0xff)
        + " after '{' at offset " + (j < b.length ? j : i) + ")");
  }

  private static int intParam(Path file, JsonNode param, String key, int absent) {
    JsonNode v = param.get(key);
    if (v == null) {
      return absent;
    }
    try {
      return Integer.parseInt(v.asText().trim());
    } catch (NumberFormatException e) {
      throw new UsageException(file + ": learner_model_param." + key + " is '" + v.asText() + "', expected an integer");
    }
  }

  private static String firstLine(String msg) {
    if (msg == null) {
      return "(no message)";
    }
    String m = msg;
    int st = m.indexOf("Stack trace:");
    if (st >= 0) {
      m = m.substring(0, st);
    }
    m = m.replaceAll("^\\[[0-9:]+\\] ", "").replaceAll("\\s+", " ").trim();
    return m.length() > 300 ? m.substring(0, 300) + "..." : m;
  }

  @Override
  public String name() {
    return name;
  }

  /** The objective the model was trained with, e.g. {@code binary:logistic}. */
  public String objective() {
    return objectiveName;
  }

  @Override
  public Set<Capability> capabilities() {
    return EnumSet.of(Capability.PREDICT);
  }

  @Override
  public Optional<String> missingReason(Capability c) {
    return c == Capability.LOSS_GRADIENT
        ? Optional.of(NO_GRADIENT + (objective.classifier() ? "simba, square or hsj" : "simba or noise (adversarial.shift, adversarial.min-shift)"))
        : Optional.empty();
  }

  @Override
  public OptionalInt inputWidth() {
    return OptionalInt.of(width);
  }

  @Override
  public Task task() {
    return objective.classifier() ? Task.CLASSIFICATION : Task.REGRESSION;
  }

  /** Whether the objective makes this a classifier (else a regression model). */
  public boolean classifier() {
    return objective.classifier();
  }

  @Override
  public int classCount() {
    return classes;
  }

  @Override
  public double[][] predict(double[][] x) {
    if (!objective.classifier()) {
      throw new UnsupportedOperationException("model '" + name + "' is a regression model (objective " + objectiveName
          + ", one number per row); it gives no class probabilities");
    }
    float[][] raw = run(x);
    double[][] p = new double[x.length][];
    for (int i = 0; i < x.length; i++) {
      p[i] = probabilities(raw[i]);
    }
    Models.checkProbabilities(name, p, x.length, classes);
    return p;
  }

  /**
   * The predicted number per row of a regression model (the objective's transform applied, as
   * XGBoost's {@code predict} returns it).
   *
   * @throws UnsupportedOperationException for a classifier
   */
  @Override
  public double[] predictValues(double[][] x) {
    if (objective.classifier()) {
      throw new UnsupportedOperationException("model '" + name + "' is a classifier (objective " + objectiveName + ", " + classes
          + " class probabilities per row); it predicts no numeric value");
    }
    float[][] raw = run(x);
    double[] v = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      if (raw[i].length != 1) {
        throw new IllegalStateException("XGBoost returned " + raw[i].length + " values for row " + i + " of a one-output model");
      }
      v[i] = raw[i][0];
    }
    return v;
  }

  private double[] probabilities(float[] r) {
    switch (objective) {
      case BINARY_PROBABILITY -> {
        double q = r[0];
        return new double[] {1 - q, q};
      }
      case BINARY_MARGIN -> {
        double q = 1 / (1 + Math.exp(-r[0]));
        return new double[] {1 - q, q};
      }
      case MULTI_PROBABILITY -> {
        double[] p = new double[r.length];
        double s = 0;
        for (int k = 0; k < r.length; k++) {
          p[k] = r[k];
          s += p[k];
        }
        for (int k = 0; k < r.length; k++) {
          p[k] /= s;
        }
        return p;
      }
      case MULTI_MARGIN -> {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : r) {
          max = Math.max(max, v);
        }
        double[] p = new double[r.length];
        double s = 0;
        for (int k = 0; k < r.length; k++) {
          p[k] = Math.exp(r[k] - max);
          s += p[k];
        }
        for (int k = 0; k < r.length; k++) {
          p[k] /= s;
        }
        return p;
      }
      default -> throw new IllegalStateException("not a classifier: " + objective);
    }
  }

  /** One native call per batch; float32 inputs, as XGBoost stores its split thresholds. */
  private synchronized float[][] run(double[][] x) {
    Models.checkWidth(name, width, x);
    int n = x.length;
    if (n == 0) {
      return new float[0][];
    }
    float[] flat = new float[n * width];
    for (int i = 0; i < n; i++) {
      if (x[i].length != width) {
        throw new IllegalArgumentException("row " + i + " has " + x[i].length + " values, expected " + width);
      }
      for (int j = 0; j < width; j++) {
        flat[i * width + j] = (float) x[i][j];
      }
    }
    try {
      float[][] out = objective.margins()
          ? booster.inplace_predict(flat, n, width, Float.NaN, null, Booster.PredictionType.kMargin, null)
          : booster.inplace_predict(flat, n, width, Float.NaN);
      if (out.length != n) {
        throw new IllegalStateException("XGBoost returned " + out.length + " rows for " + n);
      }
      int per = objective.classifier() && (objective == XgboostObjective.MULTI_PROBABILITY || objective == XgboostObjective.MULTI_MARGIN) ? classes : 1;
      for (int i = 0; i < n; i++) {
        if (out[i].length != per) {
          throw new UsageException("model '" + name + "' (XGBoost, objective " + objectiveName + ") returned " + out[i].length
              + " values for row " + i + ", expected " + per);
        }
      }
      return out;
    } catch (XGBoostError e) {
      throw new UsageException("model '" + name + "': XGBoost failed to predict: " + firstLine(e.getMessage()));
    }
  }

  @Override
  public Optional<Artifact> artifact() {
    return Optional.of(artifact);
  }

  @Override
  public String toString() {
    return "XgboostModel[" + name + ", " + objectiveName + ", " + width + " features" + (classes > 0 ? ", " + classes + " classes" : "") + "]";
  }

}
