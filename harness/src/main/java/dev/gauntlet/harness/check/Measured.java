package dev.gauntlet.harness.check;

import java.util.List;

/** A check's value: numbers that conditions judge, and evidence a reviewer reads. */
public interface Measured {

  /** Every number the check measured; generic conditions look metrics up here by name. */
  List<Measurement> measurements();

  /** Tables, charts and counterexamples behind the numbers. */
  List<Evidence> evidence();

  /** One sentence on what was measured, for the report. */
  default String summary() {
    return "";
  }
}
