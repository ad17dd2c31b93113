package dev.gauntlet.harness.check;

import java.util.List;

/** A plain {@link Measured} value for checks that need no richer type. */
public record CheckValue(List<Measurement> measurements, List<Evidence> evidence, String summary) implements Measured {
  public CheckValue {
    measurements = List.copyOf(measurements);
    evidence = List.copyOf(evidence);
    summary = summary == null ? "" : summary;
  }
}
