package dev.gauntlet.models;

import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.model.Artifact;
import dev.gauntlet.harness.model.Capability;
import dev.gauntlet.models.Dl4jModel;
import dev.gauntlet.models.InputGradients;
import dev.gauntlet.harness.model.ModelUnderTest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.modelimport.keras.KerasModelImport;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.deeplearning4j.nn.modelimport.keras.exceptions.InvalidKerasConfigurationException;
import org.deeplearning4j.nn.modelimport.keras.exceptions.UnsupportedKerasConfigurationException;

/**
 * A Keras model saved as HDF5 ({@code model.save("m.h5")}), imported into DL4J and audited as a
 * white-box {@link Dl4jModel}: probabilities and exact input gradients.
 *
 * <p>Sequential models become a MultiLayerNetwork (the last Dense layer, softmax or a one-unit
 * sigmoid, becomes a cross-entropy output layer), functional ones a ComputationGraph (which must
 * end in an output layer as DL4J imports it). Anything whose output is not a probability vector is
 * rejected.
 */
public final class KerasModel implements ModelUnderTest {
  private final Dl4jModel model;
  private final Artifact artifact;

  private KerasModel(Dl4jModel model, Artifact artifact) {
    this.model = model;
    this.artifact = artifact;
  }

  /**
   * Loads a Keras HDF5 file.
   *
   * <p>The file is first checked by {@link Hdf5Inspection}: it must be a regular file of at most 2
   * GiB and 100k objects that names no other file (no external or user-defined links, no external
   * storage, no virtual datasets, the default single-file driver).
   *
   * @throws UsageException for a missing, corrupt, truncated or non-HDF5 file, one that could make
   *     HDF5 read another file (see above), an unsupported
   *     layer, or an output that is not a probability vector
   */
  public static KerasModel load(Path file, String name, OptionalInt schemaWidth) {
    Path real = Hdf5Inspection.check(file);
    Artifact art = Artifact.of(file, "Keras model file");
    Dl4jModel m;
    String path = real.toString();
    try {
      try {
        m = Dl4jModel.of(withOutputLayer(KerasModelImport.importKerasSequentialModelAndWeights(path, false)), name);
      } catch (InvalidKerasConfigurationException e) {
        if (e.getMessage() == null || !e.getMessage().contains("Sequential")) {
          throw e;
        }
        m = Dl4jModel.of(KerasModelImport.importKerasModelAndWeights(path, false), name);
      }
    } catch (UsageException e) {
      throw new UsageException(file + ": " + e.getMessage(), e);
    } catch (UnsupportedKerasConfigurationException e) {
      throw new UsageException(file + ": the Keras model uses something DL4J cannot import: " + e.getMessage(), e);
    } catch (InvalidKerasConfigurationException e) {
      throw new UsageException(file + ": not a Keras model DL4J can import (" + e.getMessage()
          + "); save a compiled Keras model with model.save(\"model.h5\")", e);
    } catch (IOException | RuntimeException e) {
      throw new UsageException(file + ": cannot read the Keras HDF5 file (" + e + "); the file may be corrupt or truncated", e);
    }
    if (schemaWidth.isPresent() && m.inputWidth().isPresent() && m.inputWidth().getAsInt() != schemaWidth.getAsInt()) {
      throw new UsageException("model '" + name + "' (" + file + ") takes inputs of shape [batch, " + m.inputWidth().getAsInt()
          + "] but the schema encodes rows of shape [batch, " + schemaWidth.getAsInt() + "]; the schema's features and encodings must match what the model was trained on");
    }
    return new KerasModel(m, art);
  }

  /**
   * Keras has no output layers: DL4J imports the last Dense layer as a {@link DenseLayer}. When its
   * activation gives probabilities (softmax over 2+ units, sigmoid over 1), it becomes the equivalent
   * {@link OutputLayer} with the cross-entropy loss, same parameters, so that the input gradient is
   * the loss gradient Gauntlet defines; one unit with any other activation (e.g. linear) is a
   * regression model and gets the squared-error loss. Anything else is left for {@link Dl4jModel}
   * to reject.
   */
  static MultiLayerNetwork withOutputLayer(MultiLayerNetwork net) {
    MultiLayerConfiguration conf = net.getLayerWiseConfigurations().clone();
    int last = conf.getConfs().size() - 1;
    if (!(conf.getConf(last).getLayer() instanceof DenseLayer d)) {
      return net;
    }
    IActivation act = d.getActivationFn();
    LossFunctions.LossFunction loss;
    if (act instanceof ActivationSoftmax && d.getNOut() >= 2) {
      loss = LossFunctions.LossFunction.MCXENT;
    } else if (act instanceof ActivationSigmoid && d.getNOut() == 1) {
      loss = LossFunctions.LossFunction.XENT;
    } else if (d.getNOut() == 1 && !(act instanceof ActivationSoftmax)) {
      loss = LossFunctions.LossFunction.MSE; // one unit, not a probability: a regression model
    } else {
      return net;
    }
    OutputLayer out = new OutputLayer.Builder(loss).nIn(d.getNIn()).nOut(d.getNOut()).activation(act).hasBias(d.hasBias()).build();
    out.setLayerName(d.getLayerName());
    conf.getConf(last).setLayer(out);
    MultiLayerNetwork converted = new MultiLayerNetwork(conf);
    converted.init(net.params().dup(), false);
    return converted;
  }

  @Override
  public String name() {
    return model.name();
  }

  @Override
  public Set<Capability> capabilities() {
    return model.capabilities();
  }

  @Override
  public OptionalInt inputWidth() {
    return model.inputWidth();
  }

  @Override
  public dev.gauntlet.harness.model.Task task() {
    return model.task();
  }

  @Override
  public int classCount() {
    return model.classCount();
  }

  @Override
  public double[] predictValues(double[][] x) {
    return model.predictValues(x);
  }

  @Override
  public double[][] predict(double[][] x) {
    return model.predict(x);
  }

  /** DL4J's gradients, returned in the data type of the caller's arrays (Keras models are float32). */
  @Override
  public Optional<InputGradients> gradients() {
    return model.gradients().map(g -> new InputGradients() {
      @Override
      public double[][] lossGradient(double[][] x, int[] labels) {
        return g.lossGradient(x, labels);
      }

      @Override
      public double[][] lossGradient(double[][] x, double[] targets) {
        return g.lossGradient(x, targets); // a regression model's squared-error gradient
      }

      @Override
      public INDArray lossGradient(INDArray x, INDArray oneHotLabels) {
        return g.lossGradient(x, oneHotLabels).castTo(x.dataType());
      }

      @Override
      public INDArray output(INDArray x) {
        return g.output(x).castTo(x.dataType());
      }

      @Override
      public Optional<dev.gauntlet.models.DenseStack> denseStack() {
        return g.denseStack(); // the imported network's layers: attacks take the input-only pass
      }
    });
  }

  @Override
  public Optional<Artifact> artifact() {
    return Optional.of(artifact);
  }
}
