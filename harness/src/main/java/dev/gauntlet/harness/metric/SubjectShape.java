package dev.gauntlet.harness.metric;

import dev.gauntlet.harness.metric.Subject.Dim;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What a metric's subjects look like: the set of dimensions each subject has, e.g. none (the whole
 * data), {@code {SLICE}}, {@code {EPS}} or {@code {SLICE, EPS}}.
 */
public record SubjectShape(Set<Dim> dims) {
  public SubjectShape {
    dims = dims.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(dims));
  }

  /** The whole data: no subject. */
  public static final SubjectShape NONE = new SubjectShape(Set.of());

  public static SubjectShape of(Dim... dims) {
    return new SubjectShape(dims.length == 0 ? Set.of() : EnumSet.of(dims[0], dims));
  }

  public boolean matches(Subject s) {
    return s.dims().equals(dims);
  }

  /** E.g. {@code <attribute>=<value>&eps=<number>}, or {@code (none: the whole data)}. */
  public String pattern() {
    if (dims.isEmpty()) {
      return "(none: the whole data)";
    }
    List<String> ps = new ArrayList<>();
    for (Dim d : Dim.values()) {
      if (!dims.contains(d)) {
        continue;
      }
      ps.add(switch (d) {
        case SLICE -> "<attribute>=<value>[&...]";
        case FEATURE -> "feature=<column>";
        case WINDOW -> "window=<label>";
        case ATTACK -> "attack=<name>";
        case EPS -> "eps=<number>";
        case SEVERITY -> "severity=<number>";
        case DETECTOR -> "detector=<name>";
      });
    }
    return String.join("&", ps);
  }
}
