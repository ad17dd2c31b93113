package dev.gauntlet.bench.adversarial;

import dev.gauntlet.attacks.adversarial.AttackSpec;
import dev.gauntlet.attacks.adversarial.Attacker;
import dev.gauntlet.attacks.adversarial.DecisionRule;
import dev.gauntlet.attacks.adversarial.DenseInputGradients;
import dev.gauntlet.attacks.adversarial.InputSpace;
import dev.gauntlet.attacks.adversarial.Norm;
import dev.gauntlet.models.Dl4jModel;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Timed harness (not JMH: each operation takes 0.1 s or more, so timer resolution is irrelevant) for
 * the speed of the adversarial attacks on a 784-256-128-10 ReLU MLP, float32, batch 10,000:
 * DL4J's {@code calculateGradients} (forward + backward with weight gradients), the input-only pass,
 * FGSM through each, 10-step PGD, and PyTorch doing the same in the same run. Medians of
 * {@code reps} repetitions after one warm-up. Usage: {@code AttackSpeedBench [reps] [python]}.
 */
public final class AttackSpeedBench {
  private AttackSpeedBench() {}

  private interface Op {
    void run();
  }

  private static double median(int reps, Op op) {
    op.run();
    double[] t = new double[reps];
    for (int i = 0; i < reps; i++) {
      long t0 = System.nanoTime();
      op.run();
      t[i] = (System.nanoTime() - t0) / 1e9;
    }
    Arrays.sort(t);
    return t[reps / 2];
  }

  /** The benchmark's 784-256-128-10 ReLU MLP with a softmax output, float32, seed 0. */
  static MultiLayerNetwork mlp() {
    MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(0).dataType(DataType.FLOAT).list()
        .layer(new DenseLayer.Builder().nIn(784).nOut(256).activation(Activation.RELU).build())
        .layer(new DenseLayer.Builder().nIn(256).nOut(128).activation(Activation.RELU).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(128).nOut(10).activation(Activation.SOFTMAX).build())
        .build());
    net.init();
    return net;
  }

  /** A batch of {@code n} uniform inputs in [0, 1] ({@code x}) and random one-hot labels ({@code y}), seed 1. */
  record Batch(INDArray x, INDArray y) {
    static Batch random(int n) {
      SplittableRandom r = new SplittableRandom(1);
      float[] xs = new float[n * 784];
      for (int i = 0; i < xs.length; i++) {
        xs[i] = (float) r.nextDouble();
      }
      INDArray x = Nd4j.create(xs, new long[] {n, 784}, 'c');
      INDArray y = Nd4j.zeros(DataType.FLOAT, n, 10);
      for (int i = 0; i < n; i++) {
        y.putScalar(i, r.nextInt(10), 1);
      }
      return new Batch(x, y);
    }
  }

  /** The class names "0" to "9". */
  static List<String> digits() {
    List<String> classes = new ArrayList<>();
    for (int k = 0; k < 10; k++) {
      classes.add(Integer.toString(k));
    }
    return classes;
  }

  public static void main(String[] args) throws Exception {
    int reps = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    String python = args.length > 1 ? args[1] : "/usr/bin/python3";
    String omp = System.getenv().getOrDefault("OMP_NUM_THREADS", "unset");
    int n = 10_000;
    double eps = 0.1;
    MultiLayerNetwork net = mlp();
    Batch batch = Batch.random(n);
    INDArray x = batch.x();
    INDArray y = batch.y();
    Dl4jModel model = Dl4jModel.of(net, "mlp-784-256-128-10");
    DenseInputGradients dense = DenseInputGradients.of(model).orElseThrow();
    List<String> classes = digits();
    Attacker attacker = Attacker.of(model, InputSpace.box(784, 0, 1), new DecisionRule(1, 0.5), classes);
    INDArray out = Nd4j.createUninitialized(DataType.FLOAT, n, 784);

    double dl4jFb = median(reps, () -> net.calculateGradients(x, y, null, null));
    double inputFb = median(reps, () -> dense.gradient(x, y));
    double fgsmDl4j = median(reps, () -> {
      INDArray g = net.calculateGradients(x, y, null, null).getSecond();
      INDArray adv = x.add(Transforms.sign(g, false).muli(eps));
      Transforms.max(Transforms.min(adv, 1.0, false), 0.0, false);
    });
    double fgsm = median(reps, () -> attacker.perturbBatch(AttackSpec.fgsm(Norm.LINF), x, y, eps, 7, out));
    double pgd = median(reps, () -> attacker.perturbBatch(AttackSpec.pgd(Norm.LINF, 10, 1), x, y, eps, 7, out));

    String torchJson = torch(python, reps);
    double tFb = field(torchJson, "fwd_bwd");
    double tFgsm = field(torchJson, "fgsm");
    double tPgd = field(torchJson, "pgd10");

    System.out.println("Adversarial attack speed: MLP 784-256-128-10 (ReLU, softmax), float32, batch " + n + ", eps " + eps);
    System.out.println("OMP_NUM_THREADS=" + omp + ", cores " + Runtime.getRuntime().availableProcessors() + ", medians of " + reps
        + " runs after 1 warm-up; PyTorch: " + torchJson);
    System.out.println();
    System.out.println(String.format(Locale.ROOT, "%-48s %10s %14s", "operation", "median s", "examples/s"));
    row("DL4J calculateGradients (fwd + bwd, all grads)", dl4jFb, n);
    row("input-only fwd + bwd (DenseInputGradients)", inputFb, n);
    row("FGSM via calculateGradients", fgsmDl4j, n);
    row("FGSM (Gauntlet, input-only pass)", fgsm, n);
    row("PGD-10 (Gauntlet, input-only pass)", pgd, n);
    row("PyTorch fwd + bwd (input grad)", tFb, n);
    row("PyTorch FGSM", tFgsm, n);
    row("PyTorch PGD-10", tPgd, n);
    System.out.println();
    System.out.println(String.format(Locale.ROOT, "FGSM step / DL4J fwd+bwd          = %.3f  (target <= 1.1)", fgsm / dl4jFb));
    System.out.println(String.format(Locale.ROOT, "FGSM step / input-only fwd+bwd    = %.3f", fgsm / inputFb));
    System.out.println(String.format(Locale.ROOT, "FGSM speed-up over calculateGradients path = %.2fx", fgsmDl4j / fgsm));
    System.out.println(String.format(Locale.ROOT, "Gauntlet / PyTorch throughput: FGSM %.2f, PGD-10 %.2f", tFgsm / fgsm, tPgd / pgd));
  }

  private static void row(String name, double seconds, int n) {
    System.out.println(String.format(Locale.ROOT, "%-48s %10.4f %14.0f", name, seconds, n / seconds));
  }

  private static String torch(String python, int reps) throws Exception {
    java.nio.file.Path script = java.nio.file.Path.of("bench/src/main/python/torch_attack_speed.py");
    if (!java.nio.file.Files.exists(script)) {
      script = java.nio.file.Path.of("src/main/python/torch_attack_speed.py");
    }
    ProcessBuilder pb = new ProcessBuilder(python, script.toString(), "2", Integer.toString(reps));
    pb.environment().put("OMP_NUM_THREADS", "2");
    pb.redirectErrorStream(true);
    Process p = pb.start();
    StringBuilder sb = new StringBuilder();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        sb.append(line).append('\n');
      }
    }
    if (p.waitFor() != 0) {
      throw new IllegalStateException("PyTorch reference failed (install python3-torch): " + sb);
    }
    String[] lines = sb.toString().trim().split("\n");
    return lines[lines.length - 1];
  }

  private static double field(String json, String key) {
    int i = json.indexOf("\"" + key + "\":");
    int start = i + key.length() + 3;
    while (start < json.length() && json.charAt(start) == ' ') {
      start++;
    }
    int end = start;
    while (end < json.length() && ",} ".indexOf(json.charAt(end)) < 0) {
      end++;
    }
    return Double.parseDouble(json.substring(start, end).trim());
  }
}
