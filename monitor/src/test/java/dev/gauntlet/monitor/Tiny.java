package dev.gauntlet.monitor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A tiny monitor suite whose figures are counted by hand (see MonitorCheckTest): 10 predictions in
 * 2024-01 and 2024-02, 7 labels, scores taken as calibrated (calibration: none).
 */
final class Tiny {
  static final String SCHEMA = """
      name: tiny
      columns:
        - {name: id, type: text, role: id}
        - {name: t, type: timestamp, role: time}
        - {name: g, type: categorical, roles: [feature, protected], categories: [a, b]}
        - {name: risk, type: numeric, role: score, range: [0, 1]}
        - {name: y, type: binary, role: label, categories: ["no", "yes"], positive: "yes"}
      """;

  static final String REFERENCE = """
      id,t,g,risk,y
      r1,2023-12-01,a,0.9,yes
      r2,2023-12-02,b,0.2,no
      r3,2023-12-03,a,0.7,yes
      r4,2023-12-04,b,0.4,no
      r5,2023-12-05,a,0.6,no
      r6,2023-12-06,b,0.3,yes
      """;

  static final String PREDICTIONS = """
      id,t,g,score,model_version
      p1,2024-01-03,a,0.9,v1
      p2,2024-01-05,a,0.8,v1
      p3,2024-01-10,b,0.2,v1
      p4,2024-01-15,b,0.3,v1
      p5,2024-01-20,a,0.7,v1
      p6,2024-01-25,b,0.6,v1
      p7,2024-02-02,a,0.1,v2
      p8,2024-02-10,b,0.95,v2
      p9,2024-02-15,a,0.4,v2
      p10,2024-02-20,b,0.55,v2
      """;

  static final String LABELS = """
      id,y,label_time
      p1,yes,2024-01-10
      p2,no,2024-01-20
      p3,no,2024-02-01
      p4,yes,2024-02-05
      p5,yes,2024-02-10
      p7,no,2024-02-10
      p8,yes,2024-02-25
      """;

  static final String SUITE = """
      name: tiny-monitor
      model: {type: precomputed, score: risk, probability: true, threshold: 0.5}
      data: {path: reference.csv, schema: schema.yaml}
      checks:
        - id: production
          type: monitor.performance
          params:
            predictions: {path: predictions.csv, version: model_version}
            labels: {path: labels.csv}
            labelsDueWithin: 30d
            asOf: 2024-03-20
            window: month
            slices: [g]
            reference: {g: a}
            calibration: none
            minLabelled: 1
            minSliceRows: 1
            maxCalibrationError: 1
          conditions:
            - {metric: realized_accuracy, subject: "window=2024-01", atLeast: 0.5}
      """;

  private Tiny() {}

  /** Writes the suite and its files into {@code dir}; returns the suite file. */
  static Path write(Path dir, String predictions, String labels, String suite) throws IOException {
    Files.writeString(dir.resolve("schema.yaml"), SCHEMA);
    Files.writeString(dir.resolve("reference.csv"), REFERENCE);
    Files.writeString(dir.resolve("predictions.csv"), predictions);
    Files.writeString(dir.resolve("labels.csv"), labels);
    Path s = dir.resolve("suite.yaml");
    Files.writeString(s, suite);
    return s;
  }

  static Path write(Path dir) throws IOException {
    return write(dir, PREDICTIONS, LABELS, SUITE);
  }
}
