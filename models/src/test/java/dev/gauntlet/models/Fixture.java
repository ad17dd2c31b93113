package dev.gauntlet.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gauntlet.harness.data.Encoder;
import dev.gauntlet.harness.data.Schema;
import dev.gauntlet.harness.data.SchemaLoader;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.data.TableLoader;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The committed ONNX fixture (fixtures/onnx/) and the reference values PyTorch and sklearn computed
 * for it. Every literal below was printed by {@code fixtures/scripts/train_onnx_fixture.py}
 * (PyTorch 1.13.1 and sklearn from Debian) and is also in {@code fixtures/onnx/expected.json}.
 */
final class Fixture {
  private Fixture() {}

  /** Rows of eval.csv the reference values are for (0-based data rows), and their applicant ids. */
  static final int[] ROWS = {0, 1, 2, 3, 1200, 1201, 2398, 2399};
  static final String[] IDS = {"A00000", "A00004", "A00008", "A00012", "A04800", "A04804", "A09592", "A09596"};
  /** The true labels of those rows (approved: no = 0, yes = 1). */
  static final int[] LABELS = {1, 0, 1, 0, 0, 0, 1, 0};

  /** The encoded inputs PyTorch was given (float32). */
  static final double[][] INPUTS = {
      {0.46666666865348816, 0.3086666762828827, 0.871999979019165, 0.353658527135849, 1.0, 1.0, 0.0, 0.0, 0.0},
      {-0.7066666483879089, 0.40066665410995483, 0.12399999797344208, 0.3414634168148041, 1.0, 1.0, 0.0, 0.0, 0.0},
      {3.1433334350585938, 0.32733333110809326, 0.035999998450279236, 0.2926829159259796, 0.0, 0.0, 0.0, 1.0, 0.0},
      {-0.4833333194255829, 0.40933331847190857, -0.3959999978542328, 0.2073170691728592, 1.0, 0.0, 1.0, 0.0, 0.0},
      {-0.3166666626930237, 0.3440000116825104, -0.6520000100135803, 0.45121949911117554, 1.0, 0.0, 0.0, 1.0, 0.0},
      {-0.28333333134651184, 0.578000009059906, 0.29600000381469727, 0.18292683362960815, 0.0, 1.0, 0.0, 0.0, 0.0},
      {-0.5433333516120911, 0.1993333399295807, -0.8880000114440918, 0.12195122241973877, 1.0, 1.0, 0.0, 0.0, 0.0},
      {-0.8566666841506958, 0.28733333945274353, -0.20000000298023224, 0.18292683362960815, 1.0, 0.0, 1.0, 0.0, 0.0}};

  /** PyTorch's softmax probabilities for INPUTS (model(x) in float32). */
  static final double[][] TORCH_PROBABILITIES = {
      {0.42917317152023315, 0.5708268284797668},
      {0.9994716048240662, 0.000528463046066463},
      {0.012656140141189098, 0.9873439073562622},
      {0.9900943636894226, 0.009905632585287094},
      {0.456575483083725, 0.5434245467185974},
      {0.9999967813491821, 3.1627712360204896e-06},
      {0.09127035737037659, 0.9087296724319458},
      {0.9975749850273132, 0.002425016835331917}};

  /**
   * PyTorch autograd: d/dx of the summed loss -sum_i ln p_{y_i}(x_i), i.e. each row's own
   * cross-entropy gradient (float32).
   */
  static final double[][] TORCH_LOSS_GRADIENT = {
      {-1.355611801147461, 8.342073440551758, 0.4343794584274292, -1.5102039575576782, -0.9434105157852173, -0.31473803520202637, -0.2631690502166748, -0.1525690108537674, -0.08402135223150253},
      {0.005493456497788429, -0.014331208541989326, -0.0015799503307789564, 0.0034559830091893673, 0.0026215622201561928, 0.0007510697469115257, 0.0007930185529403389, 0.0001849614200182259, -0.00015724505647085607},
      {-0.02477099932730198, 0.249379962682724, 0.057338643819093704, -0.06603625416755676, -0.03557560220360756, -0.01440269686281681, -0.027273055166006088, -0.012081839144229889, -0.022689640522003174},
      {0.06793138384819031, -0.156426802277565, -0.024324381723999977, 0.028974851593375206, 0.022138910368084908, 0.003097244305536151, 0.0022584721446037292, -0.008683882653713226, -0.0077691939659416676},
      {3.7602405548095703, -11.304436683654785, -3.206261157989502, 2.421466112136841, 1.259886384010315, 0.5397887229919434, 0.480987548828125, 0.12662996351718903, 0.5271048545837402},
      {2.480665352777578e-05, -5.337429320206866e-05, -6.156186373118544e-06, 1.3861931620340329e-05, 1.2575624168675859e-05, -3.135904080409091e-06, -1.3666754057339858e-06, -5.164929461898282e-06, -2.7616468400992744e-07},
      {-0.6090335249900818, 1.8483080863952637, 0.5178847312927246, -0.3929562270641327, -0.2055267095565796, -0.08892157673835754, -0.07932858169078827, -0.023335853591561317, -0.08707540482282639},
      {0.02520979940891266, -0.06576669216156006, -0.00725047942250967, 0.01585967466235161, 0.012030485086143017, 0.0034466804936528206, 0.003639193018898368, 0.0008487681625410914, -0.0007216311059892178}};

  /** sklearn LogisticRegression.predict_proba for INPUTS (float64), the model in lending-logreg-*.onnx. */
  static final double[][] SKLEARN_PROBABILITIES = {
      {0.37625858295814385, 0.6237414170418561},
      {0.9797009255552261, 0.020299074444773874},
      {0.00018457219649814505, 0.9998154278035019},
      {0.9639317753820853, 0.03606822461791473},
      {0.6030338125163968, 0.3969661874836032},
      {0.999535631456868, 0.00046436854313205804},
      {0.42197345437059186, 0.5780265456294081},
      {0.9648702360190837, 0.035129763980916294}};

  static Path dir() {
    Path d = Path.of(System.getProperty("gauntlet.fixtures", "../fixtures/onnx"));
    assumeTrue(Files.isDirectory(d), d + " (the committed ONNX fixture) is absent; skipping");
    return d;
  }

  static Path file(String name) {
    return dir().resolve(name);
  }

  static Schema schema() {
    return SchemaLoader.load(file("lending.schema.yaml"));
  }

  static int width() {
    return new Encoder(schema()).width();
  }

  /** The reference rows encoded by Gauntlet's own encoder from eval.csv, checked against PyTorch's inputs. */
  static double[][] encodedRows() {
    Schema schema = schema();
    Table t = TableLoader.load(file("eval.csv"), schema).select(ROWS);
    double[][] x = new Encoder(schema).encode(t);
    for (int i = 0; i < ROWS.length; i++) {
      assertEquals(IDS[i], t.rowLabel(i), "row label");
      for (int j = 0; j < x[i].length; j++) {
        assertEquals(INPUTS[i][j], x[i][j], 1e-6, "row " + IDS[i] + " dim " + j + ": Gauntlet encodes differently from the PyTorch script");
      }
    }
    return x;
  }
}
