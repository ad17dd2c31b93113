package dev.gauntlet.models;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import onnx.Onnx;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Builds a SameDiff graph from an ONNX graph made of the operators of feed-forward classifiers
 * (Gemm, MatMul, Add, Sub, Mul, Div, Relu, LeakyRelu, Sigmoid, Tanh, Softmax, Identity, Dropout,
 * Constant) and of regression heads (Reshape to a constant shape, Squeeze of axis 1, Flatten at
 * axis 1), in milliseconds. ND4J's general importer handles other graphs, but it needs about a
 * minute to start, and on PyTorch's Gemm exports (1.0.0-M2.1) its outputs differ from ONNX
 * Runtime's; either result is verified against ONNX Runtime before it is used.
 */
final class OnnxGraphTranslator {
  private OnnxGraphTranslator() {}

  /** Thrown for an operator or tensor type this translator does not handle. */
  static final class Unsupported extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Unsupported(String message) {
      super(message);
    }
  }

  static SameDiff translate(Onnx.ModelProto model, String input, int width, DataType dtype) {
    SameDiff sd = SameDiff.create();
    Map<String, SDVariable> vars = new HashMap<>();
    Onnx.GraphProto g = model.getGraph();
    for (Onnx.TensorProto t : g.getInitializerList()) {
      // Variables, not constants: SameDiff refuses to differentiate a loss that depends on no variable.
      vars.put(t.getName(), sd.var(safe(t.getName()), array(t).castTo(dtype)));
    }
    vars.put(input, sd.placeHolder(input, dtype, -1, width));
    for (Onnx.NodeProto n : g.getNodeList()) {
      if (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")) {
        throw new Unsupported("operator " + n.getDomain() + "." + n.getOpType());
      }
      Map<String, Onnx.AttributeProto> at = new HashMap<>();
      for (Onnx.AttributeProto a : n.getAttributeList()) {
        at.put(a.getName(), a);
      }
      List<String> in = n.getInputList();
      SDVariable out = switch (n.getOpType()) {
        case "Gemm" -> {
          SDVariable a = var(vars, in.get(0));
          SDVariable b = var(vars, in.get(1));
          if (intAttr(at, "transA", 0) == 1) {
            a = a.permute(1, 0);
          }
          if (intAttr(at, "transB", 0) == 1) {
            b = b.permute(1, 0);
          }
          SDVariable y = a.mmul(b);
          double alpha = floatAttr(at, "alpha", 1);
          if (alpha != 1) {
            y = y.mul(alpha);
          }
          if (in.size() > 2 && !in.get(2).isEmpty()) {
            SDVariable c = var(vars, in.get(2));
            double beta = floatAttr(at, "beta", 1);
            y = y.add(beta == 1 ? c : c.mul(beta));
          }
          yield y;
        }
        case "MatMul" -> var(vars, in.get(0)).mmul(var(vars, in.get(1)));
        case "Add" -> var(vars, in.get(0)).add(var(vars, in.get(1)));
        case "Sub" -> var(vars, in.get(0)).sub(var(vars, in.get(1)));
        case "Mul" -> var(vars, in.get(0)).mul(var(vars, in.get(1)));
        case "Div" -> var(vars, in.get(0)).div(var(vars, in.get(1)));
        case "Relu" -> sd.nn().relu(var(vars, in.get(0)), 0);
        case "LeakyRelu" -> sd.nn().leakyRelu(var(vars, in.get(0)), floatAttr(at, "alpha", 0.01));
        case "Sigmoid" -> sd.nn().sigmoid(var(vars, in.get(0)));
        case "Tanh" -> sd.math().tanh(var(vars, in.get(0)));
        case "Softmax" -> {
          long axis = intAttr(at, "axis", model.getOpsetImport(0).getVersion() >= 13 ? -1 : 1);
          if (axis != 1 && axis != -1) {
            throw new Unsupported("Softmax over axis " + axis);
          }
          yield sd.nn().softmax(var(vars, in.get(0)), 1);
        }
        case "Identity", "Dropout" -> var(vars, in.get(0));
        case "Reshape" -> {
          // a regression head flattened to [batch] or kept as [batch, 1]: the target shape must be a constant without 0 entries
          SDVariable shape = var(vars, in.get(1));
          if (shape.getArr() == null) {
            throw new Unsupported("Reshape to a computed shape");
          }
          long[] dims = shape.getArr().castTo(DataType.LONG).toLongVector();
          for (long d : dims) {
            if (d == 0) {
              throw new Unsupported("Reshape with a 0 (copied) dimension");
            }
          }
          yield var(vars, in.get(0)).reshape(dims);
        }
        case "Squeeze", "Flatten" -> {
          // [batch, 1] -> [batch] (Squeeze of axis 1) or [batch, k] -> [batch, k] (Flatten of a matrix)
          SDVariable x = var(vars, in.get(0));
          if (n.getOpType().equals("Flatten")) {
            if (intAttr(at, "axis", 1) != 1) {
              throw new Unsupported("Flatten at axis " + intAttr(at, "axis", 1));
            }
            yield x.reshape(-1, width(x));
          }
          long[] axes = at.containsKey("axes") ? at.get("axes").getIntsList().stream().mapToLong(Long::longValue).toArray()
              : in.size() > 1 && vars.get(in.get(1)) != null && vars.get(in.get(1)).getArr() != null
                  ? vars.get(in.get(1)).getArr().castTo(DataType.LONG).toLongVector() : null;
          if (axes == null || axes.length != 1 || (axes[0] != 1 && axes[0] != -1)) {
            throw new Unsupported("Squeeze of axes other than [1]");
          }
          yield x.reshape(-1);
        }
        case "Constant" -> {
          if (!at.containsKey("value")) {
            throw new Unsupported("Constant without a tensor value");
          }
          yield sd.constant(array(at.get("value").getT()).castTo(dtype));
        }
        default -> throw new Unsupported("operator " + n.getOpType());
      };
      vars.put(n.getOutput(0), out.rename(safe(n.getOutput(0))));
    }
    return sd;
  }

  /** The known last dimension of a matrix value, or an Unsupported. */
  private static long width(SDVariable x) {
    long[] shape = x.getShape();
    if (shape == null || shape.length != 2 || shape[1] < 1) {
      throw new Unsupported("Flatten of a value of unknown shape");
    }
    return shape[1];
  }

  /** SameDiff names may not contain every character ONNX allows. */
  static String safe(String onnxName) {
    return onnxName.replaceAll("[^A-Za-z0-9_.-]", "_");
  }

  private static SDVariable var(Map<String, SDVariable> vars, String name) {
    SDVariable v = vars.get(name);
    if (v == null) {
      throw new Unsupported("value '" + name + "' is used before it is defined");
    }
    return v;
  }

  private static long intAttr(Map<String, Onnx.AttributeProto> at, String name, long dflt) {
    return at.containsKey(name) ? at.get(name).getI() : dflt;
  }

  private static double floatAttr(Map<String, Onnx.AttributeProto> at, String name, double dflt) {
    return at.containsKey(name) ? at.get(name).getF() : dflt;
  }

  static INDArray array(Onnx.TensorProto t) {
    long[] shape = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
    int n = 1;
    for (long d : shape) {
      n *= (int) d;
    }
    ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    INDArray a;
    if (t.getDataType() == Onnx.TensorProto.DataType.FLOAT_VALUE) {
      float[] v = new float[n];
      if (raw.remaining() > 0) {
        raw.asFloatBuffer().get(v);
      } else {
        for (int i = 0; i < n; i++) {
          v[i] = t.getFloatData(i);
        }
      }
      a = Nd4j.createFromArray(v);
    } else if (t.getDataType() == Onnx.TensorProto.DataType.DOUBLE_VALUE) {
      double[] v = new double[n];
      if (raw.remaining() > 0) {
        raw.asDoubleBuffer().get(v);
      } else {
        for (int i = 0; i < n; i++) {
          v[i] = t.getDoubleData(i);
        }
      }
      a = Nd4j.createFromArray(v);
    } else if (t.getDataType() == Onnx.TensorProto.DataType.INT64_VALUE) {
      // shapes and axes (Reshape, Squeeze); used as numbers by the operators above, never differentiated
      long[] v = new long[n];
      if (raw.remaining() > 0) {
        raw.asLongBuffer().get(v);
      } else {
        for (int i = 0; i < n; i++) {
          v[i] = t.getInt64Data(i);
        }
      }
      a = Nd4j.createFromArray(v);
    } else {
      throw new Unsupported("tensor '" + t.getName() + "' of ONNX data type " + t.getDataType());
    }
    return shape.length == 0 ? a.reshape() : a.reshape('c', shape);
  }
}
