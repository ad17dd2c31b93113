package dev.gauntlet.attacks.perturbation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.model.FunctionModel;
import org.junit.jupiter.api.Test;

/** A reported seed and case index replay the same failing case and the same shrunk counterexample. */
class ReplayTest {
  private final Table data = TestData.table(300);
  private final FunctionModel model = TestData.linear(TestData.weights(TestData.X1, 120, TestData.X2, -80, TestData.GROUP_B, 40), 0.1);
  private final Property property = Property.invariance(Perturbation.noise(0.7), new Perturbation.CategorySwap(java.util.List.of(), 0.5))
      .withCases(500).withShrinking(3, 300);

  @Test
  void theSameSeedGivesTheSameFailuresAndCounterexamples() {
    PerturbationResult a = PropertyAssert.given(model, data).seed(2024).run(property);
    PerturbationResult b = PropertyAssert.given(model, data).seed(2024).run(property);
    assertTrue(a.failures() > 0);
    assertEquals(a.failingCases(), b.failingCases());
    assertEquals(a.counterexamples().size(), b.counterexamples().size());
    for (int i = 0; i < a.counterexamples().size(); i++) {
      assertSame(a.counterexamples().get(i), b.counterexamples().get(i));
    }
    PerturbationResult other = PropertyAssert.given(model, data).seed(2025).run(property);
    assertNotEquals(a.failingCases(), other.failingCases(), "another seed draws other cases");
  }

  @Test
  void replayingTheReportedCaseReproducesItAndItsShrinking() {
    PerturbationResult full = PropertyAssert.given(model, data).seed(77).run(property);
    for (Counterexample c : full.counterexamples()) {
      // A different ambient seed: the property's own seed, as printed in the report, must win.
      PerturbationResult replay = PropertyAssert.given(model, data).seed(1).run(property.withSeed(c.seed()).replaying(c.caseIndex()));
      assertEquals(1, replay.cases());
      assertEquals(1, replay.failures(), "the reported case fails again");
      assertEquals(java.util.List.of(c.caseIndex()), replay.failingCases());
      assertSame(c, replay.counterexamples().get(0));
    }
  }

  @Test
  void aCaseDependsOnlyOnTheSeedAndItsIndex() {
    FeatureSpace space = new FeatureSpace(new dev.gauntlet.harness.data.Encoder(data.schema()),
        new dev.gauntlet.harness.data.Encoder(data.schema()).encode(data));
    Generator g = new Generator(space, property);
    Generator.Case once = g.generate(9, 123);
    for (int i = 0; i < 50; i++) {
      g.generate(9, i);
    }
    Generator.Case again = g.generate(9, 123);
    assertArrayEquals(once.after(), again.after());
    assertArrayEquals(once.choices(), again.choices());
    Generator.Case replayed = g.generate(Choices.replay(once.choices()));
    assertArrayEquals(once.after(), replayed.after(), "replaying the recorded choices rebuilds the case");
  }

  private static void assertSame(Counterexample x, Counterexample y) {
    assertEquals(x.caseIndex(), y.caseIndex());
    assertEquals(x.row(), y.row());
    assertEquals(x.failure(), y.failure());
    assertEquals(x.changes(), y.changes());
    assertArrayEquals(x.choices(), y.choices());
    assertArrayEquals(x.after(), y.after());
    assertEquals(x.shrinkSteps(), y.shrinkSteps());
  }
}
