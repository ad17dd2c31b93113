package dev.gauntlet.harness.config;

import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.data.StrictNumbers;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A YAML node that remembers where it came from, so every configuration error names the file, the
 * line and the column. Reads are typed and strict: unknown keys, wrong types and out-of-range values
 * are {@link UsageException}s, never defaults.
 *
 * <p>SnakeYAML's node graph is used rather than Jackson's tree because it keeps the position of
 * every node, which Jackson's {@code JsonNode} drops.
 */
public final class ConfigNode {
  private final String file;
  private final Node node;
  private final String path;

  private ConfigNode(String file, Node node, String path) {
    this.file = file;
    this.node = node;
    this.path = path;
  }

  /**
   * The largest YAML file Gauntlet reads: 4 MiB. Suites and schemas are a few kilobytes; anything
   * near this is a mistake (or a file built to exhaust memory), and is refused before it is parsed.
   */
  public static final int MAX_YAML_BYTES = 4 * 1024 * 1024;

  /** Parses a YAML file. A missing file, a file over {@link #MAX_YAML_BYTES} or malformed YAML is a {@link UsageException}. */
  public static ConfigNode load(Path file) {
    String text = readText(file, "YAML file");
    return parse(file.toString(), text);
  }

  /**
   * Reads a whole text file of at most {@link #MAX_YAML_BYTES}, turning a missing, unreadable or
   * oversized file into a {@link UsageException}. The read itself is bounded, so a device or a pipe
   * that never ends is refused too.
   */
  public static String readText(Path file, String what) {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] bytes = in.readNBytes(MAX_YAML_BYTES + 1);
      if (bytes.length > MAX_YAML_BYTES) {
        throw tooLarge(file.toString(), what);
      }
      return new String(bytes, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new UsageException(file + ": " + what + " not found; check the path (relative paths are resolved against " + Path.of("").toAbsolutePath() + ")");
    } catch (IOException e) {
      throw new UsageException(file + ": cannot read " + what + ": " + e.getMessage(), e);
    }
  }

  private static UsageException tooLarge(String file, String what) {
    return new UsageException(file + ": the " + what + " is larger than " + (MAX_YAML_BYTES / (1024 * 1024))
        + " MiB; Gauntlet reads YAML files up to that size (a suite or schema is a few kilobytes): is this the right file?");
  }

  /**
   * Parses YAML text; {@code file} is only used in messages. Besides well-formed YAML, the document
   * must not use what could hide a mistake or multiply its size: a key twice in one mapping (both
   * places are named), a merge key ({@code <<:}), an alias ({@code *name}) of a mapping or a list, a
   * mapping or a list as a key.
   */
  public static ConfigNode parse(String file, String text) {
    if (text.length() > MAX_YAML_BYTES) {
      throw tooLarge(file, "YAML text");
    }
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setMaxAliasesForCollections(0); // refused with a position by refuseCollectionAliases first
    options.setAllowRecursiveKeys(false);
    options.setMergeOnCompose(false);
    options.setNestingDepthLimit(50);
    options.setCodePointLimit(MAX_YAML_BYTES + 1);
    Yaml yaml = new Yaml(options);
    try {
      refuseCollectionAliases(file, yaml, text);
      Node root;
      try (Reader reader = new StringReader(text)) {
        root = yaml.compose(reader);
      }
      if (root == null) {
        throw UsageException.at(file, 1, 1, "the YAML document is empty; expected a mapping of keys");
      }
      checkMappings(file, root, "");
      return new ConfigNode(file, root, "");
    } catch (MarkedYAMLException e) {
      Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
      String context = e.getContext() != null ? " (" + e.getContext() + ")" : "";
      throw UsageException.at(file, m == null ? 0 : m.getLine() + 1, m == null ? 0 : m.getColumn() + 1,
          "malformed YAML: " + problem + context);
    } catch (YAMLException e) {
      throw new UsageException(file + ": malformed YAML: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UsageException(file + ": cannot read YAML: " + e.getMessage(), e);
    }
  }

  /**
   * A first pass over the YAML events: an alias of a mapping or a list is refused at the alias, with
   * the anchor's place. Aliases of single values are harmless and allowed.
   */
  private static void refuseCollectionAliases(String file, Yaml yaml, String text) {
    Map<String, Mark> collectionAnchors = new HashMap<>();
    for (Event e : yaml.parse(new StringReader(text))) {
      if (e instanceof CollectionStartEvent c && c.getAnchor() != null) {
        collectionAnchors.put(c.getAnchor(), c.getStartMark());
      } else if (e instanceof AliasEvent a && collectionAnchors.containsKey(a.getAnchor())) {
        Mark anchor = collectionAnchors.get(a.getAnchor());
        throw UsageException.at(file, a.getStartMark().getLine() + 1, a.getStartMark().getColumn() + 1,
            "alias '*" + a.getAnchor() + "' repeats a mapping or list (anchor '&" + a.getAnchor() + "' at line "
                + (anchor.getLine() + 1) + " column " + (anchor.getColumn() + 1) + "); aliases of mappings and lists are not allowed"
                + " in Gauntlet YAML (they can hide duplicate keys and multiply the document's size): write the values out");
      }
    }
  }

  /** Every mapping of the document: keys are single values, no merge keys, no key twice. */
  private static void checkMappings(String file, Node node, String path) {
    if (node instanceof SequenceNode s) {
      List<Node> items = s.getValue();
      for (int i = 0; i < items.size(); i++) {
        checkMappings(file, items.get(i), path + "[" + i + "]");
      }
      return;
    }
    if (!(node instanceof MappingNode m)) {
      return;
    }
    Map<String, Node> seen = new HashMap<>();
    String where = path.isEmpty() ? "" : "'" + path + "': ";
    for (NodeTuple t : m.getValue()) {
      Node keyNode = t.getKeyNode();
      Mark at = keyNode.getStartMark();
      if (!(keyNode instanceof ScalarNode k)) {
        throw UsageException.at(file, line(at), column(at), where + "keys must be plain words, found a "
            + (keyNode instanceof MappingNode ? "mapping" : "list") + " as a key");
      }
      if (Tag.MERGE.equals(k.getTag()) || (k.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN && "<<".equals(k.getValue()))) {
        throw UsageException.at(file, line(at), column(at), where + "YAML merge keys ('<<:') are not supported in Gauntlet YAML"
            + " (a merged key would silently lose to, or override, a key written here): write the keys out");
      }
      String key = k.getValue();
      Node first = seen.putIfAbsent(key, keyNode);
      if (first != null) {
        Mark a = first.getStartMark();
        throw UsageException.at(file, line(at), column(at), where + "key '" + key + "' appears twice: line " + line(a) + " column "
            + column(a) + " and line " + line(at) + " column " + column(at) + "; a mapping takes each key once (YAML does not say which"
            + " one wins): remove one");
      }
      checkMappings(file, t.getValueNode(), path.isEmpty() ? key : path + "." + key);
    }
  }

  private static int line(Mark m) {
    return m == null ? 0 : m.getLine() + 1;
  }

  private static int column(Mark m) {
    return m == null ? 0 : m.getColumn() + 1;
  }

  public String file() {
    return file;
  }

  /** The dotted key path of this node inside the document, e.g. {@code checks[2].conditions[0]}. */
  public String path() {
    return path.isEmpty() ? "<root>" : path;
  }

  public int line() {
    return node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
  }

  public int column() {
    return node.getStartMark() == null ? 0 : node.getStartMark().getColumn() + 1;
  }

  /** An error anchored at this node. */
  public UsageException error(String message) {
    return UsageException.at(file, line(), column(), (path.isEmpty() ? "" : "'" + path + "': ") + message);
  }

  public boolean isMapping() {
    return node instanceof MappingNode;
  }

  public boolean isSequence() {
    return node instanceof SequenceNode;
  }

  public boolean isScalar() {
    return node instanceof ScalarNode;
  }

  private Map<String, ConfigNode> mapping() {
    if (!(node instanceof MappingNode m)) {
      throw error("expected a mapping (key: value lines), found " + kind());
    }
    Map<String, ConfigNode> out = new LinkedHashMap<>();
    for (NodeTuple t : m.getValue()) {
      if (!(t.getKeyNode() instanceof ScalarNode k)) {
        throw new ConfigNode(file, t.getKeyNode(), path).error("keys must be plain words");
      }
      String key = k.getValue();
      out.put(key, new ConfigNode(file, t.getValueNode(), path.isEmpty() ? key : path + "." + key));
    }
    return out;
  }

  private String kind() {
    if (node instanceof MappingNode) {
      return "a mapping";
    }
    if (node instanceof SequenceNode) {
      return "a list";
    }
    return "the value '" + ((ScalarNode) node).getValue() + "'";
  }

  /** The keys of this mapping, in document order. */
  public Set<String> keys() {
    return mapping().keySet();
  }

  /** Fails on any key not in {@code allowed}, naming the key and listing the allowed ones. */
  public ConfigNode allowOnly(String... allowed) {
    Set<String> ok = new LinkedHashSet<>(Arrays.asList(allowed));
    for (Map.Entry<String, ConfigNode> e : mapping().entrySet()) {
      if (!ok.contains(e.getKey())) {
        throw e.getValue().error("unknown key '" + e.getKey() + "'; allowed keys here: " + String.join(", ", ok));
      }
    }
    return this;
  }

  /** An empty mapping placed at this mapping (its errors name this node's line), e.g. for an absent {@code params:}. */
  ConfigNode emptyHere() {
    mapping(); // fails unless this is a mapping
    MappingNode m = (MappingNode) node;
    return new ConfigNode(file, new MappingNode(m.getTag(), true, new ArrayList<>(), m.getStartMark(), m.getEndMark(), m.getFlowStyle()), path);
  }

  /** This mapping without {@code key} (positions kept), e.g. to strip a common key before a provider reads the rest. */
  public ConfigNode without(String key) {
    mapping(); // fails unless this is a mapping
    MappingNode m = (MappingNode) node;
    List<NodeTuple> kept = new ArrayList<>();
    for (NodeTuple t : m.getValue()) {
      if (!(t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key))) {
        kept.add(t);
      }
    }
    return new ConfigNode(file, new MappingNode(m.getTag(), true, kept, m.getStartMark(), m.getEndMark(), m.getFlowStyle()), path);
  }

  public boolean has(String key) {
    return mapping().containsKey(key);
  }

  public Optional<ConfigNode> opt(String key) {
    ConfigNode child = mapping().get(key);
    if (child != null && child.isScalar() && isNull(child)) {
      return Optional.empty();
    }
    return Optional.ofNullable(child);
  }

  private static boolean isNull(ConfigNode n) {
    String tag = n.node.getTag().getValue();
    return tag.endsWith(":null");
  }

  public ConfigNode get(String key) {
    return opt(key).orElseThrow(() -> error("missing required key '" + key + "'"));
  }

  /** The text of a scalar node. */
  public String asText() {
    if (!(node instanceof ScalarNode s)) {
      throw error("expected a single value, found " + kind());
    }
    return s.getValue();
  }

  /**
   * A finite decimal number as in the YAML 1.2 core schema: {@code 42}, {@code -0.5}, {@code 1.0},
   * {@code .5}, {@code 1e-3}. Hexadecimal and octal, Java's {@code d}/{@code f} suffixes,
   * underscores, {@code NaN} and infinities ({@code .nan}, {@code .inf}) are refused: see
   * {@link StrictNumbers}.
   */
  public double asDouble() {
    String text = asText();
    if (!StrictNumbers.isDecimal(text)) {
      if (StrictNumbers.isNanOrInfinity(text)) {
        throw error("expected a finite number, found '" + text + "'; NaN and infinity are not allowed here");
      }
      throw error("expected a decimal number such as 42, -0.5 or 1e-3, found '" + text + "'"
          + " (hexadecimal, octal, suffixes such as 1d or 1f, underscores and spaces are not numbers here)");
    }
    double v = Double.parseDouble(text);
    if (!Double.isFinite(v)) {
      throw error("number '" + text + "' is too large for a double; expected a finite number");
    }
    return v;
  }

  /** A decimal whole number: an optional sign and digits ({@code 42}, {@code -7}); not {@code 1e3}, {@code 0x10}, {@code 1_000} or {@code 42.0}. */
  public long asLong() {
    String text = asText();
    if (!StrictNumbers.isInteger(text)) {
      throw error("expected a whole number such as 42, found '" + text + "'"
          + " (decimal digits only: no fraction, exponent, hexadecimal, underscores or spaces)");
    }
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw error("number " + text + " is out of range; expected a whole number between " + Long.MIN_VALUE + " and " + Long.MAX_VALUE);
    }
  }

  public int asInt() {
    long v = asLong();
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw error("number " + v + " is out of range");
    }
    return (int) v;
  }

  /**
   * {@code true} or {@code false}, written exactly so (the YAML 1.2 core booleans). YAML 1.1's
   * {@code yes}/{@code no}/{@code on}/{@code off}/{@code y}/{@code n} are refused: in YAML 1.2 they
   * are strings, and a reader that guesses could turn a typo into a policy.
   */
  public boolean asBoolean() {
    String t = asText();
    return switch (t) {
      case "true" -> true;
      case "false" -> false;
      default -> throw error("expected true or false, found '" + t + "'; booleans are written true or false"
          + " (YAML 1.2: yes, no, on and off are not booleans here)");
    };
  }

  public List<ConfigNode> asList() {
    if (!(node instanceof SequenceNode s)) {
      throw error("expected a list, found " + kind());
    }
    List<ConfigNode> out = new ArrayList<>();
    for (int i = 0; i < s.getValue().size(); i++) {
      out.add(new ConfigNode(file, s.getValue().get(i), path + "[" + i + "]"));
    }
    return out;
  }

  /** A scalar or a list of scalars, as a list of strings. */
  public List<String> asStringList() {
    if (isScalar()) {
      return List.of(asText());
    }
    List<String> out = new ArrayList<>();
    for (ConfigNode n : asList()) {
      out.add(n.asText());
    }
    return out;
  }

  public <E extends Enum<E>> E asEnum(Class<E> type) {
    String text = asText().trim();
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(text.replace('-', '_'))) {
        return e;
      }
    }
    List<String> names = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      names.add(e.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
    }
    throw error("unknown value '" + text + "'; expected one of " + String.join(", ", names));
  }

  public String text(String key) {
    return get(key).asText();
  }

  public String text(String key, String dflt) {
    return opt(key).map(ConfigNode::asText).orElse(dflt);
  }

  public double dbl(String key, double dflt) {
    return opt(key).map(ConfigNode::asDouble).orElse(dflt);
  }

  public int integer(String key, int dflt) {
    return opt(key).map(ConfigNode::asInt).orElse(dflt);
  }

  public long lng(String key, long dflt) {
    return opt(key).map(ConfigNode::asLong).orElse(dflt);
  }

  public boolean bool(String key, boolean dflt) {
    return opt(key).map(ConfigNode::asBoolean).orElse(dflt);
  }

  public List<String> strings(String key) {
    return opt(key).map(ConfigNode::asStringList).orElse(List.of());
  }

  /** A list of numbers; a single number is a list of one. */
  public double[] doubles(String key) {
    Optional<ConfigNode> n = opt(key);
    if (n.isEmpty()) {
      return new double[0];
    }
    if (n.get().isScalar()) {
      return new double[] {n.get().asDouble()};
    }
    List<ConfigNode> items = n.get().asList();
    double[] out = new double[items.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = items.get(i).asDouble();
    }
    return out;
  }

  /** Checks a value and reports it at this node when the predicate fails. */
  public <T> T require(T value, Function<T, String> problem) {
    String p = problem.apply(value);
    if (p != null) {
      throw error(p);
    }
    return value;
  }

  @Override
  public String toString() {
    return file + ":" + line() + ":" + column() + " " + path();
  }
}
