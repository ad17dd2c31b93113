package dev.gauntlet.bench.onnx;

import dev.gauntlet.harness.data.Encoder;
import dev.gauntlet.harness.data.Schema;
import dev.gauntlet.harness.data.SchemaLoader;
import dev.gauntlet.harness.data.TableLoader;
import dev.gauntlet.models.InputGradients;
import dev.gauntlet.models.GradientMode;
import dev.gauntlet.models.KerasModel;
import dev.gauntlet.models.OnnxModel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.function.Consumer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Prediction throughput (rows/s) of one model, the PyTorch-trained fixture lending-mlp, run three
 * ways: ONNX Runtime ({@code lending-mlp.onnx}), the same ONNX graph rebuilt in SameDiff, and DL4J
 * (the same weights in {@code lending-mlp.h5}, imported from Keras). Rows are the fixture's
 * eval.csv encoded and tiled. Median of 7 timed repetitions after 3 warm-ups, per batch size.
 *
 * <p>Usage: {@code java -cp ... dev.gauntlet.bench.onnx.OnnxThroughput [fixtureDir] [totalRows]}.
 */
public final class OnnxThroughput {
  private OnnxThroughput() {}

  public static void main(String[] args) {
    Path dir = Path.of(args.length > 0 ? args[0] : "fixtures/onnx");
    int total = args.length > 1 ? Integer.parseInt(args[1]) : 16_384;
    Schema schema = SchemaLoader.load(dir.resolve("lending.schema.yaml"));
    double[][] base = new Encoder(schema).encode(TableLoader.load(dir.resolve("eval.csv"), schema));
    double[][] rows = new double[total][];
    for (int i = 0; i < total; i++) {
      rows[i] = base[i % base.length];
    }
    Consumer<String> quiet = s -> {};
    OnnxModel ort = OnnxModel.load(dir.resolve("lending-mlp.onnx"), "mlp", OptionalInt.of(9),
        new OnnxModel.Settings(GradientMode.SAMEDIFF, null, 1), quiet);
    InputGradients sameDiff = ort.gradients().orElseThrow();
    KerasModel dl4j = KerasModel.load(dir.resolve("lending-mlp.h5"), "mlp", OptionalInt.of(9));
    System.out.printf(Locale.ROOT, "OMP_NUM_THREADS=%s, %d processors, %d rows per measurement, Java %s%n",
        System.getenv("OMP_NUM_THREADS"), Runtime.getRuntime().availableProcessors(), total, System.getProperty("java.version"));
    System.out.printf(Locale.ROOT, "gradients of the ONNX model: %s%n", ort.gradientSource());
    System.out.println("| batch | ONNX Runtime rows/s | SameDiff rows/s | DL4J (Keras import) rows/s | SameDiff / ORT | DL4J / ORT |");
    System.out.println("|---:|---:|---:|---:|---:|---:|");
    for (int batch : new int[] {1, 64, 1024, 8192}) {
      int n = batch == 1 ? Math.min(total, 1024) : total;
      double o = median(() -> run(rows, n, batch, b -> ort.predict(b)), n);
      double s = median(() -> run(rows, n, batch, b -> sameDiff.output(Nd4j.create(b).castTo(DataType.FLOAT))), n);
      double d = median(() -> run(rows, n, batch, b -> dl4j.predict(b)), n);
      System.out.printf(Locale.ROOT, "| %d | %,.0f | %,.0f | %,.0f | %.2f | %.2f |%n", batch, o, s, d, s / o, d / o);
    }
    ort.close();
  }

  private static void run(double[][] rows, int n, int batch, Consumer<double[][]> f) {
    for (int start = 0; start < n; start += batch) {
      f.accept(Arrays.copyOfRange(rows, start, Math.min(n, start + batch)));
    }
  }

  private static double median(Runnable r, int rows) {
    for (int i = 0; i < 3; i++) {
      r.run();
    }
    double[] rates = new double[7];
    for (int i = 0; i < rates.length; i++) {
      long t0 = System.nanoTime();
      r.run();
      rates[i] = rows / ((System.nanoTime() - t0) / 1e9);
    }
    Arrays.sort(rates);
    return rates[rates.length / 2];
  }
}
