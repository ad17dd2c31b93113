package dev.gauntlet.harness.metric;

import java.util.Objects;

/**
 * The declaration of one check parameter, for documentation and for the YAML binding's key check.
 * Validation itself lives in one place only: the check's own record (its compact constructor),
 * which throws {@link ParamException} naming the parameter; the YAML binding re-anchors that
 * message at the parameter's node.
 *
 * @param name the YAML key and the record component
 * @param type e.g. {@code integer in [1, 1000]}, {@code day | week | month}
 * @param defaultValue the default in words, or {@code required}
 * @param description what it does
 */
public record ParamDecl(String name, String type, String defaultValue, String description) {
  public ParamDecl {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(defaultValue, "defaultValue");
    Objects.requireNonNull(description, "description");
  }

  public static ParamDecl of(String name, String type, String defaultValue, String description) {
    return new ParamDecl(name, type, defaultValue, description);
  }
}
