package dev.gauntlet.harness.run;

import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.model.Artifact;
import dev.gauntlet.harness.model.ModelUnderTest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * An audit: a candidate model (and optionally a baseline), evaluation data (and optionally
 * reference data), the checks with their conditions, the gate policy and one seed that drives every
 * random choice. Built in Java with {@link #builder(String)} or loaded from YAML.
 *
 * @param threshold the decision threshold on the positive class's probability (binary models)
 * @param text the suite's source text (YAML), recorded in provenance; null for suites built in Java
 * @param file the suite file, or null
 * @param schema the schema file's identity, or null
 * @param checkTimeLimit how long one check may run on one model before it is abandoned as ERROR
 * @param modelDeterministic whether the candidate is expected to give the same predictions for the
 *     same input (default true; a model that does not is an ERROR, see {@link DeterminismProbe})
 * @param baselineDeterministic the same for the baseline
 * @param stream every kept evaluation row, in chunks, when the data has more rows than the suite's
 *     sample size; then {@code data} is the seeded stratified sample (its source says how it was
 *     drawn), checks that {@linkplain dev.gauntlet.harness.check.Check#streams() stream} summarise
 *     these chunks and the others see the sample. Null when {@code data} holds every kept row.
 * @param referenceStream the same for the reference data: every kept reference row, in chunks, when
 *     there are more than the sample size; then {@code reference} is a seeded stratified sample of
 *     them. Null when {@code reference} holds every kept row (or there is none).
 */
public record Suite(
    String name,
    long seed,
    ModelUnderTest model,
    ModelUnderTest baseline,
    Table data,
    Table reference,
    double threshold,
    Gate gate,
    List<CheckSpec<?>> checks,
    String text,
    String file,
    Artifact schema,
    java.time.Duration checkTimeLimit,
    boolean modelDeterministic,
    boolean baselineDeterministic,
    dev.gauntlet.harness.data.RowChunks stream,
    dev.gauntlet.harness.data.RowChunks referenceStream) {

  /** The default per-check time limit. */
  public static final java.time.Duration DEFAULT_CHECK_TIME_LIMIT = java.time.Duration.ofMinutes(30);

  /** The rule for a suite name (it names the output folder); the YAML loader checks the same one. */
  public static final String NAME_RULE = "[A-Za-z0-9][A-Za-z0-9_.-]*";

  /** Whether {@code name} follows {@link #NAME_RULE} (so it cannot be '.', '..' or hold a path separator). */
  public static boolean isValidName(String name) {
    return name != null && name.matches(NAME_RULE);
  }

  public Suite {
    Objects.requireNonNull(name, "name");
    if (!isValidName(name)) {
      throw new IllegalArgumentException("suite name '" + name + "' must match " + NAME_RULE + " (letters, digits, '-', '_' and '.'; it names the output folder)");
    }
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(gate, "gate");
    if (referenceStream != null && (reference == null || reference.source() == null || reference.source().sample() == null)) {
      throw new IllegalArgumentException("a streamed reference needs its sample (with the sample's provenance) as the reference table");
    }
    checks = List.copyOf(checks);
    if (checks.isEmpty()) {
      throw new IllegalArgumentException("suite '" + name + "' has no checks");
    }
    if (!(threshold > 0 && threshold < 1)) {
      throw new IllegalArgumentException("decision threshold must be in (0, 1), got " + threshold);
    }
    checkTimeLimit = checkTimeLimit == null ? DEFAULT_CHECK_TIME_LIMIT : checkTimeLimit;
    if (checkTimeLimit.isNegative() || checkTimeLimit.isZero()) {
      throw new IllegalArgumentException("the check time limit must be positive, got " + checkTimeLimit);
    }
    if (data.schema().label().isPresent()) {
      for (ModelUnderTest m : java.util.Arrays.asList(model, baseline)) {
        if (m != null && m.precomputed().isEmpty()) {
          try {
            dev.gauntlet.harness.model.Task.requireMatch(m, data.schema().label().get());
          } catch (dev.gauntlet.harness.UsageException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
          }
        }
      }
    }
    Set<String> ids = new HashSet<>();
    for (CheckSpec<?> c : checks) {
      if (!ids.add(c.id())) {
        throw new IllegalArgumentException("suite '" + name + "' has two checks with id '" + c.id() + "'");
      }
      c.validate(data.schema());
      c.check().validateData(data);
    }
  }

  /** A suite whose data holds every kept evaluation row. */
  public Suite(String name, long seed, ModelUnderTest model, ModelUnderTest baseline, Table data, Table reference, double threshold,
      Gate gate, List<CheckSpec<?>> checks, String text, String file, Artifact schema, java.time.Duration checkTimeLimit,
      boolean modelDeterministic, boolean baselineDeterministic) {
    this(name, seed, model, baseline, data, reference, threshold, gate, checks, text, file, schema, checkTimeLimit, modelDeterministic,
        baselineDeterministic, null, null);
  }

  /** A suite whose reference (if any) holds every kept reference row; {@code stream} as in {@link #stream()}. */
  public Suite(String name, long seed, ModelUnderTest model, ModelUnderTest baseline, Table data, Table reference, double threshold,
      Gate gate, List<CheckSpec<?>> checks, String text, String file, Artifact schema, java.time.Duration checkTimeLimit,
      boolean modelDeterministic, boolean baselineDeterministic, dev.gauntlet.harness.data.RowChunks stream) {
    this(name, seed, model, baseline, data, reference, threshold, gate, checks, text, file, schema, checkTimeLimit, modelDeterministic,
        baselineDeterministic, stream, null);
  }

  /** The number of kept reference rows when they are streamed ({@link #referenceStream()}), else -1. */
  public long streamedReferenceRows() {
    return referenceStream == null ? -1 : reference.source().sample().ofRows();
  }

  /** This suite run over every row of {@code stream}, with {@code sample} as its data (see {@link #stream()}). */
  public Suite streamed(Table sample, dev.gauntlet.harness.data.RowChunks stream) {
    return new Suite(name, seed, model, baseline, sample, reference, threshold, gate, checks, text, file, schema, checkTimeLimit,
        modelDeterministic, baselineDeterministic, Objects.requireNonNull(stream, "stream"), referenceStream);
  }

  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** Builds a suite in Java. */
  public static final class Builder {
    private final String name;
    private long seed = 42;
    private ModelUnderTest model;
    private ModelUnderTest baseline;
    private Table data;
    private Table reference;
    private double threshold = 0.5;
    private Gate gate = Gate.standard();
    private final List<CheckSpec<?>> checks = new ArrayList<>();
    private java.time.Duration checkTimeLimit = DEFAULT_CHECK_TIME_LIMIT;
    private boolean modelDeterministic = true;
    private boolean baselineDeterministic = true;

    private Builder(String name) {
      this.name = name;
    }

    public Builder seed(long s) {
      this.seed = s;
      return this;
    }

    public Builder model(ModelUnderTest m) {
      this.model = m;
      return this;
    }

    public Builder baseline(ModelUnderTest m) {
      this.baseline = m;
      return this;
    }

    public Builder data(Table t) {
      this.data = t;
      return this;
    }

    public Builder reference(Table t) {
      this.reference = t;
      return this;
    }

    public Builder threshold(double t) {
      this.threshold = t;
      return this;
    }

    public Builder gate(Gate g) {
      this.gate = g;
      return this;
    }

    /** How long one check may run on one model (default 30 minutes). */
    public Builder checkTimeLimit(java.time.Duration d) {
      this.checkTimeLimit = d;
      return this;
    }

    /**
     * Whether the candidate is expected to be deterministic (default true): {@code false} accepts a
     * model whose predictions differ on the same input, and the report notes it.
     */
    public Builder deterministic(boolean expected) {
      this.modelDeterministic = expected;
      return this;
    }

    /** Whether the baseline is expected to be deterministic (default true). */
    public Builder baselineDeterministic(boolean expected) {
      this.baselineDeterministic = expected;
      return this;
    }

    public Builder check(CheckSpec<?> c) {
      checks.add(c);
      return this;
    }

    public Suite build() {
      return new Suite(name, seed, model, baseline, data, reference, threshold, gate, checks, null, null, null, checkTimeLimit,
          modelDeterministic, baselineDeterministic);
    }
  }
}
