package dev.gauntlet.models;

import dev.gauntlet.models.DenseStack;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import onnx.Onnx;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Reads an ONNX graph as a {@link DenseStack} when it is one chain from the input to the probability
 * output: {@code Gemm} (alpha = beta = 1, no transposed input) or {@code MatMul} followed by an
 * optional {@code Add} of a bias, each with weights from initializers, then {@code Relu},
 * {@code Tanh} or {@code Sigmoid} (or nothing), ending in {@code Softmax} or in one sigmoid unit;
 * {@code Identity} and {@code Dropout} pass through. Any other operator, a branch, or a value that
 * is not the chain's current one makes the graph not a dense stack (empty), and it keeps SameDiff's
 * gradients. The stack computes exactly what {@link OnnxGraphTranslator} translates the same nodes to.
 */
final class OnnxDense {
  private OnnxDense() {}

  static Optional<DenseStack> of(Onnx.ModelProto model, String input, String output, int width, DataType dtype) {
    Onnx.GraphProto g = model.getGraph();
    Map<String, Onnx.TensorProto> init = new HashMap<>();
    for (Onnx.TensorProto t : g.getInitializerList()) {
      init.put(t.getName(), t);
    }
    List<DenseStack.Layer> layers = new ArrayList<>();
    INDArray w = null;
    INDArray b = null;
    String cur = input;
    boolean softmax = false;
    boolean sigmoidLast = false;
    try {
      for (Onnx.NodeProto n : g.getNodeList()) {
        if (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx") || n.getOutputCount() < 1) {
          return Optional.empty();
        }
        List<String> in = n.getInputList();
        String op = n.getOpType();
        if (softmax && !op.equals("Identity") && !op.equals("Dropout")) {
          return Optional.empty();
        }
        Map<String, Onnx.AttributeProto> at = new HashMap<>();
        for (Onnx.AttributeProto a : n.getAttributeList()) {
          at.put(a.getName(), a);
        }
        sigmoidLast = sigmoidLast && (op.equals("Identity") || op.equals("Dropout"));
        switch (op) {
          case "Gemm", "MatMul" -> {
            if (in.size() < 2 || !in.get(0).equals(cur) || !init.containsKey(in.get(1))) {
              return Optional.empty();
            }
            if (w != null) {
              layers.add(new DenseStack.Layer(w, b, DenseStack.Activation.IDENTITY));
            }
            INDArray m = OnnxGraphTranslator.array(init.get(in.get(1))).castTo(dtype);
            if (m.rank() != 2) {
              return Optional.empty();
            }
            b = null;
            if (op.equals("Gemm")) {
              if (intAttr(at, "transA", 0) != 0 || floatAttr(at, "alpha", 1) != 1 || floatAttr(at, "beta", 1) != 1) {
                return Optional.empty();
              }
              if (intAttr(at, "transB", 0) == 1) {
                m = m.transpose().dup('c');
              }
              if (in.size() > 2 && !in.get(2).isEmpty()) {
                if (!init.containsKey(in.get(2))) {
                  return Optional.empty();
                }
                b = bias(OnnxGraphTranslator.array(init.get(in.get(2))).castTo(dtype), m.columns());
                if (b == null) {
                  return Optional.empty();
                }
              }
            }
            w = m;
          }
          case "Add" -> {
            if (w == null || b != null || in.size() != 2) {
              return Optional.empty();
            }
            String other = in.get(0).equals(cur) ? in.get(1) : in.get(1).equals(cur) ? in.get(0) : null;
            if (other == null || !init.containsKey(other)) {
              return Optional.empty();
            }
            b = bias(OnnxGraphTranslator.array(init.get(other)).castTo(dtype), w.columns());
            if (b == null) {
              return Optional.empty();
            }
          }
          case "Relu", "Tanh", "Sigmoid" -> {
            if (w == null || !in.get(0).equals(cur)) {
              return Optional.empty();
            }
            DenseStack.Activation act = op.equals("Relu") ? DenseStack.Activation.RELU
                : op.equals("Tanh") ? DenseStack.Activation.TANH : DenseStack.Activation.SIGMOID;
            layers.add(new DenseStack.Layer(w, b, act));
            sigmoidLast = op.equals("Sigmoid");
            w = null;
            b = null;
          }
          case "Softmax" -> {
            long axis = intAttr(at, "axis", model.getOpsetImport(0).getVersion() >= 13 ? -1 : 1);
            if (w == null || !in.get(0).equals(cur) || axis != 1 && axis != -1) {
              return Optional.empty();
            }
            layers.add(new DenseStack.Layer(w, b, DenseStack.Activation.IDENTITY));
            softmax = true;
            w = null;
            b = null;
          }
          case "Identity", "Dropout" -> {
            if (!in.get(0).equals(cur)) {
              return Optional.empty();
            }
          }
          default -> {
            return Optional.empty();
          }
        }
        cur = n.getOutput(0);
      }
      if (!cur.equals(output) || w != null || layers.isEmpty() || layers.get(0).weights().rows() != width) {
        return Optional.empty();
      }
      if (softmax) {
        return Optional.of(new DenseStack(layers, DenseStack.Output.SOFTMAX, dtype));
      }
      DenseStack.Layer last = layers.get(layers.size() - 1);
      if (sigmoidLast && last.weights().columns() == 1) {
        layers.set(layers.size() - 1, new DenseStack.Layer(last.weights(), last.bias(), DenseStack.Activation.IDENTITY));
        return Optional.of(new DenseStack(layers, DenseStack.Output.SIGMOID, dtype));
      }
      return Optional.empty();
    } catch (OnnxGraphTranslator.Unsupported | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** A bias of {@code units} values (shape {@code [units]} or {@code [1, units]}) as a row, else null. */
  private static INDArray bias(INDArray a, long units) {
    if (a.length() != units || a.rank() > 2 || a.rank() == 2 && a.rows() != 1) {
      return null;
    }
    return a.reshape(1, units);
  }

  private static long intAttr(Map<String, Onnx.AttributeProto> at, String name, long dflt) {
    return at.containsKey(name) ? at.get(name).getI() : dflt;
  }

  private static double floatAttr(Map<String, Onnx.AttributeProto> at, String name, double dflt) {
    return at.containsKey(name) ? at.get(name).getF() : dflt;
  }
}
