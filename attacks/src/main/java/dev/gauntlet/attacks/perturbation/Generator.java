package dev.gauntlet.attacks.perturbation;

import dev.gauntlet.attacks.perturbation.FeatureSpace.Slot;
import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.data.ColumnSpec;
import dev.gauntlet.harness.data.Monotone;
import dev.gauntlet.harness.data.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.math3.special.Erf;

/**
 * Generates cases of a {@link Property} from {@link Choices}: a starting row (from the data, or
 * synthesised within the schema) and its perturbed copy. Every random decision goes through the
 * choices, in a fixed layout (every choice is drawn whether or not it is used), so a recorded
 * sequence replays exactly and the shrinker can lower any value.
 */
final class Generator {

  /** One generated case: the starting row's data index (-1 when synthesised), the rows before and after. */
  record Case(int row, double[] before, double[] after, long[] choices, Choices.Kind[] kinds, long[] bounds) {}

  private final FeatureSpace space;
  private final Property property;
  private final List<List<Slot>> eligible = new ArrayList<>();

  Generator(FeatureSpace space, Property property) {
    this.space = space;
    this.property = property;
    for (Perturbation p : property.perturbations()) {
      eligible.add(eligibleSlots(p));
    }
  }

  /** The case that the given choices make. */
  Case generate(Choices c) {
    int row = -1;
    double[] before;
    if (property.rows() == Property.Rows.DATA) {
      row = space.typical[c.row(space.x.length)];
      before = space.x[row];
    } else {
      before = synthesise(c);
    }
    double[] after = before.clone();
    for (int i = 0; i < property.perturbations().size(); i++) {
      apply(property.perturbations().get(i), eligible.get(i), c, after);
    }
    return new Case(row, before, after, c.values(), c.kinds(), c.bounds());
  }

  /** The case with a given seed and index: its own stream, so any case replays without the others. */
  Case generate(long seed, int caseIndex) {
    return generate(Choices.generate(caseSeed(seed, caseIndex)));
  }

  static long caseSeed(long seed, int caseIndex) {
    return new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (caseIndex + 1L))).nextLong();
  }

  private double[] synthesise(Choices c) {
    double[] r = new double[space.width()];
    for (Slot s : space.slots) {
      if (s.numeric()) {
        double lo = Double.isFinite(s.lower()) ? s.lower() : s.dataLower();
        double hi = Double.isFinite(s.upper()) ? s.upper() : s.dataUpper();
        boolean neg = c.negative();
        double u = c.magnitude();
        double reach = neg ? s.median() - lo : hi - s.median();
        space.setNumeric(r, s, s.median() + (neg ? -1 : 1) * u * Math.max(reach, 0));
      } else {
        space.setCategory(r, s, s.byFrequency()[c.category(s.byFrequency().length)]);
      }
    }
    return r;
  }

  private void apply(Perturbation p, List<Slot> slots, Choices c, double[] r) {
    if (p instanceof Perturbation.Noise n) {
      for (Slot s : slots) {
        boolean on = c.flag(n.fraction());
        boolean neg = c.negative();
        double u = c.magnitude();
        if (on && s.spread() > 0) {
          double z = n.distribution() == Perturbation.Distribution.GAUSSIAN ? halfNormalQuantile(u) : u;
          space.setNumeric(r, s, r[s.first()] + (neg ? -z : z) * n.scale() * s.spread());
        }
      }
    } else if (p instanceof Perturbation.CategorySwap w) {
      for (Slot s : slots) {
        boolean on = c.flag(w.fraction());
        int[] alt = space.alternatives(s, space.category(r, s));
        int k = c.category(alt.length);
        if (on && alt.length > 0) {
          space.setCategory(r, s, alt[k]);
        }
      }
    } else if (p instanceof Perturbation.ProtectedSwap) {
      Slot s = slots.get(0);
      int[] alt = space.alternatives(s, space.category(r, s));
      space.setCategory(r, s, alt[c.category(alt.length)]);
    } else if (p instanceof Perturbation.MonotoneStep m) {
      for (Slot s : slots) {
        boolean on = c.flag(1.0);
        double u = c.magnitude();
        if (on) {
          double sign = s.column().monotone() == Monotone.INCREASING ? 1 : -1;
          space.setNumeric(r, s, r[s.first()] + sign * u * m.step() * s.spread());
        }
      }
    } else if (p instanceof Perturbation.MissingValue mv) {
      for (Slot s : slots) {
        if (c.flag(mv.rate())) {
          if (s.numeric()) {
            space.setNumeric(r, s, s.median());
          } else {
            space.setCategory(r, s, s.mode());
          }
        }
      }
    } else if (p instanceof Perturbation.ImageNoise in) {
      double amp = c.magnitude() * in.sigma();
      SplittableRandom g = new SplittableRandom(c.pattern());
      for (int d = 0; d < r.length; d++) {
        r[d] = pixel(r[d] + amp * g.nextGaussian());
      }
    } else if (p instanceof Perturbation.Brightness b) {
      boolean neg = c.negative();
      double delta = (neg ? -1 : 1) * c.magnitude() * b.max();
      for (int d = 0; d < r.length; d++) {
        r[d] = pixel(r[d] + delta);
      }
    } else if (p instanceof Perturbation.Shift sh) {
      int dx = (c.negative() ? -1 : 1) * c.amount(sh.maxPixels() + 1);
      int dy = (c.negative() ? -1 : 1) * c.amount(sh.maxPixels() + 1);
      shift(r, sh.width(), sh.height(), dx, dy);
    }
  }

  private double pixel(double v) {
    return Math.max(space.pixelLower, Math.min(space.pixelUpper, v));
  }

  private static void shift(double[] r, int w, int h, int dx, int dy) {
    double fill = Double.POSITIVE_INFINITY;
    for (double v : r) {
      fill = Math.min(fill, v);
    }
    double[] src = r.clone();
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int sx = x - dx;
        int sy = y - dy;
        r[y * w + x] = sx >= 0 && sx < w && sy >= 0 && sy < h ? src[sy * w + sx] : fill;
      }
    }
  }

  /** The quantile of |Z| for Z standard normal: 0 at 0, increasing. */
  static double halfNormalQuantile(double u) {
    return Math.sqrt(2) * Erf.erfInv(u);
  }

  /** The slots a perturbation may change; an error naming the problem when it can change none. */
  private List<Slot> eligibleSlots(Perturbation p) {
    List<Slot> out = new ArrayList<>();
    if (p instanceof Perturbation.Noise n) {
      out = select(n.features(), "noise", s -> s.numeric() && s.column().mutable(), "mutable numeric");
    } else if (p instanceof Perturbation.CategorySwap w) {
      out = select(w.features(), "category swap", s -> !s.numeric() && s.column().mutable(), "mutable categorical");
    } else if (p instanceof Perturbation.ProtectedSwap ps) {
      ColumnSpec col = space.encoder.schema().find(ps.attribute()).orElseThrow(() -> new UsageException(
          "protected swap: the schema has no column '" + ps.attribute() + "'"));
      if (!col.has(Role.PROTECTED)) {
        throw new UsageException("protected swap: column '" + ps.attribute() + "' is not marked protected in the schema");
      }
      if (!col.isFeature() || col.encoding() instanceof dev.gauntlet.harness.data.Encoding.Excluded) {
        throw new UsageException("protected swap: column '" + ps.attribute() + "' is not a model input, so swapping it cannot change the model's input");
      }
      if (!col.hasCategories() || col.categories().size() < 2) {
        throw new UsageException("protected swap: column '" + ps.attribute() + "' needs at least two categories to swap between");
      }
      out.add(space.slot(ps.attribute()));
    } else if (p instanceof Perturbation.MonotoneStep m) {
      out = select(m.features(), "monotone step", s -> s.numeric() && s.column().mutable() && s.column().monotone() != Monotone.NONE,
          "mutable numeric with a monotone direction");
    } else if (p instanceof Perturbation.MissingValue mv) {
      out = select(mv.features(), "missing values", s -> s.column().mutable(), "mutable");
    } else if (p instanceof Perturbation.Shift sh) {
      if (sh.width() * sh.height() != space.width()) {
        throw new UsageException("shift: the image is " + sh.width() + " x " + sh.height() + " = " + sh.width() * sh.height()
            + " pixels but the model input has " + space.width() + " dimensions");
      }
    }
    return out;
  }

  private List<Slot> select(List<String> names, String what, java.util.function.Predicate<Slot> ok, String needed) {
    List<Slot> out = new ArrayList<>();
    if (names.isEmpty()) {
      for (Slot s : space.slots) {
        if (ok.test(s)) {
          out.add(s);
        }
      }
      if (out.isEmpty()) {
        throw new UsageException(what + ": the schema has no " + needed + " feature to perturb");
      }
      return out;
    }
    for (String n : names) {
      Slot s = space.slots.stream().filter(x -> x.name().equals(n)).findFirst().orElseThrow(() -> new UsageException(
          what + ": '" + n + "' is not a feature of schema '" + space.encoder.schema().name() + "'"));
      if (!ok.test(s)) {
        throw new UsageException(what + ": feature '" + n + "' is not " + needed + " (immutable features are never perturbed)");
      }
      out.add(s);
    }
    return out;
  }
}
