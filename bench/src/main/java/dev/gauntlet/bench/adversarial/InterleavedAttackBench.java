package dev.gauntlet.bench.adversarial;

import dev.gauntlet.attacks.adversarial.AttackSpec;
import dev.gauntlet.attacks.adversarial.Attacker;
import dev.gauntlet.attacks.adversarial.DecisionRule;
import dev.gauntlet.attacks.adversarial.InputSpace;
import dev.gauntlet.attacks.adversarial.Norm;
import dev.gauntlet.models.Dl4jModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Gauntlet against PyTorch, interleaved repetition by repetition (Gauntlet, PyTorch, Gauntlet, ...)
 * so both sides see the same machine speed: FGSM, PGD-10 and APGD-CE-10 on AttackSpeedBench's
 * 784-256-128-10 ReLU MLP, float32, batch 10,000, eps 0.1 (no early stop on either side). For each
 * operation it prints the pair-by-pair throughput ratios (PyTorch time / Gauntlet time: above 1
 * means Gauntlet is faster), their median and their range, and the load average before and after.
 * PyTorch runs in a persistent subprocess ({@code bench/src/main/python/torch_attack_server.py},
 * {@code torch.set_num_threads(2)}, OMP_NUM_THREADS=2). Usage: {@code InterleavedAttackBench [reps] [python] [ops: fgsm,pgd10,apgd10]}.
 */
public final class InterleavedAttackBench {
  private InterleavedAttackBench() {}

  public static void main(String[] args) throws Exception {
    int reps = args.length > 0 ? Integer.parseInt(args[0]) : 7;
    String python = args.length > 1 ? args[1] : "/usr/bin/python3";
    int n = 10_000;
    double eps = 0.1;
    MultiLayerNetwork net = AttackSpeedBench.mlp();
    AttackSpeedBench.Batch batch = AttackSpeedBench.Batch.random(n);
    INDArray x = batch.x();
    INDArray y = batch.y();
    List<String> classes = AttackSpeedBench.digits();
    Attacker attacker = Attacker.of(Dl4jModel.of(net, "mlp"), InputSpace.box(784, 0, 1), new DecisionRule(1, 0.5), classes);
    INDArray out = Nd4j.createUninitialized(DataType.FLOAT, n, 784);
    TorchServer torch = new TorchServer(python, writeWeightsAndBatch(net, x));
    String header = torch.header;
    String loadBefore = TorchServer.uptime();
    String[] all = {"fgsm", "pgd10", "apgd10", "pgd10es"};
    AttackSpec[] allSpecs = {AttackSpec.fgsm(Norm.LINF), AttackSpec.pgd(Norm.LINF, 10, 1), AttackSpec.apgdCe(Norm.LINF, 10, 1), AttackSpec.pgd(Norm.LINF, 10, 1)};
    // pgd10es: PGD-10 as the robustness check runs it, rows frozen once their decision leaves the clean class
    INDArray yRef = Nd4j.zeros(DataType.FLOAT, n, 10);
    INDArray clean = net.output(x).argMax(1);
    for (int i = 0; i < n; i++) {
      yRef.putScalar(i, clean.getInt(i), 1);
    }
    List<String> wanted = args.length > 2 ? List.of(args[2].split(",")) : List.of(all);
    StringBuilder report = new StringBuilder();
    for (int o = 0; o < all.length; o++) {
      if (!wanted.contains(all[o])) {
        continue;
      }
      String[] names = all;
      AttackSpec spec = allSpecs[o];
      boolean es = all[o].equals("pgd10es");
      run(attacker, es, spec, x, es ? yRef : y, eps, 7, out); // warm-up, both sides
      torch.run(names[o]);
      double[] g = new double[reps];
      double[] t = new double[reps];
      double[] ratio = new double[reps];
      for (int i = 0; i < reps; i++) {
        long t0 = System.nanoTime();
        run(attacker, es, spec, x, es ? yRef : y, eps, 7 + i, out);
        g[i] = (System.nanoTime() - t0) / 1e9;
        t[i] = torch.run(names[o]);
        ratio[i] = t[i] / g[i];
      }
      double[] sorted = ratio.clone();
      Arrays.sort(sorted);
      report.append(String.format(Locale.ROOT, "%-7s Gauntlet median %.3f s, PyTorch median %.3f s; PyTorch/Gauntlet time ratio per pair %s: median %.2f, range %.2f..%.2f%n",
          names[o], TorchServer.median(g), TorchServer.median(t), fmt(ratio), sorted[reps / 2], sorted[0], sorted[reps - 1]));
      if (es) {
        INDArray after = net.output(out).argMax(1);
        int flipped = 0;
        for (int i = 0; i < n; i++) {
          flipped += after.getInt(i) != clean.getInt(i) ? 1 : 0;
        }
        long torchRows = Math.round(torch.run("rows"));
        double torchFlipped = torch.run("flipped");
        report.append(String.format(Locale.ROOT, "        flipped: Gauntlet %.4f, PyTorch %.4f of %d rows; PyTorch computed %d gradient rows of %d (10 steps x %d)%n",
            flipped / (double) n, torchFlipped, n, torchRows, 10L * n, n));
      }
    }
    torch.close();
    System.out.println("Interleaved Gauntlet/PyTorch: MLP 784-256-128-10 (ReLU, softmax), float32, batch " + n + ", eps " + eps + ", " + reps
        + " pairs after 1 warm-up each; Gauntlet OMP_NUM_THREADS=" + System.getenv().getOrDefault("OMP_NUM_THREADS", "unset")
        + ", cores " + Runtime.getRuntime().availableProcessors() + "; PyTorch " + header);
    System.out.print(report);
    System.out.println("load before: " + loadBefore);
    System.out.println("load after:  " + TorchServer.uptime());
  }

  private static void run(Attacker attacker, boolean untilFlipped, AttackSpec spec, INDArray x, INDArray y, double eps, long seed, INDArray out) {
    if (untilFlipped) {
      attacker.perturbBatchUntilFlipped(spec, x, y, eps, seed, out);
    } else {
      attacker.perturbBatch(spec, x, y, eps, seed, out);
    }
  }

  /** The network's weights (per layer W as out x in, then b) and the batch, float32 little-endian, for the PyTorch side. */
  private static Path writeWeightsAndBatch(MultiLayerNetwork net, INDArray x) throws java.io.IOException {
    Path f = Files.createTempFile("gauntlet-bench-weights", ".f32");
    f.toFile().deleteOnExit();
    java.util.List<float[]> parts = new java.util.ArrayList<>();
    for (int l = 0; l < net.getnLayers(); l++) {
      parts.add(net.getLayer(l).getParam("W").transpose().dup('c').castTo(DataType.FLOAT).data().asFloat());
      parts.add(net.getLayer(l).getParam("b").dup('c').castTo(DataType.FLOAT).data().asFloat());
    }
    parts.add(x.dup('c').data().asFloat());
    int total = 0;
    for (float[] p : parts) {
      total += p.length;
    }
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * total).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (float[] p : parts) {
      b.asFloatBuffer().put(p);
      b.position(b.position() + 4 * p.length);
    }
    Files.write(f, b.array());
    return f;
  }

  private static String fmt(double[] v) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < v.length; i++) {
      sb.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.2f", v[i]));
    }
    return sb.append(']').toString();
  }

}
