package dev.gauntlet.attacks.adversarial;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gauntlet.models.Dl4jModel;
import java.util.Arrays;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Parity with PyTorch: APGD (CE and DLR, L-inf and L2, untargeted and targeted) on identical
 * float64 weights and starting points (no random start) ends at the same points with the same best
 * losses as an independent PyTorch implementation whose losses are differentiated by autograd from
 * the logits, to 1e-5. The literals below were printed by
 * {@code /usr/bin/python3 attacks/scripts/apgd_reference.py} (Debian's python3-torch 1.13); rerun it
 * to regenerate them.
 */
class ApgdParityTest {
  private static final int D = 6;
  private static final int H = 8;
  private static final int K = 4;
  private static final int N = 6;
  private static final int STEPS = 20;

// torch 1.13.0a0; checkpoints(20) = [5, 9, 12, 14, 16, 18, 19, 20], checkpoints(100) = [22, 41, 57, 70, 80, 87, 93, 99]
  static final double[][] CE_LINF_POINTS = {
      {0.6695342657782714, 0.7312050306905951, 0.24511784484680163, 0.30870639522163457, 0.8299453095515762, 0.8320392305287642},
      {0.660996824261852, 0.13511912664222517, 0.20726006009082684, 0.9145478335340692, 0.7116844268222732, 0.0566723194767281},
      {0.06693927413866943, 0.5362431235047668, 0.9494901708811118, 0.5736971078383668, 0.05728779479703891, 0.514616053698192},
      {0.4752919958307358, 0.9292556948379206, 0.4398624371786375, 0.11200999176095192, 0.6343494167688108, 0.8276007440549908},
      {0.8570389842559396, 0.1313099665827466, 0.21219947869984776, 0.9170841598079617, 0.7060914248609964, 0.255577248221425},
      {0.06517774430543424, 0.3420385385930911, 0.9497582860617712, 0.5678326024203121, 0.05853089808614484, 0.5201602250869634}};
  static final double[] CE_LINF_BEST_LOSS = {4.127707416577791, 4.049023137393246, 3.8783273811312204, 3.341050560490383, 4.939475658757572, 1.8573401853300315};
  // CE_LINF found: [True, True, True, True, True, True]
  static final double[][] DLR_LINF_POINTS = {
      {0.6695342657782714, 0.7312050306905951, 0.24511784484680163, 0.30870639522163457, 0.8299453095515762, 0.6320392305287642},
      {0.660996824261852, 0.13511912664222517, 0.20726006009082684, 0.9145478335340692, 0.7116844268222732, 0.0566723194767281},
      {0.06693927413866943, 0.5362431235047668, 0.9494901708811118, 0.5736971078383668, 0.05728779479703891, 0.514616053698192},
      {0.4752919958307358, 0.9292556948379206, 0.4398624371786375, 0.11200999176095192, 0.6343494167688108, 0.6276007440549909},
      {0.8570389842559396, 0.3313099665827466, 0.21219947869984776, 0.7170841598079617, 0.5060914248609965, 0.255577248221425},
      {0.06517774430543424, 0.3420385385930911, 0.9497582860617712, 0.5678326024203121, 0.2585308980861448, 0.5201602250869634}};
  static final double[] DLR_LINF_BEST_LOSS = {2.0444636373232763, 0.9999999999997393, 0.9999999999997257, 1.2560759447645358, 1.9699530511111174, 0.5497700954250748};
  // DLR_LINF found: [True, True, True, True, True, True]
  static final double[][] CE_L2_POINTS = {
      {0.6657873235521224, 0.706418797037846, 0.18210443802235568, 0.24628083975995987, 0.9130609615075308, 0.7924312257087129},
      {0.7227202468294479, 0.04877825111796261, 0.24584464580043267, 0.968031612431271, 0.7552133591477361, 0.07997614084050604},
      {0.01908029637586961, 0.5035076644860748, 1.0, 0.5036263958035745, 0.0, 0.49583353806761116},
      {0.5395858579314815, 0.9996881637320492, 0.4667495938596479, 0.10946179319870933, 0.5525991992965887, 0.7329130084327226},
      {0.8425459617092568, 0.09566080762338819, 0.15412054857006147, 0.8681614757114576, 0.7914965605661602, 0.20369125640701535},
      {0.006577028292995057, 0.3796100657537476, 0.9749599875479138, 0.5972436941672036, 0.10256382379359197, 0.46080688018239824}};
  static final double[] CE_L2_BEST_LOSS = {4.338920364578919, 4.37511041248901, 4.214402181698615, 3.620803609660025, 5.264556410699697, 2.0657079213415397};
  // CE_L2 found: [True, True, True, True, True, True]
  static final double[][] DLR_T_LINF_POINTS = {
      {0.6695342657782714, 0.7312050306905951, 0.24511784484680163, 0.30870639522163457, 0.8299453095515762, 0.6320392305287642},
      {0.660996824261852, 0.13511912664222517, 0.4072600600908268, 0.9145478335340692, 0.5116844268222732, 0.0566723194767281},
      {0.06693927413866943, 0.3362431235047667, 0.7494901708811118, 0.5736971078383668, 0.2572877947970389, 0.514616053698192},
      {0.5138771310496493, 0.8976236074849832, 0.3570720362256627, 0.13251471147027477, 0.7685398071875174, 0.7849892313269526},
      {0.8476639842559397, 0.32193496658274656, 0.22157447869984775, 0.7264591598079617, 0.6010176912526086, 0.246202248221425},
      {0.06517774430543424, 0.3420385385930911, 0.9497582860617712, 0.5678326024203121, 0.2585308980861448, 0.5201602250869634}};
  static final double[] DLR_T_LINF_BEST_LOSS = {0.6861396697396346, 1.0396660687344492, 0.08871267814024968, -0.0, 1.3030527213906609, -0.43447304063848513};
  // DLR_T_LINF found: [False, True, False, False, True, False]

  private static MultiLayerNetwork net() {
    MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.DOUBLE).list()
        .layer(new DenseLayer.Builder().nIn(D).nOut(H).activation(Activation.TANH).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(H).nOut(K).activation(Activation.SOFTMAX).build())
        .build());
    net.init();
    double[][] w1 = new double[D][H];
    double[] b1 = new double[H];
    double[][] w2 = new double[H][K];
    double[] b2 = new double[K];
    for (int i = 0; i < D; i++) {
      for (int j = 0; j < H; j++) {
        w1[i][j] = 0.9 * Math.sin(1.3 * i + 0.7 * j + 0.5);
      }
    }
    for (int j = 0; j < H; j++) {
      b1[j] = 0.1 * Math.cos(j + 1);
      for (int c = 0; c < K; c++) {
        w2[j][c] = 0.8 * Math.cos(0.9 * j - 1.1 * c + 0.3);
      }
    }
    for (int c = 0; c < K; c++) {
      b2[c] = 0.05 * Math.sin(c + 2);
    }
    net.getLayer(0).setParam("W", Nd4j.create(w1));
    net.getLayer(0).setParam("b", Nd4j.create(b1, new long[] {1, H}, DataType.DOUBLE));
    net.getLayer(1).setParam("W", Nd4j.create(w2));
    net.getLayer(1).setParam("b", Nd4j.create(b2, new long[] {1, K}, DataType.DOUBLE));
    return net;
  }

  /** Runs APGD from the reference's start and returns the end points; {@code best} receives the best losses. */
  private static double[][] run(AttackSpec spec, double eps, int target, double[] best) {
    double[][] x = new double[N][D];
    double[][] start = new double[N][D];
    int[] y = new int[N];
    for (int r = 0; r < N; r++) {
      y[r] = r % K;
      for (int i = 0; i < D; i++) {
        x[r][i] = 0.5 + 0.35 * Math.sin(2.1 * r + 1.7 * i + 0.2);
        start[r][i] = Math.max(0, Math.min(1, x[r][i] + 0.1 * 0.8 * Math.sin(3.3 * r - 1.9 * i + 0.4)));
      }
    }
    GradientPass pass = GradientPass.of(Dl4jModel.of(net(), "parity"));
    INDArray x0 = Nd4j.create(x);
    INDArray e = Nd4j.valueArrayOf(new long[] {N, 1}, eps, DataType.DOUBLE);
    double[][] out = GradientAttack.toDouble(Apgd.run(pass, InputSpace.box(D, 0, 1), new DecisionRule(1, 0.5), spec, x0, y, target < 0 ? null : filled(target), e,
        Nd4j.create(start), 0, best));
    return out;
  }

  private static int[] filled(int t) {
    int[] a = new int[N];
    Arrays.fill(a, t);
    return a;
  }

  private static void same(String what, double[][] expected, double[] expectedBest, AttackSpec spec, double eps, int target) {
    double[] best = new double[N];
    double[][] got = run(spec, eps, target, best);
    for (int r = 0; r < N; r++) {
      assertArrayEquals(expected[r], got[r], 1e-5, what + " end point of row " + r + ": " + Arrays.toString(got[r]));
    }
    assertArrayEquals(expectedBest, best, 1e-5, what + " best losses " + Arrays.toString(best));
    double max = 0;
    for (int r = 0; r < N; r++) {
      max = Math.max(max, Math.abs(expectedBest[r] - best[r]));
      for (int i = 0; i < D; i++) {
        max = Math.max(max, Math.abs(expected[r][i] - got[r][i]));
      }
    }
    System.out.printf("%s: max |Gauntlet - PyTorch| = %.3g%n", what, max);
  }

  @Test
  void checkpointsFollowThePaper() {
    assertArrayEquals(new int[] {5, 9, 12, 14, 16, 18, 19, 20}, Apgd.checkpoints(20));
    assertArrayEquals(new int[] {22, 41, 57, 70, 80, 87, 93, 99}, Apgd.checkpoints(100));
  }

  @Test
  void ceLinfMatchesPyTorch() {
    same("apgd-ce linf", CE_LINF_POINTS, CE_LINF_BEST_LOSS, AttackSpec.apgdCe(Norm.LINF, STEPS, 1), 0.1, -1);
  }

  @Test
  void dlrLinfMatchesPyTorch() {
    same("apgd-dlr linf", DLR_LINF_POINTS, DLR_LINF_BEST_LOSS, AttackSpec.apgdDlr(Norm.LINF, STEPS, 1), 0.1, -1);
  }

  @Test
  void ceL2MatchesPyTorch() {
    same("apgd-ce l2", CE_L2_POINTS, CE_L2_BEST_LOSS, AttackSpec.apgdCe(Norm.L2, STEPS, 1), 0.3, -1);
  }

  @Test
  void targetedDlrMatchesPyTorch() {
    same("apgd-dlr linf targeted at class 3", DLR_T_LINF_POINTS, DLR_T_LINF_BEST_LOSS, AttackSpec.apgdDlr(Norm.LINF, STEPS, 1).targeting("3"), 0.1, 3);
  }
}
