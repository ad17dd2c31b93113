package dev.gauntlet.fairness.discover;

import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.check.Check;
import dev.gauntlet.harness.check.CheckContext;
import dev.gauntlet.harness.check.Evidence;
import dev.gauntlet.harness.check.Measured;
import dev.gauntlet.harness.check.Measurement;
import dev.gauntlet.harness.check.MetricCondition;
import dev.gauntlet.harness.check.Trial;
import dev.gauntlet.harness.config.ConfigNode;
import dev.gauntlet.harness.data.Column;
import dev.gauntlet.harness.data.ColumnSpec;
import dev.gauntlet.harness.data.ColumnType;
import dev.gauntlet.harness.data.Role;
import dev.gauntlet.harness.data.Schema;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.metric.Direction;
import dev.gauntlet.harness.metric.Interval;
import dev.gauntlet.harness.metric.MetricDecl;
import dev.gauntlet.harness.metric.MetricSet;
import dev.gauntlet.harness.metric.ParamDecl;
import dev.gauntlet.harness.metric.ParamException;
import dev.gauntlet.harness.metric.Subject;
import dev.gauntlet.harness.metric.Subject.Dim;
import dev.gauntlet.harness.metric.SubjectShape;
import dev.gauntlet.harness.model.Capability;
import dev.gauntlet.harness.model.Predictions;
import dev.gauntlet.harness.stats.Intervals;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Slice discovery: searches the slices nobody declared (conjunctions of up to {@code depth}
 * predicates on any feature or protected column: a categorical's value, a numeric's quantile bin)
 * for those whose rate of bad rows (errors, false positives, false negatives, denials or
 * selections) is higher than the whole's by more than {@code effect}, with the exact pruned
 * SliceLine enumeration of {@link SliceSearch}. Every reported slice has a Wilson interval and a
 * Benjamini-Hochberg q-value over the whole lattice (the tested family); a slice that refines a
 * reported one without a further {@code effect} is folded into it. The evidence ranks the slices,
 * charts them against the whole and gives the YAML that pins them in a suite.
 */
public final class SliceDiscoveryCheck implements Check<SliceDiscoveryCheck.Discovery> {
  private static final SubjectShape SLICE = SubjectShape.of(Dim.SLICE);

  /** The metrics, published with the {@code slices.discover} type. */
  public static final MetricSet METRICS = MetricSet.of(declarations());

  /** The parameters, published with the {@code slices.discover} type; validated by {@link DiscoveryConfig} and this check. */
  public static final List<ParamDecl> PARAMS = List.of(
      ParamDecl.of("columns", "list of columns", "every feature and protected column",
          "the columns whose values (categorical) or quantile bins (numeric) form predicates"),
      ParamDecl.of("target", "error | fpr | fnr | denial | selection", "error", "what a bad row is; a slice is worse when its rate is higher"),
      ParamDecl.of("depth", "integer in [1, " + SliceSearch.MAX_DEPTH + "]", Integer.toString(DiscoveryConfig.DEFAULT_DEPTH),
          "the most predicates combined into one slice"),
      ParamDecl.of("minSize", "integer in [1, rows of the data]", Integer.toString(DiscoveryConfig.DEFAULT_MIN_SIZE),
          "the fewest rows (of the rate's denominator) a reported slice has"),
      ParamDecl.of("bins", "integer in [2, 20]", Integer.toString(DiscoveryConfig.DEFAULT_BINS), "quantile bins per numeric column"),
      ParamDecl.of("effect", "number in (0, 1)", Double.toString(DiscoveryConfig.DEFAULT_EFFECT),
          "how much higher than the whole's a slice's rate must be (the null hypothesis of each test)"),
      ParamDecl.of("fdr", "number in (0, 0.5)", Double.toString(DiscoveryConfig.DEFAULT_FDR),
          "Benjamini-Hochberg false discovery rate over every slice of the lattice"),
      ParamDecl.of("alpha", "number in (0, 1]", Double.toString(DiscoveryConfig.DEFAULT_ALPHA),
          "SliceLine's weight of the error term against the size term of the score; 1 = size does not count"),
      ParamDecl.of("confidence", "number in [0.5, 0.999]", "0.95", "level of the Wilson intervals"),
      ParamDecl.of("top", "integer in [1, 100]", Integer.toString(DiscoveryConfig.DEFAULT_TOP), "how many slices are measured, shown and pinned"),
      ParamDecl.of("threshold", "number in (0, 1)", "the suite's", "decision threshold on scores for this check"),
      ParamDecl.of("errorAbove", "number >= 0", "none (required in a regression suite)",
          "regression: a row is bad when its absolute error |prediction - label| is above it (target error)"));

  /** The bad-row rate of a regression suite's search: absolute errors above {@code errorAbove}. */
  static final String LARGE_ERROR_RATE = "large_error_rate";

  private static List<MetricDecl> declarations() {
    List<MetricDecl> out = new ArrayList<>();
    for (Target t : Target.values()) {
      out.add(MetricDecl.of(t.metric(), Direction.LOWER_IS_BETTER, t.description() + " of a reported slice (or of the whole data), with a Wilson interval;"
          + " measured when it is the target").withInterval().about(SLICE, SubjectShape.NONE));
    }
    out.add(MetricDecl.of(LARGE_ERROR_RATE, Direction.LOWER_IS_BETTER, "regression (errorAbove): share of rows whose absolute error is above"
        + " errorAbove, of a reported slice (or of the whole data), with a Wilson interval").withInterval().about(SLICE, SubjectShape.NONE));
    out.add(MetricDecl.of("n", Direction.NEUTRAL, "rows of a reported slice in the rate's denominator").about(SLICE));
    out.add(MetricDecl.of("effect", Direction.LOWER_IS_BETTER, "a reported slice's rate minus the whole's").about(SLICE));
    out.add(MetricDecl.of("q", Direction.NEUTRAL, "Benjamini-Hochberg q-value of a reported slice over the tested family").about(SLICE));
    out.add(MetricDecl.of("score", Direction.NEUTRAL, "SliceLine score of a reported slice").about(SLICE));
    out.add(MetricDecl.of("slices_found", Direction.LOWER_IS_BETTER, "reported slices: rate above the whole's by more than effect, q at most fdr, not folded"));
    out.add(MetricDecl.of("max_effect", Direction.LOWER_IS_BETTER, "the largest effect among the reported slices (0 when none)"));
    out.add(MetricDecl.of("slices_tested", Direction.NEUTRAL, "slices in the tested family: every conjunction of the lattice"));
    out.add(MetricDecl.of("slices_evaluated", Direction.NEUTRAL, "slices whose rows the pruned search counted"));
    return out;
  }

  private final DiscoveryConfig config;
  private final ConfigNode minSizeNode;
  private final double errorAbove;

  /**
   * A check on data of {@code schema}; {@link ParamException} (param {@code columns}) when a column
   * is unknown or cannot form predicates.
   *
   * @param minSizeNode where {@code minSize} was written (for the message when it exceeds the data), or null
   */
  public SliceDiscoveryCheck(DiscoveryConfig config, Schema schema, ConfigNode minSizeNode) {
    this(config, schema, minSizeNode, Double.NaN);
  }

  /**
   * A check that, in a regression suite, counts a row as bad when its absolute error is above
   * {@code errorAbove} (NaN: a classification check). SliceLine's search, the Wilson intervals and
   * the Benjamini-Hochberg q-values then apply unchanged to that 0/1 vector.
   */
  public SliceDiscoveryCheck(DiscoveryConfig config, Schema schema, ConfigNode minSizeNode, double errorAbove) {
    this.config = Objects.requireNonNull(config, "config");
    this.minSizeNode = minSizeNode;
    ParamException.require(Double.isNaN(errorAbove) || (errorAbove >= 0 && Double.isFinite(errorAbove)), "errorAbove",
        "errorAbove must be a finite number >= 0 (an absolute error in the label's unit), got " + errorAbove);
    ParamException.require(Double.isNaN(errorAbove) || config.target() == Target.ERROR, "target",
        "a regression suite's slices.discover counts large errors: target must be error, got " + config.target().yamlName());
    ParamException.require(Double.isNaN(errorAbove) || Double.isNaN(config.threshold()), "threshold",
        "threshold applies to a classifier's scores; a regression suite's slices.discover reads errorAbove");
    this.errorAbove = errorAbove;
    for (String c : config.columns()) {
      ColumnSpec spec = schema.find(c).orElseThrow(() -> new ParamException("columns", "the schema has no column '" + c + "'"
          + dev.gauntlet.harness.metric.MetricSet.nearest(c, schema.columns().stream().map(ColumnSpec::name).toList())
              .map(n -> "; did you mean '" + n + "'?").orElse("") + "; columns: "
          + String.join(", ", schema.columns().stream().map(ColumnSpec::name).toList())));
      if (!searchable(spec)) {
        throw new ParamException("columns", "column '" + c + "' cannot form predicates: it is " + spec.type().name().toLowerCase(Locale.ROOT)
            + " with roles " + spec.roles() + "; give feature or protected columns, categorical or numeric");
      }
    }
  }

  public SliceDiscoveryCheck(DiscoveryConfig config, Schema schema) {
    this(config, schema, null);
  }

  public DiscoveryConfig config() {
    return config;
  }

  static boolean searchable(ColumnSpec c) {
    boolean role = c.has(Role.FEATURE) || c.has(Role.PROTECTED);
    boolean excluded = c.has(Role.LABEL) || c.has(Role.PREDICTION) || c.has(Role.SCORE) || c.has(Role.ID) || c.has(Role.TIME) || c.has(Role.IGNORE);
    return role && !excluded && (c.hasCategories() || c.type() == ColumnType.NUMERIC);
  }

  @Override
  public MetricSet metrics() {
    return METRICS;
  }

  @Override
  public Set<dev.gauntlet.harness.model.Task> tasks() {
    return Double.isNaN(errorAbove) ? Set.of(dev.gauntlet.harness.model.Task.CLASSIFICATION) : Set.of(dev.gauntlet.harness.model.Task.REGRESSION);
  }

  /** The regression threshold of a bad row, or NaN for a classification check. */
  public double errorAbove() {
    return errorAbove;
  }

  @Override
  public String title() {
    return "Slice discovery";
  }

  @Override
  public Trial trial() {
    return Trial.FAIRNESS;
  }

  @Override
  public String description() {
    return "Searches every group defined by up to " + config.depth() + " feature values (undeclared groups too) for those where the model's "
        + (Double.isNaN(errorAbove) ? config.target().label() : largeErrors(errorAbove)) + " is higher than overall by more than " + MetricCondition.fmt(config.effect())
        + ", with false-discovery control over every group searched.";
  }

  @Override
  public Set<Capability> requires() {
    return Set.of();
  }

  /** A reported slice. */
  public record Slice(Subject subject, long size, long bad, double rate, Interval interval, double effect, double q, double score, int folded) {}

  /**
   * The value: the reported slices (ranked by score), the whole's rate, the search's counts, and
   * the YAML that pins the top slices in a suite.
   */
  public record Discovery(Target target, List<Slice> slices, double wholeRate, Interval wholeInterval, long rows, long family, long evaluated,
      long scans, List<Measurement> measurements, List<Evidence> evidence, String summary, String yaml) implements Measured {
    public Discovery {
      slices = List.copyOf(slices);
      measurements = List.copyOf(measurements);
      evidence = List.copyOf(evidence);
    }
  }

  @Override
  public void validateData(Table data) {
    if (config.minSize() > data.rowCount()) {
      throw new ParamException("minSize", "minSize " + config.minSize() + " is above the " + data.rowCount() + " rows of the data; give at most "
          + data.rowCount());
    }
  }

  /** How a regression suite's bad-row rate reads: {@code share of absolute errors above 2000}. */
  static String largeErrors(double tau) {
    return "share of absolute errors above " + MetricCondition.fmt(tau);
  }

  @Override
  public Discovery run(CheckContext ctx) {
    Table data = ctx.data();
    ColumnSpec label = ctx.label();
    if (ctx.task() == dev.gauntlet.harness.model.Task.REGRESSION) {
      if (Double.isNaN(errorAbove)) {
        throw new UsageException("slices.discover in a regression suite needs errorAbove: <tau> (a row is bad when its absolute error is above tau)");
      }
      if (config.minSize() > data.rowCount()) {
        String msg = "minSize " + config.minSize() + " is above the " + data.rowCount() + " rows of the data; give at most " + data.rowCount();
        throw minSizeNode != null ? minSizeNode.error(msg) : new ParamException("minSize", msg);
      }
      double[] p = ctx.predictions(data).values();
      double[] y = data.numeric(label.name());
      int[] zeros = new int[p.length];
      int[] bad = new int[p.length];
      for (int i = 0; i < p.length; i++) {
        bad[i] = Math.abs(p[i] - y[i]) > errorAbove ? 1 : 0;
      }
      ctx.progress("Slice discovery: searching slices of up to " + config.depth() + " predicates over " + data.rowCount() + " rows");
      return discover(config, data, zeros, bad, 1, largeErrors(errorAbove));
    }
    if (config.target() != Target.ERROR && label.categories().size() != 2) {
      throw new UsageException("slices.discover: target " + config.target().yamlName() + " needs a binary label; '" + label.name() + "' has classes "
          + label.categories() + "; use target: error");
    }
    if (config.minSize() > data.rowCount()) {
      String msg = "minSize " + config.minSize() + " is above the " + data.rowCount() + " rows of the data; give at most " + data.rowCount();
      throw minSizeNode != null ? minSizeNode.error(msg) : new ParamException("minSize", msg);
    }
    Predictions p = ctx.predictions(data);
    int[] decisions = p.decisions();
    if (!Double.isNaN(config.threshold())) {
      if (p.scores() == null) {
        throw new UsageException("slices.discover: a threshold of " + config.threshold() + " is set but the model gives decisions, not scores; remove it");
      }
      decisions = new int[p.size()];
      for (int i = 0; i < decisions.length; i++) {
        decisions[i] = p.scores()[i] >= config.threshold() ? label.positiveIndex() : 1 - label.positiveIndex();
      }
    }
    ctx.progress("Slice discovery: searching slices of up to " + config.depth() + " predicates over " + data.rowCount() + " rows");
    return discover(config, data, data.labels(), decisions, label.positiveIndex());
  }

  /** The features of {@code data} as predicates: categoricals by value, numerics by quantile bins (cut points rounded to 3 digits). */
  public static List<SliceSearch.Feature> features(DiscoveryConfig config, Table data, List<String> skipped) {
    Schema schema = data.schema();
    List<String> names = config.columns().isEmpty()
        ? schema.columns().stream().filter(SliceDiscoveryCheck::searchable).map(ColumnSpec::name).toList() : config.columns();
    List<SliceSearch.Feature> out = new ArrayList<>();
    for (String name : names) {
      Column col = data.column(name);
      if (col instanceof Column.Categorical c) {
        if (c.levels().size() > SliceSearch.MAX_LEVELS) {
          skipped.add(name + " (" + c.levels().size() + " categories, more than " + SliceSearch.MAX_LEVELS + ")");
          continue;
        }
        int miss = c.levels().size();
        byte[] codes = new byte[c.size()];
        for (int i = 0; i < codes.length; i++) {
          int v = c.codes()[i];
          codes[i] = (byte) (v < 0 || v >= miss ? miss : v);
        }
        out.add(new SliceSearch.Feature(name, codes, c.levels(), null));
      } else if (col instanceof Column.Numeric nc) {
        double[] cuts = cuts(nc.values(), config.bins());
        if (cuts.length == 0) {
          skipped.add(name + " (a single value)");
          continue;
        }
        byte[] codes = new byte[nc.size()];
        for (int i = 0; i < codes.length; i++) {
          double v = nc.values()[i];
          codes[i] = (byte) (Double.isNaN(v) ? cuts.length + 1 : band(v, cuts));
        }
        out.add(new SliceSearch.Feature(name, codes, bandNames(cuts), cuts));
      } else {
        skipped.add(name + " (neither categorical nor numeric)");
      }
    }
    return out;
  }

  /** Quantile cut points at j / bins, rounded to 3 significant digits, above the minimum, distinct. */
  static double[] cuts(double[] v, int bins) {
    double[] s = Arrays.stream(v).filter(x -> !Double.isNaN(x)).sorted().toArray();
    if (s.length == 0) {
      return new double[0];
    }
    TreeSet<Double> cs = new TreeSet<>();
    for (int j = 1; j < bins; j++) {
      double q = s[(int) Math.min(s.length - 1, Math.floor((double) j * s.length / bins))];
      double r = q == 0 ? 0 : new BigDecimal(q).round(new MathContext(3)).doubleValue();
      if (r > s[0] && r <= s[s.length - 1]) {
        cs.add(r);
      }
    }
    return cs.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** The band of {@code v}: how many cut points are at or below it (as {@code fairness.slices} bands a numeric attribute). */
  static int band(double v, double[] cuts) {
    int b = 0;
    while (b < cuts.length && v >= cuts[b]) {
      b++;
    }
    return b;
  }

  /** Band names as {@code fairness.slices} writes them: {@code <a}, {@code [a,b)}, {@code >=b}. */
  static List<String> bandNames(double[] cuts) {
    List<String> out = new ArrayList<>();
    out.add("<" + num(cuts[0]));
    for (int i = 1; i < cuts.length; i++) {
      out.add("[" + num(cuts[i - 1]) + "," + num(cuts[i]) + ")");
    }
    out.add(">=" + num(cuts[cuts.length - 1]));
    return out;
  }

  static String num(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }

  /** The search problem: only the rows the target's rate is defined on. */
  public static SliceSearch.Problem problem(Target target, List<SliceSearch.Feature> fs, int[] labels, int[] decisions, int positive) {
    int n = 0;
    for (int l : labels) {
      if (target.eligible(l == positive)) {
        n++;
      }
    }
    int[] rows = new int[n];
    boolean[] bad = new boolean[n];
    for (int i = 0, o = 0; i < labels.length; i++) {
      if (target.eligible(labels[i] == positive)) {
        rows[o] = i;
        bad[o++] = target.bad(labels[i], decisions[i], positive);
      }
    }
    List<SliceSearch.Feature> sel = new ArrayList<>();
    for (SliceSearch.Feature f : fs) {
      byte[] c = n == labels.length ? f.codes() : new byte[n];
      if (n != labels.length) {
        for (int i = 0; i < n; i++) {
          c[i] = f.codes()[rows[i]];
        }
      }
      sel.add(new SliceSearch.Feature(f.name(), c, f.levels(), f.cuts()));
    }
    return new SliceSearch.Problem(sel, bad);
  }

  /** The analysis on given labels and decisions (for Java use without a model, and for tests). */
  public static Discovery discover(DiscoveryConfig config, Table data, int[] labels, int[] decisions, int positive) {
    return discover(config, data, labels, decisions, positive, null);
  }

  /**
   * The analysis with the bad-row rate named {@code what} in every text (null: the target's own
   * name); a named rate (a regression suite's large errors) gets no pinning YAML, since
   * {@code fairness.slices} does not measure it.
   */
  static Discovery discover(DiscoveryConfig config, Table data, int[] labels, int[] decisions, int positive, String what) {
    List<String> skipped = new ArrayList<>();
    List<SliceSearch.Feature> fs = features(config, data, skipped);
    SliceSearch.Problem pb = problem(config.target(), fs, labels, decisions, positive);
    SliceSearch.Settings st = new SliceSearch.Settings(config.depth(), config.minSize(), config.effect(), config.alpha());
    SliceSearch.Result r = SliceSearch.pruned(pb, st);
    return report(config, pb, r, skipped, what);
  }

  /** The reported slices of a search: BH over the family, then folding, ranked by score. */
  public static List<Slice> select(DiscoveryConfig config, SliceSearch.Problem pb, SliceSearch.Result r) {
    double[] q = SliceSearch.qValues(r.candidates(), r.family());
    List<SliceSearch.Candidate> sig = new ArrayList<>();
    List<Double> sigQ = new ArrayList<>();
    for (int i = 0; i < q.length; i++) {
      if (q[i] <= config.fdr()) {
        sig.add(r.candidates().get(i));
        sigQ.add(q[i]);
      }
    }
    // Candidates come shallow first: a refinement is folded into a kept slice it refines unless it has an extra effect of its own:
    // a rate higher than the kept slice's by more than effect, with the lower end of its Wilson interval above the kept slice's rate.
    List<Integer> kept = new ArrayList<>();
    int[] folded = new int[sig.size()];
    double[][] ci = new double[sig.size()][];
    for (int i = 0; i < sig.size(); i++) {
      SliceSearch.Candidate c = sig.get(i);
      ci[i] = Intervals.wilson(c.bad(), c.size(), config.confidence());
      double lower = ci[i][0];
      Integer into = null;
      for (int k : kept) {
        double parent = sig.get(k).rate();
        if (c.refines(sig.get(k)) && !(c.rate() - parent > config.effect() && lower > parent)) {
          if (into == null || sig.get(k).score() > sig.get(into).score()) {
            into = k;
          }
        }
      }
      if (into == null) {
        kept.add(i);
      } else {
        folded[into]++;
      }
    }
    List<Slice> out = new ArrayList<>();
    for (int k : kept) {
      SliceSearch.Candidate c = sig.get(k);
      out.add(new Slice(subject(pb, c), c.size(), c.bad(), c.rate(), Interval.of(ci[k][0], ci[k][1], config.confidence(), Interval.Method.WILSON),
          c.rate() - r.mean(), sigQ.get(k), c.score(), folded[k]));
    }
    out.sort(Comparator.comparingDouble(Slice::score).reversed().thenComparing(s -> s.subject().toString()));
    return out;
  }

  static Subject subject(SliceSearch.Problem pb, SliceSearch.Candidate c) {
    Subject s = Subject.all();
    for (int j = 0; j < c.features().length; j++) {
      SliceSearch.Feature f = pb.features().get(c.features()[j]);
      s = s.and(f.name(), f.levels().get(c.levels()[j]));
    }
    return s;
  }

  private static Discovery report(DiscoveryConfig config, SliceSearch.Problem pb, SliceSearch.Result r, List<String> skipped, String what) {
    Target t = config.target();
    String rate = what != null ? what : t.label();
    String metric = what != null ? LARGE_ERROR_RATE : t.metric();
    Subject all = Subject.all();
    long n = r.rows();
    long total = r.bad();
    List<Measurement> ms = new ArrayList<>();
    List<Evidence> ev = new ArrayList<>();
    if (n < config.minSize() || pb.features().isEmpty()) {
      String why = pb.features().isEmpty() ? "no column can form predicates" + (skipped.isEmpty() ? "" : " (skipped: " + String.join(", ", skipped) + ")")
          : "only " + n + " rows in the " + rate + "'s denominator, below the minimum of " + config.minSize() + " (params.minSize)";
      ms.add(Measurement.inconclusive("slices_found", all, Double.NaN, n, why));
      ms.add(Measurement.inconclusive("max_effect", all, Double.NaN, n, why));
      return new Discovery(t, List.of(), Double.NaN, null, n, r.family(), r.evaluated(), r.scans(), ms, ev, "Slice discovery could not run: " + why + ".", "");
    }
    List<Slice> slices = select(config, pb, r);
    double[] wci = Intervals.wilson(total, n, config.confidence());
    Interval whole = Interval.of(wci[0], wci[1], config.confidence(), Interval.Method.WILSON);
    double wholeRate = (double) total / n;
    ms.add(Measurement.of(metric, all, wholeRate, whole, n));
    ms.add(Measurement.of("slices_found", all, slices.size(), n));
    ms.add(Measurement.of("max_effect", all, slices.stream().mapToDouble(Slice::effect).max().orElse(0), n));
    ms.add(Measurement.of("slices_tested", all, r.family(), n));
    ms.add(Measurement.of("slices_evaluated", all, r.evaluated(), n));
    List<Slice> top = slices.subList(0, Math.min(config.top(), slices.size()));
    List<List<String>> rows = new ArrayList<>();
    List<Evidence.Point> bars = new ArrayList<>();
    bars.add(Evidence.Point.bar("all", wholeRate, whole.lower(), whole.upper()));
    for (int i = 0; i < top.size(); i++) {
      Slice s = top.get(i);
      ms.add(Measurement.of(metric, s.subject(), s.rate(), s.interval(), s.size()));
      ms.add(Measurement.of("n", s.subject(), s.size(), s.size()));
      ms.add(Measurement.of("effect", s.subject(), s.effect(), s.size()));
      ms.add(Measurement.of("q", s.subject(), s.q(), s.size()));
      ms.add(Measurement.of("score", s.subject(), s.score(), s.size()));
      rows.add(List.of(Integer.toString(i + 1), s.subject().display(), Long.toString(s.size()),
          MetricCondition.fmt(s.rate()) + " [" + MetricCondition.fmt(s.interval().lower()) + ", " + MetricCondition.fmt(s.interval().upper()) + "]",
          "+" + MetricCondition.fmt(s.effect()), qText(s.q()), MetricCondition.fmt(s.score()), Integer.toString(s.folded())));
      bars.add(Evidence.Point.bar(s.subject().display(), s.rate(), s.interval().lower(), s.interval().upper()));
    }
    String level = whole.levelText();
    ev.add(new Evidence.Table("Slices where the " + rate + " is higher than overall (" + MetricCondition.fmt(wholeRate) + " on " + n + " rows), ranked by SliceLine score",
        List.of("rank", "slice", "rows", rate + " [" + level + " Wilson]", "effect", "q (BH)", "score", "folded"), rows,
        slices.size() - top.size(), List.of()));
    if (!top.isEmpty()) {
      ev.add(new Evidence.Chart("Top slices against the whole - " + rate, Evidence.ChartKind.BAR, "slice", rate,
          List.of(new Evidence.Series(rate, bars)), new Evidence.Band("within effect " + MetricCondition.fmt(config.effect()) + " of the whole", 0,
              Math.min(1, wholeRate + config.effect())),
          "Bar chart of the " + rate + " of the " + top.size() + " top slices, with " + level + " Wilson intervals, against the whole data's "
              + MetricCondition.fmt(wholeRate) + "; the band reaches the whole's rate plus the effect size " + MetricCondition.fmt(config.effect()) + "."));
    }
    String yaml = what != null ? "" : pinYaml(config, pb, top, wholeRate);
    if (!yaml.isEmpty()) {
      ev.add(new Evidence.Note("YAML that pins these slices in a suite (gauntlet discover prints it)", yaml));
    }
    ev.add(new Evidence.Note("How the slices were searched", "Exact SliceLine enumeration of " + pb.features().size() + " columns ("
        + String.join(", ", pb.features().stream().map(SliceSearch.Feature::name).toList()) + ") up to depth " + config.depth() + ": "
        + r.family() + " slices in the tested family, " + r.evaluated() + " evaluated, " + r.scans() + " column combinations scanned; "
        + r.candidates().size() + " passed size, score and effect before Benjamini-Hochberg at FDR " + MetricCondition.fmt(config.fdr()) + "."
        + (skipped.isEmpty() ? "" : " Skipped: " + String.join(", ", skipped) + ".")));
    String summary = slices.isEmpty()
        ? "No slice has a " + rate + " above the overall " + MetricCondition.fmt(wholeRate) + " by more than " + MetricCondition.fmt(config.effect())
            + " at FDR " + MetricCondition.fmt(config.fdr()) + " (" + r.family() + " slices tested)."
        : slices.size() + " slice" + (slices.size() == 1 ? " has" : "s have") + " a " + rate + " above the overall " + MetricCondition.fmt(wholeRate)
            + " by more than " + MetricCondition.fmt(config.effect()) + " (" + r.family() + " slices tested, FDR " + MetricCondition.fmt(config.fdr())
            + "); worst by score: " + top.get(0).subject().display() + " at " + MetricCondition.fmt(top.get(0).rate()) + ".";
    return new Discovery(t, slices, wholeRate, whole, n, r.family(), r.evaluated(), r.scans(), ms, ev, summary, yaml);
  }

  private static String qText(double q) {
    return q < 1e-4 ? String.format(Locale.ROOT, "%.1e", q) : MetricCondition.fmt(q);
  }

  /**
   * A {@code fairness.slices} check that judges the next candidate on these slices: its attributes
   * (numerics with the same bands), depth and minimum size, and one condition per slice that its
   * rate stays within {@code effect} of today's whole.
   */
  static String pinYaml(DiscoveryConfig config, SliceSearch.Problem pb, List<Slice> slices, double wholeRate) {
    if (slices.isEmpty()) {
      return "";
    }
    Set<String> used = new java.util.HashSet<>();
    int depth = 1;
    for (Slice s : slices) {
      used.addAll(s.subject().attributes().keySet());
      depth = Math.max(depth, s.subject().attributes().size());
    }
    List<String> attrs = new ArrayList<>();
    for (SliceSearch.Feature f : pb.features()) {
      if (used.contains(f.name())) {
        if (f.cuts() == null) {
          attrs.add(yamlScalar(f.name()));
        } else {
          attrs.add("{name: " + yamlScalar(f.name()) + ", bands: [" + String.join(", ", Arrays.stream(f.cuts()).mapToObj(SliceDiscoveryCheck::num).toList()) + "]}");
        }
      }
    }
    StringBuilder b = new StringBuilder();
    b.append("  - id: discovered-slices\n    type: fairness.slices\n    params: {attributes: [").append(String.join(", ", attrs))
        .append("], intersections: ").append(depth).append(", minSize: ").append(config.minSize()).append(", bootstrap: 0")
        .append(Double.isNaN(config.threshold()) ? "" : ", threshold: " + config.threshold()).append("}\n    conditions:\n");
    for (Slice s : slices) {
      b.append("      - {metric: ").append(pinCondition(config.target(), wholeRate, config.effect())).append(", subject: ")
          .append(quoted(s.subject().toString())).append("}  # found ").append(MetricCondition.fmt(s.rate())).append(" on ").append(s.size())
          .append(" rows, q ").append(qText(s.q())).append("\n");
    }
    return b.toString();
  }

  /** The {@code fairness.slices} metric and bound that keep a slice's rate within effect of the whole's. */
  static String pinCondition(Target t, double whole, double effect) {
    double hi = whole + effect;
    return switch (t) {
      case ERROR -> "accuracy, atLeast: " + round(1 - hi);
      case FPR -> "fpr, atMost: " + round(hi);
      case FNR -> "fnr, atMost: " + round(hi);
      case DENIAL -> "selection_rate, atLeast: " + round(1 - hi);
      case SELECTION -> "selection_rate, atMost: " + round(hi);
    };
  }

  private static String round(double v) {
    return num(Math.max(0, Math.min(1, Math.round(v * 1000) / 1000.0)));
  }

  private static String quoted(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static String yamlScalar(String s) {
    return s.matches("[A-Za-z_][A-Za-z0-9_.-]*") ? s : quoted(s);
  }
}
