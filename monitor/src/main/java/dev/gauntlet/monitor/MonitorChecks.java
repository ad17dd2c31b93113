package dev.gauntlet.monitor;

import dev.gauntlet.harness.config.CheckProvider;
import dev.gauntlet.harness.config.CheckType;
import java.util.List;

/** Publishes {@code monitor.performance} to YAML suites. */
public final class MonitorChecks implements CheckProvider {

  @Override
  public List<CheckType> types() {
    return List.of(CheckType.of(MonitorCheck.TYPE,
        "production: prediction and label logs joined by id; realized and estimated (CBPE) accuracy, label completeness and gaps per window and group;"
            + " estimator health; retraining cadence",
        MonitorCheck.METRICS, MonitorConfig.PARAMS, (params, schema) -> new MonitorCheck(MonitorConfig.parse(params, schema), schema)));
  }
}
