package dev.gauntlet.attacks.perturbation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.config.ConfigNode;
import dev.gauntlet.harness.config.SuiteLoader;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code perturbation.property} YAML type: every parameter read, every mistake named where it is. */
class YamlTest {

  private static Property parse(String yaml) {
    return PerturbationChecks.parse(ConfigNode.parse("suite.yaml", yaml), TestData.schema());
  }

  /** Through the published type, as a suite binds it: declared keys only, the record's validator anchored at the node. */
  private static String error(String yaml) {
    return assertThrows(UsageException.class, () -> new SuiteLoader().checkTypes().get("perturbation.property")
        .create(ConfigNode.parse("suite.yaml", yaml), TestData.schema())).getMessage();
  }

  @Test
  void theTypeIsRegisteredForSuites() {
    assertTrue(new SuiteLoader().checkTypes().containsKey("perturbation.property"));
  }

  @Test
  void readsEveryParameter() {
    Property p = parse("""
        kind: invariance
        perturb:
          - noise: {scale: 0.2, distribution: uniform, features: [x1, x4], fraction: 0.5}
          - swap: {features: region, fraction: 0.4}
          - missing: {features: [x3], rate: 0.2}
        rows: synthetic
        cases: 321
        shrink: 2
        maxShrinkSteps: 99
        seed: 7
        replayCase: 300
        name: noisy
        confidence: 0.9
        """);
    assertEquals("noisy", p.name());
    assertEquals(PropertyKind.INVARIANCE, p.kind());
    assertEquals(List.of(new Perturbation.Noise(Perturbation.Distribution.UNIFORM, 0.2, List.of("x1", "x4"), 0.5),
        new Perturbation.CategorySwap(List.of("region"), 0.4), new Perturbation.MissingValue(List.of("x3"), 0.2)), p.perturbations());
    assertEquals(Property.Rows.SYNTHETIC, p.rows());
    assertEquals(321, p.cases());
    assertEquals(2, p.shrink());
    assertEquals(99, p.maxShrinkSteps());
    assertEquals(7L, p.seed());
    assertEquals(300, p.replayCase());
    assertEquals(0.9, p.confidence());

    Property cf = parse("kind: counterfactual\nattribute: group\n");
    assertEquals(List.of(new Perturbation.ProtectedSwap("group")), cf.perturbations());
    assertEquals(1000, cf.cases());
    Property dir = parse("kind: directional\ndirection: up\ntolerance: 0.01\nperturb: [{monotone: {step: 0.5}}]\n");
    assertEquals(Property.Direction.UP, dir.direction());
    assertEquals(0.01, dir.tolerance());
    Property img = parse("kind: tolerance\ntolerance: 0.1\nperturb: [{brightness: {max: 0.2}}, {imageNoise: {sigma: 0.1}}]\n");
    assertInstanceOf(Perturbation.Brightness.class, img.perturbations().get(0));
  }

  /** Parsing fails with a message that contains every fragment. */
  private static void assertError(String yaml, String... fragments) {
    String msg = error(yaml);
    for (String f : fragments) {
      assertTrue(msg.contains(f), "expected '" + f + "' in: " + msg);
    }
  }

  @Test
  void mistakesAreNamedWithFileLineAndColumn() {
    assertError("kind: invariance\nperturb: [{noise: {scale: 0.1}}]\ncase: 10\n", "suite.yaml:3:", "has no parameter 'case'", "Did you mean 'cases'");
    assertError("kind: invariance\nperturb:\n  - noise: {scale: 0.1, features: [age]}\n", "suite.yaml:3:", "'age'", "immutable");
    assertError("kind: counterfactual\nattribute: region\n", "suite.yaml:2:", "not a protected attribute");
    assertError("kind: directional\nperturb: [{monotone: {step: 1}}]\n", "a directional property needs a direction");
    assertError("kind: invariance\nperturb: [{noise: {scale: -1}}]\n", "suite.yaml:2:", "scale must be a positive number");
    assertError("kind: robustness\nperturb: [{noise: {scale: 1}}]\n", "suite.yaml:1:", "expected one of invariance, tolerance, directional, counterfactual");
    assertError("kind: invariance\nperturb: [{blur: {sigma: 1}}]\n", "unknown perturbation 'blur'");
    assertError("kind: invariance\ncases: 10\nreplayCase: 10\nperturb: [{noise: {scale: 1}}]\n", "suite.yaml:3:", "replayCase must be in [0, 9]");
    assertError("kind: tolerance\nperturb: [{noise: {scale: 1}}]\n", "tolerance is the largest allowed score change");
    assertError("kind: directional\ndirection: up\nperturb: [{monotone: {step: 1, features: [x3]}}]\n", "monotone direction");
  }
}
