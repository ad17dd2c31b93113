package dev.gauntlet.bench.adversarial;

import dev.gauntlet.attacks.adversarial.AttackSpec;
import dev.gauntlet.attacks.adversarial.Attacker;
import dev.gauntlet.attacks.adversarial.DecisionRule;
import dev.gauntlet.attacks.adversarial.DenseInputGradients;
import dev.gauntlet.attacks.adversarial.FusedSteps;
import dev.gauntlet.attacks.adversarial.InputSpace;
import dev.gauntlet.attacks.adversarial.Norm;
import dev.gauntlet.models.Dl4jModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Where one attack step's time goes, Gauntlet and PyTorch interleaved phase by phase and pair by
 * pair on AttackSpeedBench's MLP and batch (784-256-128-10, float32 on both sides, batch 10,000,
 * eps 0.1), against the machine's limits measured in the same run:
 * <ul>
 *   <li>{@code gemm}: the six plain matrix products of one input-only forward + backward (same
 *       shapes, preallocated outputs): the achievable FLOP rate, 9.39 GFLOP per step;</li>
 *   <li>{@code fwd_bwd}: the input-only forward + backward (the loss head included);</li>
 *   <li>{@code elem_fgsm}, {@code elem_pgd}: the element-wise part of an FGSM step and of one PGD
 *       step on a fixed gradient; Gauntlet's ND4J sequence ({@code *_nd4j}: what ran before the
 *       one-pass kernel) and the fused pass the attacks now use;</li>
 *   <li>{@code copy} and {@code triad} ({@code a = b + s c}) of the 7.84M-float batch: the achievable
 *       memory bandwidth, 62.7 MB and 94.1 MB moved;</li>
 *   <li>{@code fgsm}, {@code pgd10}: whole attacks as InterleavedAttackBench times them.</li>
 * </ul>
 * Prints per phase the median time of each side, GFLOP/s or GB/s where meaningful, and the median
 * and range of the pair-by-pair ratios (PyTorch time / Gauntlet time), plus {@code uptime} before
 * and after. Usage: {@code StepBreakdownBench [reps] [python]}.
 */
public final class StepBreakdownBench {
  private StepBreakdownBench() {}

  private record Phase(String name, String torch, Runnable gauntlet, double gflop, double mbytes) {}

  public static void main(String[] args) throws Exception {
    int reps = args.length > 0 ? Integer.parseInt(args[0]) : 7;
    String python = args.length > 1 ? args[1] : "/usr/bin/python3";
    int n = 10_000;
    int d = 784;
    double eps = 0.1;
    MultiLayerNetwork net = AttackSpeedBench.mlp();
    AttackSpeedBench.Batch batch = AttackSpeedBench.Batch.random(n);
    INDArray x = batch.x();
    INDArray y = batch.y();
    Dl4jModel model = Dl4jModel.of(net, "mlp");
    DenseInputGradients dense = DenseInputGradients.of(model).orElseThrow();
    Attacker attacker = Attacker.of(model, InputSpace.box(d, 0, 1), new DecisionRule(1, 0.5), AttackSpeedBench.digits());
    INDArray out = Nd4j.createUninitialized(DataType.FLOAT, n, d);

    // plain GEMMs of one forward + backward: W_i is in x out (DL4J's layout)
    INDArray[] w = {net.getLayer(0).getParam("W"), net.getLayer(1).getParam("W"), net.getLayer(2).getParam("W")};
    for (int i = 0; i < 3; i++) {
      w[i] = w[i].dup('c');
    }
    INDArray[] z = new INDArray[3];
    INDArray[] del = new INDArray[3];
    for (int i = 0; i < 3; i++) {
      z[i] = Nd4j.rand(DataType.FLOAT, n, w[i].columns());
      del[i] = Nd4j.rand(DataType.FLOAT, n, w[i].columns());
    }
    INDArray gin = Nd4j.createUninitialized(DataType.FLOAT, n, d);
    Runnable gemm = () -> {
      INDArray a = x;
      for (int i = 0; i < 3; i++) {
        Nd4j.gemm(a, w[i], z[i], false, false, 1.0, 0.0);
        a = z[i];
      }
      Nd4j.gemm(del[2], w[2], del[1], false, true, 1.0, 0.0);
      Nd4j.gemm(del[1], w[1], del[0], false, true, 1.0, 0.0);
      Nd4j.gemm(del[0], w[0], gin, false, true, 1.0, 0.0);
    };
    double flops = 2.0 * 2 * n * (784 * 256 + 256 * 128 + 128 * 10) / 1e9;

    // a fixed gradient and a PGD iterate for the element-wise phases
    INDArray g = dense.gradient(x, y).dup();
    INDArray xPgd = x.add(Nd4j.rand(DataType.FLOAT, n, d).subi(0.5).muli(2 * eps));
    Transforms.max(Transforms.min(xPgd, 1.0, false), 0.0, false);
    INDArray gScratch = Nd4j.createUninitialized(DataType.FLOAT, n, d);
    INDArray eCol = Nd4j.valueArrayOf(new long[] {n, 1}, eps, DataType.FLOAT);
    INDArray alpha = eCol.mul(0.25);
    double alphaS = 0.25 * eps;
    Runnable elemFgsmNd4j = () -> { // the old sequence: assign, sign (on a copy of g), axpy, clip
      gScratch.assign(g);
      out.assign(x);
      Transforms.sign(gScratch, false);
      Nd4j.getBlasWrapper().level1().axpy(gScratch.length(), eps, gScratch, out);
      Transforms.min(out, 1.0, false);
      Transforms.max(out, 0.0, false);
    };
    Runnable elemFgsm = () -> FusedSteps.fgsmBox(out, x, g, eps, 0, 1);
    Runnable elemPgdNd4j = () -> { // the old sequence: sign, scale, add, then the relaxed projection
      out.assign(xPgd);
      gScratch.assign(g);
      Transforms.sign(gScratch, false);
      gScratch.muliColumnVector(alpha);
      out.addi(gScratch);
      out.subi(x);
      Transforms.min(out, eps, false);
      Transforms.max(out, -eps, false);
      out.addi(x);
      Transforms.min(out, 1.0, false);
      Transforms.max(out, 0.0, false);
    };
    Runnable elemPgd = () -> {
      out.assign(xPgd); // one extra copy so each repetition starts from the same iterate (also in the _nd4j variant)
      FusedSteps.pgdBox(out, x, g, alphaS, eps, 0, 1);
    };
    INDArray b2 = Nd4j.rand(DataType.FLOAT, n, d);
    Runnable copy = () -> out.assign(x);
    Runnable triad = () -> {
      out.assign(b2);
      Nd4j.getBlasWrapper().level1().axpy(x.length(), 0.5, x, out);
    };
    double mb = 4.0 * n * d / 1e6;

    List<Phase> phases = new ArrayList<>();
    phases.add(new Phase("gemm", "gemm", gemm, flops, 0));
    phases.add(new Phase("fwd_bwd", "fwd_bwd", () -> dense.gradient(x, y), flops, 0));
    phases.add(new Phase("elem_fgsm_nd4j", "elem_fgsm", elemFgsmNd4j, 0, 0));
    phases.add(new Phase("elem_fgsm", "elem_fgsm", elemFgsm, 0, 3 * mb));
    phases.add(new Phase("elem_pgd_nd4j", "elem_pgd", elemPgdNd4j, 0, 0));
    phases.add(new Phase("elem_pgd", "elem_pgd", elemPgd, 0, 4 * mb + 2 * mb));
    phases.add(new Phase("copy", "copy", copy, 0, 2 * mb));
    phases.add(new Phase("triad", "triad", triad, 0, 2 * mb + 3 * mb));
    phases.add(new Phase("fgsm", "fgsm", () -> attacker.perturbBatch(AttackSpec.fgsm(Norm.LINF), x, y, eps, 7, out), flops, 0));
    phases.add(new Phase("pgd10", "pgd10", () -> attacker.perturbBatch(AttackSpec.pgd(Norm.LINF, 10, 1), x, y, eps, 7, out), 10 * flops, 0));

    TorchServer torch = new TorchServer(python, null);
    String header = torch.header;
    String loadBefore = TorchServer.uptime();
    StringBuilder report = new StringBuilder();
    report.append(String.format(Locale.ROOT, "%-15s %10s %10s %9s %9s   %s%n", "phase", "Gauntlet s", "PyTorch s", "G rate", "T rate",
        "PyTorch/Gauntlet per pair: median (range)"));
    for (Phase ph : phases) {
      ph.gauntlet().run();
      torch.run(ph.torch());
      double[] gt = new double[reps];
      double[] tt = new double[reps];
      double[] ratio = new double[reps];
      for (int i = 0; i < reps; i++) {
        long t0 = System.nanoTime();
        ph.gauntlet().run();
        gt[i] = (System.nanoTime() - t0) / 1e9;
        tt[i] = torch.run(ph.torch());
        ratio[i] = tt[i] / gt[i];
      }
      double[] s = ratio.clone();
      Arrays.sort(s);
      double gm = TorchServer.median(gt);
      double tm = TorchServer.median(tt);
      String gRate = ph.gflop() > 0 ? String.format(Locale.ROOT, "%.1f GF/s", ph.gflop() / gm)
          : ph.mbytes() > 0 ? String.format(Locale.ROOT, "%.1f GB/s", ph.mbytes() / 1e3 / gm) : "";
      String tRate = ph.gflop() > 0 ? String.format(Locale.ROOT, "%.1f GF/s", ph.gflop() / tm)
          : ph.name().equals("copy") || ph.name().equals("triad") ? String.format(Locale.ROOT, "%.1f GB/s", ph.mbytes() / 1e3 / tm) : "";
      report.append(String.format(Locale.ROOT, "%-15s %10.4f %10.4f %9s %9s   %.2f (%.2f..%.2f)%n", ph.name(), gm, tm, gRate, tRate,
          s[reps / 2], s[0], s[reps - 1]));
    }
    torch.close();
    System.out.println("Step breakdown, Gauntlet and PyTorch interleaved: MLP 784-256-128-10 (ReLU, softmax), float32 both sides, batch " + n
        + ", eps " + eps + ", " + reps + " pairs after 1 warm-up each; Gauntlet OMP_NUM_THREADS="
        + System.getenv().getOrDefault("OMP_NUM_THREADS", "unset") + ", cores " + Runtime.getRuntime().availableProcessors() + "; PyTorch " + header);
    System.out.println("GF/s: 9.39 GFLOP per forward + backward; GB/s: bytes read + written (copy 62.7 MB, triad 94.1 MB as assign + axpy: 156.8 MB, fused fgsm 94.1 MB, fused pgd step 156.8 MB incl. its start copy)");
    System.out.print(report);
    System.out.println("load before: " + loadBefore);
    System.out.println("load after:  " + TorchServer.uptime());
  }

}
