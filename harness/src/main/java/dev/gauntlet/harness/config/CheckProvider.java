package dev.gauntlet.harness.config;

import java.util.List;

/**
 * Publishes check types to YAML suites. Implementations are listed in
 * {@code META-INF/services/dev.gauntlet.harness.config.CheckProvider} of their module.
 */
public interface CheckProvider {
  List<CheckType> types();
}
