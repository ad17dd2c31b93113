package dev.gauntlet.attacks.adversarial;

import dev.gauntlet.harness.check.MetricCondition;
import dev.gauntlet.harness.metric.Subject;

/**
 * The usual conditions on adversarial checks, for Java suites (YAML writes the same as
 * {@code {metric: robust_accuracy, subject: "eps=0.05", atLeast: 0.7}}).
 */
public final class AdversarialConditions {
  private AdversarialConditions() {}

  /** Robust accuracy at {@code eps} at least {@code min}. */
  public static MetricCondition robustAccuracyAtLeast(double eps, double min) {
    return MetricCondition.atLeast("robust_accuracy", min).forSubject(Subject.eps(eps));
  }

  /** Robust accuracy at {@code eps} no more than {@code drop} below the baseline model's. */
  public static MetricCondition robustAccuracyMaxDrop(double eps, double drop) {
    return MetricCondition.maxDrop("robust_accuracy", drop).forSubject(Subject.eps(eps));
  }

  /** The median minimal flipping epsilon at least {@code min}. */
  public static MetricCondition medianMinFlipEpsAtLeast(double min) {
    return MetricCondition.atLeast("median_min_flip_eps", min);
  }

  /** No group of {@code column} much easier to flip: lowest group median over highest (subject {@code feature=<column>}) at least {@code min}. */
  public static MetricCondition groupFlipRatioAtLeast(String column, double min) {
    return MetricCondition.atLeast("min_flip_eps_group_ratio", min).forSubject(Subject.feature(column));
  }

  /** The subject of per-epsilon measurements, e.g. {@code eps=0.05}. */
  public static Subject epsSubject(double eps) {
    return Subject.eps(eps);
  }
}
