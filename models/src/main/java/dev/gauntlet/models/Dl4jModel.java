package dev.gauntlet.models;

import dev.gauntlet.harness.model.Artifact;
import dev.gauntlet.harness.model.Capability;
import dev.gauntlet.harness.model.ModelUnderTest;
import dev.gauntlet.harness.model.Models;
import dev.gauntlet.harness.model.Task;
import dev.gauntlet.harness.UsageException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.deeplearning4j.nn.gradient.Gradient;

/**
 * A DL4J {@link MultiLayerNetwork} or {@link ComputationGraph} (one input, one output) as a
 * white-box model: probabilities and the gradient of the summed loss with respect to the input.
 *
 * <p>A classifier's output layer produces probabilities: softmax over {@code k >= 2} units, or a
 * sigmoid over one unit trained with binary cross-entropy (read as two classes, {@code [1 - p, p]}).
 * A regression model's output layer has one unit with any other activation (identity, ReLU,
 * softplus, tanh, ...), or a sigmoid trained with a regression loss (MSE, L1, L2, MAE, MAPE, MSLE,
 * Poisson); its {@link #predictValues} is that unit, and its gradients are those of its own loss
 * against numeric targets ({@link InputGradients#lossGradient(double[][], double[])}). Anything else
 * is rejected when loaded.
 */
public final class Dl4jModel implements ModelUnderTest {
  private final String name;
  private final MultiLayerNetwork mln;
  private final CapturingGraph graph;
  private final int width;
  private final int outputs;
  private final boolean regression;
  private final DataType dtype;
  private final Artifact artifact;
  private final InputGradients gradients = new Gradients();

  private Dl4jModel(String name, MultiLayerNetwork mln, CapturingGraph graph, Artifact artifact) {
    this.name = name;
    this.mln = mln;
    this.graph = graph;
    this.artifact = artifact;
    org.deeplearning4j.nn.conf.layers.Layer first;
    org.deeplearning4j.nn.conf.layers.Layer last;
    if (mln != null) {
      first = mln.getLayerWiseConfigurations().getConf(0).getLayer();
      last = mln.getLayerWiseConfigurations().getConf(mln.getnLayers() - 1).getLayer();
      dtype = mln.params().dataType();
    } else {
      ComputationGraphConfiguration conf = graph.getConfiguration();
      if (conf.getNetworkInputs().size() != 1 || conf.getNetworkOutputs().size() != 1) {
        throw new UsageException("model '" + name + "' has " + conf.getNetworkInputs().size() + " inputs and "
            + conf.getNetworkOutputs().size() + " outputs; Gauntlet audits models with one input and one output");
      }
      first = null;
      for (org.deeplearning4j.nn.graph.vertex.GraphVertex v : graph.getVertices()) {
        if (v.hasLayer() && v.getInputVertices() != null && v.getInputVertices().length == 1
            && graph.getVertices()[v.getInputVertices()[0].getVertexIndex()].isInputVertex()) {
          first = v.getLayer().conf().getLayer();
        }
      }
      last = graph.getLayer(conf.getNetworkOutputs().get(0)).conf().getLayer();
      dtype = graph.params().dataType();
    }
    this.width = first instanceof FeedForwardLayer ff ? (int) ff.getNIn() : -1;
    if (!(last instanceof BaseOutputLayer out)) {
      throw new UsageException("model '" + name + "': the last layer is " + last.getClass().getSimpleName()
          + ", not an output layer; Gauntlet needs a classifier whose output is a probability vector");
    }
    IActivation act = out.getActivationFn();
    int nOut = (int) out.getNOut();
    boolean softmax = act instanceof ActivationSoftmax && nOut >= 2;
    boolean sigmoid = act instanceof ActivationSigmoid && nOut == 1;
    boolean regressionLoss = isRegressionLoss(out.getLossFn());
    this.regression = nOut == 1 && !(act instanceof ActivationSoftmax) && (!sigmoid || regressionLoss);
    if (!softmax && !sigmoid && !regression) {
      throw new UsageException("model '" + name + "': the output layer has activation " + act + " over " + nOut
          + " units; Gauntlet needs probabilities (softmax over 2 or more classes, or sigmoid over 1 unit) for a classifier,"
          + " or one output unit (e.g. identity activation) for a regression model");
    }
    this.outputs = nOut;
  }

  /**
   * Loads a model zip written by {@link ModelSerializer}; a MultiLayerNetwork or a ComputationGraph.
   * The zip is read by {@link Dl4jZip}, never by ModelSerializer: bounded sizes, validated type
   * names, the parameter header checked before allocation, no unfiltered Java deserialization.
   */
  public static Dl4jModel load(Path zip, String name) {
    Artifact art = Artifact.of(zip, "model file");
    Dl4jZip.Contents c;
    try {
      c = Dl4jZip.read(zip);
    } catch (UsageException e) {
      throw e;
    } catch (java.util.zip.ZipException e) {
      throw new UsageException(zip + ": not a readable zip file (" + e.getMessage() + "); the model file is corrupt or truncated");
    } catch (NoSuchFileException e) {
      throw new UsageException(zip + ": model file not found; check the path");
    } catch (IOException e) {
      throw new UsageException(zip + ": cannot read model file: " + e.getMessage(), e);
    }
    try {
      if (c.graph() != null) {
        return fromGraph(c.graph(), c.params(), name, art);
      }
      MultiLayerNetwork n = new MultiLayerNetwork(c.mln());
      n.init(c.params(), false);
      return new Dl4jModel(name, n, null, art);
    } catch (UsageException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new UsageException(zip + ": cannot load the DL4J model (" + e + "); the file may be corrupt or written by an incompatible version", e);
    }
  }

  /** Wraps a network built in code. */
  public static Dl4jModel of(MultiLayerNetwork net, String name) {
    return new Dl4jModel(name, net, null, null);
  }

  /** Wraps a graph built in code (its parameters are copied into a gradient-capturing graph). */
  public static Dl4jModel of(ComputationGraph graph, String name) {
    return fromGraph(graph, name, null);
  }

  private static Dl4jModel fromGraph(ComputationGraph g, String name, Artifact art) {
    return fromGraph(g.getConfiguration().clone(), g.params().dup(), name, art);
  }

  private static Dl4jModel fromGraph(ComputationGraphConfiguration conf, INDArray params, String name, Artifact art) {
    // calcBackpropGradients keeps activation gradients in workspaces unless the *inference* mode is NONE
    // (it tests getInferenceWorkspaceMode()), so both are turned off for the input gradient to outlive the pass.
    conf.setTrainingWorkspaceMode(WorkspaceMode.NONE);
    conf.setInferenceWorkspaceMode(WorkspaceMode.NONE);
    CapturingGraph cg = new CapturingGraph(conf);
    cg.init(params, false);
    return new Dl4jModel(name, null, cg, art);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Set<Capability> capabilities() {
    return EnumSet.of(Capability.PREDICT, Capability.LOSS_GRADIENT);
  }

  @Override
  public OptionalInt inputWidth() {
    return width > 0 ? OptionalInt.of(width) : OptionalInt.empty();
  }

  /** Losses that make a one-unit output a regression (a sigmoid trained with them predicts a number in (0, 1), not a probability). */
  static boolean isRegressionLoss(org.nd4j.linalg.lossfunctions.ILossFunction loss) {
    return loss instanceof org.nd4j.linalg.lossfunctions.impl.LossMSE || loss instanceof org.nd4j.linalg.lossfunctions.impl.LossL1
        || loss instanceof org.nd4j.linalg.lossfunctions.impl.LossL2 || loss instanceof org.nd4j.linalg.lossfunctions.impl.LossMAE
        || loss instanceof org.nd4j.linalg.lossfunctions.impl.LossMAPE || loss instanceof org.nd4j.linalg.lossfunctions.impl.LossMSLE
        || loss instanceof org.nd4j.linalg.lossfunctions.impl.LossPoisson;
  }

  @Override
  public Task task() {
    return regression ? Task.REGRESSION : Task.CLASSIFICATION;
  }

  @Override
  public int classCount() {
    return regression ? 0 : outputs == 1 ? 2 : outputs;
  }

  @Override
  public Optional<Artifact> artifact() {
    return Optional.ofNullable(artifact);
  }

  @Override
  public Optional<InputGradients> gradients() {
    return Optional.of(gradients);
  }

  /**
   * The wrapped {@link MultiLayerNetwork}, for tools that walk its layers (e.g. an input-gradient-only
   * backward pass); empty for a {@link ComputationGraph}. Callers must not modify or train it.
   */
  public Optional<MultiLayerNetwork> multiLayerNetwork() {
    return Optional.ofNullable(mln);
  }

  /** The data type of the network's parameters (inputs are cast to it). */
  public DataType dataType() {
    return dtype;
  }

  @Override
  public double[] predictValues(double[][] x) {
    if (!regression) {
      return ModelUnderTest.super.predictValues(x);
    }
    if (x.length == 0) {
      return new double[0];
    }
    if (width > 0) {
      Models.checkWidth(name, width, x);
    }
    double[][] raw = rows(output(Nd4j.create(x).castTo(dtype)));
    double[] v = new double[raw.length];
    for (int i = 0; i < raw.length; i++) {
      v[i] = raw[i][0];
    }
    return v; // callers check finiteness with the data's row numbers (Models.checkValues)
  }

  @Override
  public double[][] predict(double[][] x) {
    if (regression) {
      throw new UnsupportedOperationException("model '" + name + "' is a regression model (one number per row); it gives no class probabilities");
    }
    if (x.length == 0) {
      return new double[0][classCount()];
    }
    if (width > 0) {
      Models.checkWidth(name, width, x);
    }
    INDArray in = Nd4j.create(x).castTo(dtype);
    double[][] p = toProbabilities(output(in));
    Models.checkProbabilities(name, p, x.length, classCount());
    return p;
  }

  private INDArray output(INDArray in) {
    try {
      synchronized (this) {
        return mln != null ? mln.output(in, false) : graph.outputSingle(false, in);
      }
    } catch (RuntimeException e) {
      throw new UsageException("model '" + name + "' failed on a batch of shape " + java.util.Arrays.toString(in.shape())
          + ": " + e.getMessage() + "; does the schema encode the features the model was trained on?", e);
    }
  }

  /**
   * Copies a matrix into Java rows with one bulk read. {@code INDArray.toDoubleMatrix()} reads element
   * by element and takes seconds for 10,000 rows, which dominated every batched model call.
   */
  static double[][] rows(INDArray a) {
    INDArray c = a.castTo(DataType.DOUBLE).dup('c');
    int n = (int) c.rows();
    int k = (int) c.columns();
    double[] flat = c.data().asDouble();
    double[][] out = new double[n][];
    for (int i = 0; i < n; i++) {
      out[i] = java.util.Arrays.copyOfRange(flat, i * k, (i + 1) * k);
    }
    return out;
  }

  private double[][] toProbabilities(INDArray out) {
    double[][] raw = rows(out);
    if (outputs != 1) {
      return raw;
    }
    double[][] p = new double[raw.length][2];
    for (int i = 0; i < raw.length; i++) {
      p[i][1] = raw[i][0];
      p[i][0] = 1 - raw[i][0];
    }
    return p;
  }

  private final class Gradients implements InputGradients {
    private Optional<DenseStack> dense;

    @Override
    public synchronized Optional<DenseStack> denseStack() {
      if (dense == null) {
        // the dense view computes a classifier's probabilities and cross-entropy; a regression model has neither
        dense = regression ? Optional.empty() : mln != null ? Dl4jDense.of(mln) : Dl4jDense.of(graph);
      }
      return dense;
    }

    @Override
    public DataType dataType() {
      return dtype;
    }

    @Override
    public double[][] lossGradient(double[][] x, double[] targets) {
      if (!regression) {
        return InputGradients.super.lossGradient(x, targets);
      }
      return rows(lossGradient(Nd4j.create(x).castTo(dtype), LossTargets.column(x, targets, dtype)));
    }

    @Override
    public double[][] lossGradient(double[][] x, int[] labels) {
      if (regression) {
        throw new UnsupportedOperationException("model '" + name + "' is a regression model; its loss gradient takes numeric targets");
      }
      return rows(lossGradient(Nd4j.create(x).castTo(dtype), LossTargets.oneHot(x, labels, classCount(), dtype)));
    }

    @Override
    public INDArray lossGradient(INDArray x, INDArray oneHotLabels) {
      INDArray y = regression ? oneHotLabels : outputs == 1 ? oneHotLabels.getColumn(1).reshape(oneHotLabels.rows(), 1) : oneHotLabels;
      synchronized (Dl4jModel.this) {
        if (mln != null) {
          Pair<Gradient, INDArray> p = mln.calculateGradients(x.castTo(dtype), y.castTo(dtype), null, null);
          return p.getSecond();
        }
        graph.setInput(0, x.castTo(dtype));
        graph.setLabel(0, y.castTo(dtype));
        graph.computeGradientAndScore();
        INDArray eps = graph.captured;
        graph.captured = null;
        if (eps == null) {
          throw new IllegalStateException("the graph did not produce an input gradient");
        }
        return eps;
      }
    }

    @Override
    public INDArray output(INDArray x) {
      INDArray out = Dl4jModel.this.output(x.castTo(dtype));
      if (outputs != 1 || regression) {
        return out;
      }
      return Nd4j.hstack(out.rsub(1.0), out);
    }
  }

  /**
   * A graph that keeps the gradient with respect to its input, which {@link ComputationGraph} clears
   * after backpropagation. Workspaces must be off so the array outlives the pass.
   */
  static final class CapturingGraph extends ComputationGraph {
    private static final long serialVersionUID = 1L;
    INDArray captured;

    CapturingGraph(ComputationGraphConfiguration conf) {
      super(conf);
    }

    @Override
    protected void calcBackpropGradients(boolean clearLayers, boolean truncatedBPTT, INDArray... externalEpsilons) {
      super.calcBackpropGradients(clearLayers, truncatedBPTT, externalEpsilons);
      String in = getConfiguration().getNetworkInputs().get(0);
      INDArray eps = getVertex(in).getEpsilon();
      captured = eps == null ? null : eps.detach();
    }
  }

}
