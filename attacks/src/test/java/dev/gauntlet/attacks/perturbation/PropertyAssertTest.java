package dev.gauntlet.attacks.perturbation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.model.FunctionModel;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** The JUnit 5 fluent API: a failing property fails the test with the shrunk counterexample. */
class PropertyAssertTest {
  private final Table data = TestData.table(300);

  @Test
  void aFailingPropertyFailsWithTheShrunkCounterexampleAndTheReplayLine() {
    FunctionModel model = TestData.linear(TestData.weights(TestData.X1, 100, TestData.GROUP_B, 80), -0.4);
    Property p = Property.counterfactual("group").withCases(500);
    AssertionFailedError e = assertThrows(AssertionFailedError.class,
        () -> PropertyAssert.given(model, data).seed(5).failureRateAtMost(p, 0.01));
    String msg = e.getMessage();
    PerturbationResult r = PropertyAssert.given(model, data).seed(5).run(p);
    Counterexample first = r.counterexamples().get(0);
    assertTrue(msg.startsWith("Property 'counterfactual under swap of group' failed in " + r.failures() + " of 500 cases"), msg);
    assertTrue(msg.contains("above the allowed 1%"), msg);
    assertTrue(msg.contains("Shrunk counterexample, case " + first.caseIndex() + " of seed 5"), msg);
    assertTrue(msg.contains("group: " + first.changes().get(0).before() + " -> " + first.changes().get(0).after()), msg);
    assertTrue(msg.contains("Replay: property.withSeed(5L).replaying(" + r.failingCases().get(0) + ")"), msg);
  }

  @Test
  void aPropertyThatHoldsPassesAndReturnsItsResult() {
    FunctionModel model = TestData.linear(TestData.weights(TestData.X1, 100), 0);
    PerturbationResult r = PropertyAssert.given(model, data).holds(Property.counterfactual("group").withCases(200));
    assertEquals(0, r.failures());
    assertEquals(200, r.cases());
  }
}
