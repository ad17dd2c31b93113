package dev.gauntlet.harness.check;

/**
 * A condition a check brings with it ({@link Check#defaultConditions}), applied unless the suite
 * turns it off or judges the same metric itself.
 */
public interface DefaultCondition extends Condition<Measured> {

  /** The metric it judges: a suite condition on this metric replaces it. */
  String metric();
}
