package dev.gauntlet.bench.spark;

/** The suite both Spark benchmarks audit: a precomputed score through the four summary checks, on the data block given. */
final class BenchSuite {
  private BenchSuite() {}

  /** The suite's YAML: {@code name}, then {@code data} (the indented lines under {@code data:}), then the four checks. */
  static String yaml(String name, String data) {
    return """
        name: %s
        seed: 7
        model: {type: precomputed, score: score, threshold: 0.5, probability: true}
        data:
        %s
        checks:
          - {id: perf, type: performance, conditions: [{metric: accuracy, atLeast: 0.6}]}
          - id: fair
            type: fairness.slices
            params: {attributes: [sex, region], minSize: 30, reference: {sex: M}, bootstrap: 200}
            conditions:
              - {metric: disparate_impact, subject: sex=F, between: [0.8, 1.25], interval: whole}
          - id: decay
            type: drift.temporal
            params: {window: month, reference: 2, maxDrop: 0.03, horizon: 6}
            conditions:
              - {metric: last_window_accuracy_drop, atMost: 0.03}
          - id: features
            type: drift.features
            params: {window: quarter, reference: 1}
            conditions:
              - {metric: max_psi, atMost: 0.25}
        """.formatted(name, data.stripTrailing());
  }
}
