package dev.gauntlet.models;

import ai.onnxruntime.MapInfo;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.SequenceInfo;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import dev.gauntlet.harness.UsageException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The input and the probability output of an ONNX graph, read from the model and validated: one
 * float or double input of shape {@code [batch, width]}, and an output that can hold class
 * probabilities (a {@code [batch, k]} or {@code [batch]} tensor, or sklearn's ZipMap sequence of maps).
 */
record OnnxSignature(String input, OnnxJavaType inputType, long[] inputShape, String output, OutputKind outputKind, long[] outputShape) {

  enum OutputKind { TENSOR, ZIPMAP }

  static OnnxSignature read(String model, OrtSession session, String wantedOutput) throws OrtException {
    Map<String, NodeInfo> inputs = session.getInputInfo();
    if (inputs.size() != 1) {
      List<String> described = new ArrayList<>();
      for (NodeInfo n : inputs.values()) {
        described.add(describe(n));
      }
      throw new UsageException("model '" + model + "' has " + inputs.size() + " inputs (" + String.join(", ", described)
          + "); Gauntlet audits models with one input, the encoded feature matrix [batch, width]: export the model with its features concatenated into one input");
    }
    NodeInfo in = inputs.values().iterator().next();
    if (!(in.getInfo() instanceof TensorInfo ti) || (ti.type != OnnxJavaType.FLOAT && ti.type != OnnxJavaType.DOUBLE)
        || ti.getShape().length != 2) {
      throw new UsageException("model '" + model + "' takes input " + describe(in)
          + "; Gauntlet needs one float or double tensor of shape [batch, width]");
    }
    Map<String, NodeInfo> outputs = session.getOutputInfo();
    List<NodeInfo> candidates = new ArrayList<>();
    for (NodeInfo n : outputs.values()) {
      if (wantedOutput != null ? n.getName().equals(wantedOutput) : isProbabilityShaped(n.getInfo())) {
        candidates.add(n);
      }
    }
    if (wantedOutput != null && candidates.isEmpty()) {
      throw new UsageException("model '" + model + "' has no output named '" + wantedOutput + "'; its outputs are " + describeAll(outputs));
    }
    if (candidates.size() > 1) {
      List<NodeInfo> named = candidates.stream().filter(n -> n.getName().toLowerCase(Locale.ROOT).contains("prob")).toList();
      if (named.size() == 1) {
        candidates = named;
      }
    }
    if (candidates.size() != 1) {
      throw new UsageException("model '" + model + "' has " + (candidates.isEmpty() ? "no output" : candidates.size() + " outputs")
          + " that could hold class probabilities among " + describeAll(outputs)
          + "; Gauntlet needs a float tensor [batch, classes] (softmax or sigmoid) or a ZipMap of probabilities"
          + (candidates.isEmpty() ? "" : "; name the one to use with 'output:'"));
    }
    NodeInfo out = candidates.get(0);
    if (out.getInfo() instanceof SequenceInfo) {
      if (!isProbabilityShaped(out.getInfo())) {
        throw new UsageException("model '" + model + "': output " + describe(out) + " is not a sequence of class -> probability maps");
      }
      return new OnnxSignature(in.getName(), ti.type, ti.getShape(), out.getName(), OutputKind.ZIPMAP, new long[0]);
    }
    if (!isProbabilityShaped(out.getInfo())) {
      throw new UsageException("model '" + model + "': output " + describe(out)
          + " cannot hold class probabilities; Gauntlet needs a float tensor [batch, classes] or [batch] (a sigmoid's P(positive))");
    }
    return new OnnxSignature(in.getName(), ti.type, ti.getShape(), out.getName(), OutputKind.TENSOR, ((TensorInfo) out.getInfo()).getShape());
  }

  private static boolean isProbabilityShaped(ValueInfo v) {
    if (v instanceof TensorInfo t) {
      return (t.type == OnnxJavaType.FLOAT || t.type == OnnxJavaType.DOUBLE) && (t.getShape().length == 2 || t.getShape().length == 1);
    }
    if (v instanceof SequenceInfo s && s.isSequenceOfMaps()) {
      MapInfo m = s.mapInfo;
      return m.valueType == OnnxJavaType.FLOAT || m.valueType == OnnxJavaType.DOUBLE;
    }
    return false;
  }

  /** The input width, or -1 when the model leaves it dynamic. */
  int width() {
    return (int) inputShape[1];
  }

  /** A fixed batch size the model demands, or -1 when the batch dimension is dynamic. */
  int fixedBatch() {
    return inputShape[0] > 0 ? (int) inputShape[0] : -1;
  }

  static String shape(long[] s) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < s.length; i++) {
      b.append(i > 0 ? ", " : "").append(s[i] < 0 ? "batch" : Long.toString(s[i]));
    }
    return b.append(']').toString();
  }

  static String describe(NodeInfo n) {
    ValueInfo v = n.getInfo();
    if (v instanceof TensorInfo t) {
      return "'" + n.getName() + "' " + t.type.toString().toLowerCase(Locale.ROOT) + " " + shape(t.getShape());
    }
    return "'" + n.getName() + "' " + v;
  }

  private static String describeAll(Map<String, NodeInfo> nodes) {
    List<String> d = new ArrayList<>();
    for (NodeInfo n : nodes.values()) {
      d.add(describe(n));
    }
    return String.join(", ", d);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OnnxSignature s && s.input.equals(input) && s.output.equals(output) && Arrays.equals(s.inputShape, inputShape);
  }

  @Override
  public int hashCode() {
    return input.hashCode() * 31 + output.hashCode();
  }
}
