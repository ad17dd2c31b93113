package dev.gauntlet.attacks.perturbation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.check.Evidence;
import dev.gauntlet.harness.config.ConfigNode;
import dev.gauntlet.harness.data.Encoder;
import dev.gauntlet.harness.data.Schema;
import dev.gauntlet.harness.data.SchemaLoader;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.data.TableLoader;
import dev.gauntlet.harness.model.FunctionModel;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Image perturbations on 4 x 4 grayscale images whose pixels are the input dimensions. */
class ImagePerturbationTest {
  static final int SIDE = 4;
  static final int N = SIDE * SIDE;

  private static Table images() {
    StringBuilder yaml = new StringBuilder("name: img\ncolumns:\n");
    String[] header = new String[N + 1];
    for (int i = 0; i < N; i++) {
      yaml.append("  - {name: p").append(i).append(", type: numeric, role: feature, range: [0, 1]}\n");
      header[i] = "p" + i;
    }
    yaml.append("  - {name: y, type: categorical, role: label, categories: [dark, light]}\n");
    header[N] = "y";
    Schema schema = SchemaLoader.parse(ConfigNode.parse("img.yaml", yaml.toString()));
    SplittableRandom r = new SplittableRandom(4);
    List<String[]> rows = new ArrayList<>();
    for (int k = 0; k < 200; k++) {
      String[] row = new String[N + 1];
      for (int i = 0; i < N; i++) {
        row[i] = String.format(java.util.Locale.ROOT, "%.4f", 0.2 + 0.6 * r.nextDouble());
      }
      row[N] = "dark";
      rows.add(row);
    }
    return TableLoader.fromRows(schema, header, rows, "images");
  }

  /** light when the mean pixel is at least 0.5. */
  private static final FunctionModel BRIGHTNESS = new FunctionModel("mean", N, 2, x -> {
    double[][] p = new double[x.length][2];
    for (int i = 0; i < x.length; i++) {
      p[i][1] = 1 / (1 + Math.exp(-20 * (mean(x[i]) - 0.5)));
      p[i][0] = 1 - p[i][1];
    }
    return p;
  });

  private static double mean(double[] v) {
    double s = 0;
    for (double a : v) {
      s += a;
    }
    return s / v.length;
  }

  @Test
  void brightnessShrinksToTheOffsetThatReachesTheBoundary() {
    // Pixels lie in [0.2, 0.8] and offsets in [-0.2, 0.2] never clip, so the smallest flipping
    // offset is exactly 0.5 - mean(image) (closed form).
    Table data = images();
    PerturbationResult r = PropertyAssert.given(BRIGHTNESS, data).seed(12)
        .run(Property.invariance(new Perturbation.Brightness(0.2)).withCases(500).withShrinking(3, 300));
    assertTrue(r.failures() > 0);
    for (Counterexample c : r.counterexamples()) {
      double needed = 0.5 - mean(c.before());
      for (int i = 0; i < N; i++) {
        assertEquals(Math.abs(needed), Math.abs(c.after()[i] - c.before()[i]), 1e-6, c.describe());
      }
    }
    assertTrue(r.evidence().stream().anyMatch(e -> e instanceof Evidence.Images im && im.width() == SIDE && im.images().size() == 3));
  }

  @Test
  void shiftMovesThePixelsAndFillsTheBorderWithTheDarkestPixel() {
    Table data = images();
    Encoder enc = new Encoder(data.schema());
    FeatureSpace space = new FeatureSpace(enc, enc.encode(data));
    Generator g = new Generator(space, Property.invariance(new Perturbation.Shift(SIDE, SIDE, 2)));
    // choices: row 5, dx sign +, dx 1, dy sign -, dy 2
    Generator.Case c = g.generate(Choices.replay(new long[] {5, 0, 1, 1, 2}));
    double min = java.util.Arrays.stream(c.before()).min().orElseThrow();
    for (int y = 0; y < SIDE; y++) {
      for (int x = 0; x < SIDE; x++) {
        int sx = x - 1;
        int sy = y + 2;
        double expected = sx >= 0 && sy < SIDE ? c.before()[sy * SIDE + sx] : min;
        assertEquals(expected, c.after()[y * SIDE + x], "pixel (" + x + ", " + y + ")");
      }
    }
  }

  @Test
  void imageNoiseStaysWithinThePixelBounds() {
    Table data = images();
    Encoder enc = new Encoder(data.schema());
    Generator g = new Generator(new FeatureSpace(enc, enc.encode(data)), Property.invariance(new Perturbation.ImageNoise(2.0)));
    for (int i = 0; i < 200; i++) {
      for (double v : g.generate(1, i).after()) {
        assertTrue(v >= 0 && v <= 1, "pixel " + v);
      }
    }
  }
}
